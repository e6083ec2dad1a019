package store

import "time"

// SearchField says where a term must match.
type SearchField uint8

const (
	// FieldAny: the name, the extracted text or a topic's name.
	FieldAny SearchField = iota
	// FieldName: the file name only.
	FieldName
	// FieldText: the extracted text only.
	FieldText
)

// SearchOp is the kind of a SearchExpr node.
type SearchOp uint8

const (
	// OpTerm: the node is its Term.
	OpTerm SearchOp = iota
	// OpAnd: every one of Args must match.
	OpAnd
	// OpOr: any of Args must match.
	OpOr
	// OpNot: Args[0] must not match.
	OpNot
)

// SearchExpr is the text part of a search as a tree. The query parser
// builds it in a shape every driver can translate:
//
//   - And and Or have two or more Args, Not exactly one, which is no Not;
//   - an Or's Args are never a Not (a document "without b, or with a"
//     is not a question the indexes answer);
//   - an And below the root has at least one Arg that is not a Not.
//
// The root alone may be "negative": a Not, or an And of Nots only; it
// then selects the documents that match none of them.
type SearchExpr struct {
	Op   SearchOp
	Term SearchTerm
	Args []SearchExpr
}

// Term, And, Or and Not build SearchExpr nodes.
func Term(t SearchTerm) SearchExpr { return SearchExpr{Op: OpTerm, Term: t} }

// And is a node that matches when every arg does.
func And(args ...SearchExpr) SearchExpr { return SearchExpr{Op: OpAnd, Args: args} }

// Or is a node that matches when any arg does.
func Or(args ...SearchExpr) SearchExpr { return SearchExpr{Op: OpOr, Args: args} }

// Not is a node that matches when arg does not.
func Not(arg SearchExpr) SearchExpr { return SearchExpr{Op: OpNot, Args: []SearchExpr{arg}} }

// FilterKind is what a SearchFilter looks at.
type FilterKind uint8

const (
	// FilterTopic: linked to one of IDs (topic ids).
	FilterTopic FilterKind = iota + 1
	// FilterFolder: directly in one of IDs (folder ids).
	FilterFolder
	// FilterType: a content type starting with TypePrefix.
	FilterType
	// FilterCreated: created in [From, To); either bound may be nil.
	FilterCreated
)

// SearchFilter is one condition on a document's metadata; with Not, the
// documents that fail it are kept instead. Every filter of a query must
// hold. A topic or folder filter with no IDs holds for no document.
type SearchFilter struct {
	Kind       FilterKind
	Not        bool
	IDs        []string
	TypePrefix string
	From, To   *time.Time
}

// Shape classifies a query's text after Simplify.
type Shape uint8

const (
	// ShapeAll: no text condition; every document passes (filters only).
	ShapeAll Shape = iota
	// ShapeNone: the text can match no document.
	ShapeNone
	// ShapeMatch: the documents that match Expr.
	ShapeMatch
	// ShapeExclude: the documents that do not match Expr.
	ShapeExclude
)

// TextCondition returns q's text as a driver uses it: Text when set,
// otherwise Must and Not, with terms that have nothing to search for
// removed (a term without a word matches nothing; not matching it is
// always true). With ShapeMatch or ShapeExclude, expr is positive: no
// Not at its root, and every And in it has an Arg that is not a Not.
// hasWord reports whether a term has something to search for, as the
// driver's index sees it.
func (q SearchQuery) TextCondition(hasWord func(SearchTerm) bool) (Shape, SearchExpr) {
	var root SearchExpr
	switch {
	case q.Text != nil:
		root = *q.Text
	case len(q.Must) == 0 && len(q.Not) == 0:
		return ShapeAll, SearchExpr{}
	default:
		root = legacyExpr(q.Must, q.Not)
	}
	e, kind := simplify(root, hasWord)
	switch kind {
	case simpleTrue:
		return ShapeAll, SearchExpr{}
	case simpleFalse:
		return ShapeNone, SearchExpr{}
	}
	if e.Op == OpNot {
		return ShapeExclude, e.Args[0]
	}
	if e.Op == OpAnd {
		var pos, neg []SearchExpr
		for _, a := range e.Args {
			if a.Op == OpNot {
				neg = append(neg, a.Args[0])
			} else {
				pos = append(pos, a)
			}
		}
		if len(pos) == 0 {
			return ShapeExclude, orOf(neg)
		}
	}
	return ShapeMatch, e
}

