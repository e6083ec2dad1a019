package sqlite

import "sync"

// commonTermsMax bounds the memory commonTerms holds: past it, it starts
// over.
const commonTermsMax = 100_000

// commonTerms remembers the index terms Similar found in more documents
// than it may pick (store.SimilarMaxDF), so that it does not count them
// again for every document: the commonest words are in every document,
// and counting even a thousand of their postings costs more than the
// rest of a lookup. What it remembers holds while documents are only
// added (a term's document count can only grow); it starts over when the
// limit it was found above changes or the library has fewer documents than
// when it was filled (deletions may have made a term rare again).
type commonTerms struct {
	mu    sync.Mutex
	maxDF int // the limit the terms were found above
	docs  int // the fewest documents the library had since
	terms map[string]struct{}
}

// check readies the set for a lookup with limit maxDF in a library of
// docs documents.
func (c *commonTerms) check(maxDF, docs int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.terms == nil || maxDF != c.maxDF || docs < c.docs || len(c.terms) >= commonTermsMax {
		c.terms, c.maxDF = make(map[string]struct{}), maxDF
	}
	c.docs = docs
}

// has reports whether term is known to be too common.
func (c *commonTerms) has(term string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.terms[term]
	return ok
}

// add records terms found too common under the limit maxDF.
func (c *commonTerms) add(maxDF int, terms []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.terms == nil || maxDF != c.maxDF {
		return // the set started over meanwhile
	}
	for _, t := range terms {
		c.terms[t] = struct{}{}
	}
}