// legacyExpr is Must and Not as a tree.
func legacyExpr(must [][]SearchTerm, not []SearchTerm) SearchExpr {
	var and []SearchExpr
	for _, g := range must {
		var or []SearchExpr
		for _, t := range g {
			or = append(or, Term(t))
		}
		and = append(and, orOf(or))
	}
	for _, t := range not {
		and = append(and, Not(Term(t)))
	}
	return andOf(and)
}

func orOf(args []SearchExpr) SearchExpr {
	if len(args) == 1 {
		return args[0]
	}
	return Or(args...)
}

func andOf(args []SearchExpr) SearchExpr {
	if len(args) == 1 {
		return args[0]
	}
	return And(args...)
}

type simpleKind uint8

const (
	simpleExpr simpleKind = iota
	simpleTrue
	simpleFalse
)

// simplify removes terms without a word and what they make constant, and
// flattens nested Ands and Ors and double negations. An Or left with a
// Not among its Args (only possible when an And around it lost its
// positive Args) cannot be asked of an index: such a node keeps what it
// can — see the shape rules on SearchExpr, which the parser guarantees.
func simplify(e SearchExpr, hasWord func(SearchTerm) bool) (SearchExpr, simpleKind) {
	switch e.Op {
	case OpTerm:
		if !hasWord(e.Term) {
			return SearchExpr{}, simpleFalse
		}
		return e, simpleExpr
	case OpNot:
		if len(e.Args) != 1 {
			return SearchExpr{}, simpleFalse
		}
		a, k := simplify(e.Args[0], hasWord)
		switch {
		case k == simpleTrue:
			return SearchExpr{}, simpleFalse
		case k == simpleFalse:
			return SearchExpr{}, simpleTrue
		case a.Op == OpNot:
			return a.Args[0], simpleExpr
		}
		return Not(a), simpleExpr
	case OpAnd:
		var args []SearchExpr
		for _, x := range e.Args {
			a, k := simplify(x, hasWord)
			switch {
			case k == simpleFalse:
				return SearchExpr{}, simpleFalse
			case k == simpleTrue:
			case a.Op == OpAnd:
				args = append(args, a.Args...)
			default:
				args = append(args, a)
			}
		}
		if len(args) == 0 {
			return SearchExpr{}, simpleTrue
		}
		return andOf(args), simpleExpr
	case OpOr:
		var args []SearchExpr
		for _, x := range e.Args {
			a, k := simplify(x, hasWord)
			switch {
			case k == simpleTrue:
				return SearchExpr{}, simpleTrue
			case k == simpleFalse:
			case a.Op == OpOr:
				args = append(args, a.Args...)
			default:
				args = append(args, a)
			}
		}
		if len(args) == 0 {
			return SearchExpr{}, simpleFalse
		}
		return orOf(args), simpleExpr
	}
	return SearchExpr{}, simpleFalse
}

// Terms calls fn for every term of e with whether it is under a Not.
func (e SearchExpr) Terms(fn func(t SearchTerm, negated bool)) {
	e.terms(false, fn)
}

func (e SearchExpr) terms(neg bool, fn func(SearchTerm, bool)) {
	if e.Op == OpTerm {
		fn(e.Term, neg)
		return
	}
	for _, a := range e.Args {
		a.terms(neg != (e.Op == OpNot), fn)
	}
}

// AllFilters returns q's filters with ContentTypePrefix, After and Before
// added as filters of their own.
func (q SearchQuery) AllFilters() []SearchFilter {
	out := append([]SearchFilter(nil), q.Filters...)
	if q.ContentTypePrefix != "" {
		out = append(out, SearchFilter{Kind: FilterType, TypePrefix: q.ContentTypePrefix})
	}
	if q.After != nil || q.Before != nil {
		out = append(out, SearchFilter{Kind: FilterCreated, From: q.After, To: q.Before})
	}
	return out
}
