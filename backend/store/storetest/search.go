package storetest

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// searchTests check store.Searcher. Phrases in them never span an English
// stop word ("was", "for"…): one engine indexes stop words and another
// drops them, and the suite checks what both promise.
func searchTests() []subtest {
	return []subtest{
		{"Search/Words", testSearchWords},
		{"Search/Or", testSearchOr},
		{"Search/Not", testSearchNot},
		{"Search/Phrase", testSearchPhrase},
		{"Search/Prefix", testSearchPrefix},
		{"Search/Diacritics", testSearchDiacritics},
		{"Search/Stemming", testSearchStemming},
		{"Search/Filename", testSearchFilename},
		{"Search/Topics", testSearchTopics},
		{"Search/TextUpdates", testSearchTextUpdates},
		{"Search/FinishJobText", testSearchFinishJobText},
		{"Search/DeletedDocument", testSearchDeleted},
		{"Search/Filters", testSearchFilters},
		{"Search/TopicFilterNames", testSearchTopicFilterNames},
		{"Search/UserIsolation", testSearchUsers},
		{"Search/Ranking", testSearchRanking},
		{"Search/FilterKeepsRank", testSearchFilterKeepsRank},
		{"Search/ByDate", testSearchByDate},
		{"Search/Paging", testSearchPaging},
		{"Search/Snippet", testSearchSnippet},
		{"Search/HostileText", testSearchHostile},
		{"Search/CancelledContext", testSearchCancelled},
		{"Search/IndexProbe", testIndexProbe},
		{"Search/Operators", testSearchOperators},
	}
}

// searcher returns s as a store.Searcher, or fails the test when the
// driver does not implement one yet.
func searcher(t *testing.T, s store.Store) store.Searcher {
	t.Helper()
	q, ok := s.(store.Searcher)
	if !ok {
		t.Fatalf("the %s driver does not implement store.Searcher", s.Backend())
	}
	return q
}

// searchFixture is a fixture plus its searcher.
type searchFixture struct {
	*fixture
	sr store.Searcher
}

func newSearchFixture(t *testing.T, s store.Store) *searchFixture {
	t.Helper()
	return &searchFixture{fixture: newFixture(t, s), sr: searcher(t, s)}
}

// text creates a document of the default user with extracted text.
func (f *searchFixture) text(filename, text string) store.Document {
	f.t.Helper()
	return f.doc(filename, func(d *store.Document) { d.ExtractedText = text })
}

// run searches as the default user unless q names another.
func (f *searchFixture) run(q store.SearchQuery) store.SearchPage {
	f.t.Helper()
	if q.Filter.UserID == "" {
		q.Filter.UserID = f.user.ID
	}
	p, err := f.sr.Search(f.ctx, q)
	if err != nil {
		f.t.Fatalf("Search(%s): %v", describeQuery(q), err)
	}
	if p.Hits == nil {
		f.t.Errorf("Search(%s): Hits is nil, want a (possibly empty) slice", describeQuery(q))
	}
	for _, h := range p.Hits {
		if h.Document.Topics == nil {
			f.t.Errorf("Search(%s): hit %s has nil Topics", describeQuery(q), h.Document.ID)
		}
	}
	return p
}

// find returns the ids of the documents matching every word, by relevance.
func (f *searchFixture) find(words ...string) []string {
	f.t.Helper()
	return hitIDs(f.run(store.SearchQuery{Must: all(words...)}))
}

// expect fails unless q finds exactly the documents want, in any order,
// and counts them in Total.
func (f *searchFixture) expect(what string, q store.SearchQuery, want ...store.Document) {
	f.t.Helper()
	p := f.run(q)
	if got := hitIDs(p); !sameSet(got, ids(want)) {
		f.t.Errorf("%s: Search(%s) = %s, want %s", what, describeQuery(q), names(p), docNames(want))
	}
	if p.Total != len(want) || p.TotalIsEstimate {
		f.t.Errorf("%s: Search(%s) Total = %d (estimate %v), want exactly %d",
			what, describeQuery(q), p.Total, p.TotalIsEstimate, len(want))
	}
}

// words returns a term per word, for use in groups.
func words(ws ...string) []store.SearchTerm {
	out := make([]store.SearchTerm, len(ws))
	for i, w := range ws {
		out[i] = store.SearchTerm{Text: w}
	}
	return out
}

// all returns one group per word: every word must match.
func all(ws ...string) [][]store.SearchTerm {
	out := make([][]store.SearchTerm, len(ws))
	for i, w := range ws {
		out[i] = words(w)
	}
	return out
}

// hitIDs returns the document ids of a page's hits in order.
func hitIDs(p store.SearchPage) []string {
	out := make([]string, len(p.Hits))
	for i, h := range p.Hits {
		out[i] = h.Document.ID
	}
	return out
}

// names lists a page's hits by filename, for messages.
func names(p store.SearchPage) string {
	docs := make([]store.Document, len(p.Hits))
	for i, h := range p.Hits {
		docs[i] = h.Document
	}
	return docNames(docs)
}

// docNames lists documents by filename, for messages.
func docNames(docs []store.Document) string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Filename
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// describeQuery renders a query's terms for messages.
func describeQuery(q store.SearchQuery) string {
	term := func(t store.SearchTerm) string {
		s := fmt.Sprintf("%q", t.Text)
		if t.Phrase {
			s = "phrase " + s
		}
		if t.Prefix {
			s += "*"
		}
		return s
	}
	var parts []string
	for _, g := range q.Must {
		alts := make([]string, len(g))
		for i, t := range g {
			alts[i] = term(t)
		}
		parts = append(parts, strings.Join(alts, " OR "))
	}
	for _, t := range q.Not {
		parts = append(parts, "-"+term(t))
	}
	return strings.Join(parts, " ")
}

func testSearchWords(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	fox := f.text("fox.txt", "The quick brown fox jumps over the lazy dog.")
	car := f.text("car.txt", "A quick red car.")
	f.text("dog.txt", "A sleepy dog.")
	f.expect("one word", store.SearchQuery{Must: all("quick")}, fox, car)
	f.expect("two words", store.SearchQuery{Must: all("quick", "brown")}, fox)
	f.expect("case", store.SearchQuery{Must: all("QUICK", "Brown")}, fox)
	f.expect("two words, not together", store.SearchQuery{Must: all("red", "fox")})
	f.expect("absent word", store.SearchQuery{Must: all("zebra")})
}

func testSearchOr(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	fox := f.text("fox.txt", "The quick brown fox.")
	car := f.text("car.txt", "A quick red car.")
	dog := f.text("dog.txt", "A sleepy dog.")
	f.expect("fox OR car", store.SearchQuery{Must: [][]store.SearchTerm{words("fox", "car")}}, fox, car)
	f.expect("(fox OR dog) quick", store.SearchQuery{Must: [][]store.SearchTerm{words("fox", "dog"), words("quick")}}, fox)
	f.expect("(fox OR dog) (sleepy OR brown)",
		store.SearchQuery{Must: [][]store.SearchTerm{words("fox", "dog"), words("sleepy", "brown")}}, fox, dog)
	f.expect("phrase OR word", store.SearchQuery{Must: [][]store.SearchTerm{{
		{Text: "red car", Phrase: true}, {Text: "sleepy"},
	}}}, car, dog)
}

func testSearchNot(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	draft := f.text("draft.txt", "invoice draft for march")
	final := f.text("final.txt", "final invoice for march")
	f.text("other.txt", "a draft letter")
	f.expect("invoice -draft", store.SearchQuery{Must: all("invoice"), Not: words("draft")}, final)
	f.expect("invoice -final -draft", store.SearchQuery{Must: all("invoice"), Not: words("final", "draft")})
	f.expect("invoice -\"march final\"",
		store.SearchQuery{Must: all("invoice"), Not: []store.SearchTerm{{Text: "march final", Phrase: true}}}, draft, final)
	f.expect("invoice -\"invoice draft\"",
		store.SearchQuery{Must: all("invoice"), Not: []store.SearchTerm{{Text: "invoice draft", Phrase: true}}}, final)
	f.expect("invoice -fin*",
		store.SearchQuery{Must: all("invoice"), Not: []store.SearchTerm{{Text: "fin", Prefix: true}}}, draft)
}

func testSearchPhrase(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	fox := f.text("fox.txt", "The quick brown fox.")
	other := f.text("other.txt", "Brown and quick, clever: a fox.")
	phrase := func(text string) store.SearchQuery {
		return store.SearchQuery{Must: [][]store.SearchTerm{{{Text: text, Phrase: true}}}}
	}
	f.expect("in order", phrase("quick brown"), fox)
	f.expect("reversed", phrase("brown quick"))
	f.expect("three words", phrase("quick brown fox"), fox)
	f.expect("words apart", phrase("quick fox"))
	f.expect("as words", store.SearchQuery{Must: all("quick", "brown")}, fox, other)
}

func testSearchPrefix(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	inv := f.text("a.txt", "one invoice")
	invs := f.text("b.txt", "two invoices")
	f.text("c.txt", "an invitation")
	prefix := func(text string) store.SearchQuery {
		return store.SearchQuery{Must: [][]store.SearchTerm{{{Text: text, Prefix: true}}}}
	}
	f.expect("invo*", prefix("invo"), inv, invs)
	f.expect("INVO*", prefix("INVO"), inv, invs)
	f.expect("invoice*", prefix("invoice"), inv, invs)
	f.expect("invo as a word", store.SearchQuery{Must: all("invo")})

	// A prefix is what the person typed, even where the stemmer would
	// rewrite it ("pay" stems to "pai"): pay* finds payment and paying,
	// not paint; gray* finds grayscale and grays, not grain.
	payment := f.text("d.txt", "the payment is due")
	paying := f.text("e.txt", "we are paying today")
	f.text("f.txt", "fresh paint and some grain")
	grayscale := f.text("g.txt", "a grayscale scan")
	grays := f.text("h.txt", "he grays early")
	f.expect("pay*", prefix("pay"), payment, paying)
	f.expect("gray*", prefix("Gray"), grayscale, grays)
	p := f.run(prefix("pay"))
	for _, h := range p.Hits {
		if !strings.Contains(h.Snippet, store.HighlightStart) {
			t.Errorf("pay*: the snippet of %s marks nothing: %q", h.Document.Filename, h.Snippet)
		}
	}
}

func testSearchDiacritics(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	cafe := f.text("cafe.txt", "Kaffee im Café Müller in Zürich")
	plain := f.text("plain.txt", "a resume of the cafe")
	decomposed := f.text("nfd.txt", "Cafe\u0301 noir") // e + combining acute
	f.expect("cafe", store.SearchQuery{Must: all("cafe")}, cafe, plain, decomposed)
	f.expect("café", store.SearchQuery{Must: all("café")}, cafe, plain, decomposed)
	f.expect("CAFÉ", store.SearchQuery{Must: all("CAFÉ")}, cafe, plain, decomposed)
	f.expect("muller", store.SearchQuery{Must: all("muller")}, cafe)
	f.expect("MÜLLER", store.SearchQuery{Must: all("MÜLLER")}, cafe)
	f.expect("zurich", store.SearchQuery{Must: all("zurich")}, cafe)
	f.expect("résumé", store.SearchQuery{Must: all("résumé")}, plain)
	f.expect("phrase café müller", store.SearchQuery{Must: [][]store.SearchTerm{{{Text: "cafe muller", Phrase: true}}}}, cafe)
}

func testSearchStemming(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	one := f.text("one.txt", "an invoice paid today")
	many := f.text("many.txt", "the invoices were paid")
	pay := f.text("pay.txt", "monthly payments")
	f.expect("invoices", store.SearchQuery{Must: all("invoices")}, one, many)
	f.expect("invoice", store.SearchQuery{Must: all("invoice")}, one, many)
	f.expect("payment", store.SearchQuery{Must: all("payment")}, pay)
	f.expect("phrase invoices paid",
		store.SearchQuery{Must: [][]store.SearchTerm{{{Text: "invoices paid", Phrase: true}}}}, one)
}

func testSearchFilename(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	report := f.doc("Quarterly-Report_2024.pdf", nil)
	f.text("other.txt", "nothing quarterly here") // text only, for contrast
	f.expect("quarterly", store.SearchQuery{Must: all("quarterly")}, report, f.docNamed("other.txt"))
	f.expect("report 2024", store.SearchQuery{Must: all("report", "2024")}, report)

	if _, err := s.UpdateDocument(f.ctx, report.UserID, report.ID, store.DocumentPatch{Filename: ptr("Annual summary.pdf")}); err != nil {
		t.Fatal(err)
	}
	f.expect("old name", store.SearchQuery{Must: all("report")})
	f.expect("new name", store.SearchQuery{Must: all("annual", "summary")}, report)
}

// docNamed finds the default user's one document called name.
func (f *searchFixture) docNamed(name string) store.Document {
	f.t.Helper()
	p := f.list(store.DocumentFilter{Query: name, Limit: 1000})
	for _, d := range p.Documents {
		if d.Filename == name {
			return d
		}
	}
	f.t.Fatalf("no document called %q", name)
	return store.Document{}
}

func testSearchTopics(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	policy := f.text("policy.pdf", "the policy number is 42")
	f.text("unrelated.pdf", "the number is 7")
	ins := f.topic("Insurance")
	f.link(policy.ID, ins)
	f.expect("topic name", store.SearchQuery{Must: all("insurance")}, policy)
	f.expect("topic and text", store.SearchQuery{Must: all("insurance", "policy")}, policy)

	ins.Name = "Assurance"
	if err := s.UpdateTopic(f.ctx, ins); err != nil {
		t.Fatal(err)
	}
	f.expect("old topic name", store.SearchQuery{Must: all("insurance")})
	f.expect("renamed topic", store.SearchQuery{Must: all("assurance")}, policy)

	f.link(policy.ID) // unlink everything
	f.expect("unlinked topic", store.SearchQuery{Must: all("assurance")})
	car := f.topic("Car")
	f.link(policy.ID, car, ins)
	f.expect("linked again", store.SearchQuery{Must: all("assurance", "car")}, policy)
	if err := s.DeleteTopic(f.ctx, ins.UserID, ins.ID); err != nil {
		t.Fatal(err)
	}
	f.expect("deleted topic", store.SearchQuery{Must: all("assurance")})
	f.expect("remaining topic", store.SearchQuery{Must: all("car")}, policy)
}

func testSearchTextUpdates(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	d := f.doc("scan.pdf", nil)
	f.expect("before extraction", store.SearchQuery{Must: all("alpha")})
	set := func(text string) {
		t.Helper()
		if _, err := s.UpdateDocument(f.ctx, d.UserID, d.ID, store.DocumentPatch{ExtractedText: &text}); err != nil {
			t.Fatal(err)
		}
	}
	set("alpha bravo")
	f.expect("extracted", store.SearchQuery{Must: all("alpha")}, d)
	set("charlie")
	f.expect("old text", store.SearchQuery{Must: all("alpha")})
	f.expect("new text", store.SearchQuery{Must: all("charlie")}, d)
	if _, err := s.UpdateDocument(f.ctx, d.UserID, d.ID, store.DocumentPatch{Status: ptr(store.StatusReady)}); err != nil {
		t.Fatal(err)
	}
	f.expect("status change keeps text", store.SearchQuery{Must: all("charlie")}, d)
	set("")
	f.expect("text removed", store.SearchQuery{Must: all("charlie")})
	f.expect("name still found", store.SearchQuery{Must: all("scan")}, d)
}

func testSearchFinishJobText(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	q := jobQueue(t, s)
	d := newDoc(f.user, "scan.pdf")
	if err := s.CreateDocument(f.ctx, d, store.Job{Kind: "extract", DocumentID: d.ID}); err != nil {
		t.Fatal(err)
	}
	jobs, err := q.ClaimJobs(f.ctx, store.Claim{Owner: "w", Limit: 1, Lease: time.Hour})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("ClaimJobs = %d, %v", len(jobs), err)
	}
	if err := q.FinishJob(f.ctx, store.JobOutcome{JobID: jobs[0].ID, Owner: "w",
		Document: store.DocumentPatch{ExtractedText: ptr("delivery note for pallets")}}); err != nil {
		t.Fatal(err)
	}
	f.expect("text from FinishJob", store.SearchQuery{Must: all("pallets")}, *d)
}

func testSearchDeleted(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	gone := f.text("gone.txt", "ephemeral words")
	kept := f.text("kept.txt", "ephemeral but kept")
	f.link(gone.ID, f.topic("Temporary"))
	if err := s.DeleteDocument(f.ctx, gone.UserID, gone.ID); err != nil {
		t.Fatal(err)
	}
	f.expect("after delete", store.SearchQuery{Must: all("ephemeral")}, kept)
	f.expect("deleted name", store.SearchQuery{Must: all("gone")})
	f.expect("deleted topic link", store.SearchQuery{Must: all("temporary")})
}

func testSearchFilters(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	fo := f.folder("Taxes", nil)
	tp := f.topic("Household")
	at := func(h int) time.Time { return f.base.Add(time.Duration(h) * time.Hour) }
	pdf := f.doc("a.pdf", func(d *store.Document) {
		d.ExtractedText, d.FolderID, d.CreatedAt = "common word", &fo.ID, at(1)
	})
	img := f.doc("b.png", func(d *store.Document) {
		d.ExtractedText, d.ContentType, d.Status, d.CreatedAt = "common word", "image/png", store.StatusReady, at(2)
	})
	txt := f.doc("c.txt", func(d *store.Document) {
		d.ExtractedText, d.ContentType, d.CreatedAt = "common word", "text/plain", at(3)
	})
	f.text("d.txt", "something else")
	f.link(img.ID, tp)
	f.link(txt.ID, tp)

	q := func(edit func(q *store.SearchQuery)) store.SearchQuery {
		sq := store.SearchQuery{Must: all("common")}
		edit(&sq)
		return sq
	}
	f.expect("no filter", q(func(*store.SearchQuery) {}), pdf, img, txt)
	f.expect("topic", q(func(q *store.SearchQuery) { q.Filter.TopicID = &tp.ID }), img, txt)
	f.expect("folder", q(func(q *store.SearchQuery) { q.Filter.FolderID = &fo.ID }), pdf)
	f.expect("unfiled", q(func(q *store.SearchQuery) { q.Filter.Unfiled = true }), img, txt)
	f.expect("status", q(func(q *store.SearchQuery) { q.Filter.Status = ptr(store.StatusReady) }), img)
	f.expect("content type", q(func(q *store.SearchQuery) { q.ContentTypePrefix = "image/" }), img)
	f.expect("content type exact", q(func(q *store.SearchQuery) { q.ContentTypePrefix = "application/pdf" }), pdf)
	f.expect("content type with LIKE characters", q(func(q *store.SearchQuery) { q.ContentTypePrefix = "%" }))
	f.expect("after (inclusive)", q(func(q *store.SearchQuery) { q.After = ptr(at(2)) }), img, txt)
	f.expect("before (exclusive)", q(func(q *store.SearchQuery) { q.Before = ptr(at(2)) }), pdf)
	f.expect("between", q(func(q *store.SearchQuery) { q.After, q.Before = ptr(at(2)), ptr(at(3)) }), img)
	f.expect("topic and type", q(func(q *store.SearchQuery) {
		q.Filter.TopicID, q.ContentTypePrefix = &tp.ID, "text/"
	}), txt)
	f.expect("ignored Query and Cursor", q(func(q *store.SearchQuery) {
		q.Filter.Query, q.Filter.Cursor = "zzz", "not a cursor"
	}), pdf, img, txt)
}

func testSearchUsers(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	mine := f.text("mine.txt", "shared secret word")
	other := f.otherUser()
	theirs := newDoc(other, "theirs.txt")
	theirs.ExtractedText = "shared secret word"
	if err := s.CreateDocument(f.ctx, theirs); err != nil {
		t.Fatal(err)
	}
	f.expect("mine", store.SearchQuery{Must: all("secret")}, mine)
	f.expect("theirs", store.SearchQuery{Filter: store.DocumentFilter{UserID: other.ID}, Must: all("secret")}, *theirs)
	f.expect("their filename", store.SearchQuery{Must: all("theirs")})
	if _, err := f.sr.Search(f.ctx, store.SearchQuery{Must: all("secret")}); err == nil {
		t.Error("Search without a user id succeeded")
	}
}

func testSearchRanking(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	filler := strings.Repeat("lorem ipsum dolor sit amet consectetur adipiscing elit ", 20)
	once := f.text("notes.txt", filler+" a kangaroo once "+filler)
	best := f.text("Kangaroo facts.txt", "kangaroo kangaroo: the kangaroo is a marsupial. "+filler[:100])
	twice := f.text("zoo.txt", filler+" kangaroo and kangaroo "+filler)
	p := f.run(store.SearchQuery{Must: all("kangaroo")})
	want := []string{best.ID, twice.ID, once.ID}
	if got := hitIDs(p); !equalStrings(got, want) {
		t.Errorf("ranking = %s, want [%s %s %s]", names(p), best.Filename, twice.Filename, once.Filename)
	}
	for i := 1; i < len(p.Hits); i++ {
		if p.Hits[i].Rank > p.Hits[i-1].Rank {
			t.Errorf("Rank of hit %d = %v > %v of hit %d: hits must come by decreasing Rank",
				i, p.Hits[i].Rank, p.Hits[i-1].Rank, i-1)
		}
	}

	// A word in the name weighs more than the same word once in the text.
	named := f.doc("Wombat.pdf", func(d *store.Document) { d.ExtractedText = filler })
	texted := f.text("animals.txt", filler+" wombat "+filler)
	if got := f.find("wombat"); !equalStrings(got, []string{named.ID, texted.ID}) {
		t.Errorf("name vs text ranking = %v, want [%s %s]", got, named.Filename, texted.Filename)
	}
}

// testSearchFilterKeepsRank: a filter chooses which documents are hits,
// never how a hit scores — the same document has the same Rank with and
// without a topic filter, however many topics it has (a driver may use
// the topic's name to find the hits faster, not to score them).
func testSearchFilterKeepsRank(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	tax := f.topic("Tax")
	other := f.topic("Household")
	one := f.text("one.txt", "the heron flew over the heron lake")
	two := f.text("two.txt", "a heron in the reeds, a heron on the shore, a heron again")
	f.text("three.txt", "a heron, but no topic")
	f.link(one.ID, tax)
	f.link(two.ID, tax, other)
	q := store.SearchQuery{Must: all("heron")}
	ranks := map[string]float64{}
	for _, h := range f.run(q).Hits {
		ranks[h.Document.ID] = h.Rank
	}
	for _, filtered := range []store.SearchQuery{
		{Must: all("heron"), Filters: []store.SearchFilter{{Kind: store.FilterTopic, IDs: []string{tax.ID}}}},
		{Must: all("heron"), Filter: store.DocumentFilter{TopicID: &tax.ID}},
	} {
		p := f.run(filtered)
		if got := hitIDs(p); !sameSet(got, []string{one.ID, two.ID}) {
			t.Errorf("Search(%s) = %s, want one.txt and two.txt", describeQuery(filtered), names(p))
		}
		for _, h := range p.Hits {
			if !closeTo(h.Rank, ranks[h.Document.ID]) {
				t.Errorf("Search(%s): %s has Rank %v, %v without the filter",
					describeQuery(filtered), h.Document.Filename, h.Rank, ranks[h.Document.ID])
			}
		}
	}
}

// closeTo reports whether two ranks are equal but for rounding.
func closeTo(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func testSearchByDate(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	var docs []store.Document
	for i, text := range []string{"beetle", "beetle beetle beetle", "beetle beetle"} {
		docs = append(docs, f.doc(fmt.Sprintf("%c.txt", 'c'-i), func(d *store.Document) {
			d.ExtractedText, d.CreatedAt = text, f.base.Add(time.Duration(i)*time.Hour)
		}))
	}
	for _, sort := range []store.Sort{"", store.SortNewest, store.SortOldest, store.SortName} {
		p := f.run(store.SearchQuery{Must: all("beetle"), ByDate: true, Filter: store.DocumentFilter{Sort: sort}})
		if got, want := hitIDs(p), sortedIDs(docs, sort); !equalStrings(got, want) {
			t.Errorf("ByDate with sort %q = %v, want %v", sort, got, want)
		}
	}
}

func testSearchPaging(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	const n = 7
	for i := range n {
		f.doc(fmt.Sprintf("%d.txt", i), func(d *store.Document) {
			d.ExtractedText, d.CreatedAt = "identical text about owls", f.base.Add(time.Duration(i)*time.Minute)
		})
	}
	for _, byDate := range []bool{false, true} {
		seen := map[string]bool{}
		for _, off := range []int{0, 3, 6} {
			p := f.run(store.SearchQuery{Must: all("owls"), ByDate: byDate,
				Filter: store.DocumentFilter{Limit: 3, Offset: off}})
			if want := min(3, n-off); len(p.Hits) != want {
				t.Errorf("byDate %v offset %d: %d hits, want %d", byDate, off, len(p.Hits), want)
			}
			if p.Total != n || p.TotalIsEstimate {
				t.Errorf("byDate %v offset %d: Total %d (estimate %v), want %d", byDate, off, p.Total, p.TotalIsEstimate, n)
			}
			for _, id := range hitIDs(p) {
				if seen[id] {
					t.Errorf("byDate %v offset %d: %s on two pages", byDate, off, id)
				}
				seen[id] = true
			}
		}
		if len(seen) != n {
			t.Errorf("byDate %v: pages held %d documents, want %d", byDate, len(seen), n)
		}
		p := f.run(store.SearchQuery{Must: all("owls"), ByDate: byDate, Filter: store.DocumentFilter{Offset: 50}})
		if len(p.Hits) != 0 || p.Total != n {
			t.Errorf("byDate %v past the end: %d hits, Total %d; want 0 and %d", byDate, len(p.Hits), p.Total, n)
		}
	}
	if p := f.run(store.SearchQuery{Must: all("owls")}); len(p.Hits) != n {
		t.Errorf("default limit: %d hits, want %d", len(p.Hits), n)
	}
}

func testSearchSnippet(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	filler := strings.Repeat("lorem ipsum dolor sit amet ", 40)
	body := f.text("body.txt", filler+"a shy pangolin hides "+filler)
	p := f.run(store.SearchQuery{Must: all("pangolin")})
	if len(p.Hits) != 1 {
		t.Fatalf("%d hits, want 1", len(p.Hits))
	}
	mark := store.HighlightStart + "pangolin" + store.HighlightEnd
	if sn := p.Hits[0].Snippet; !strings.Contains(sn, mark) || len(sn) > len(body.ExtractedText)/2 {
		t.Errorf("snippet = %q, want a short excerpt containing %q", sn, mark)
	}
	// Stemmed and folded matches mark the text as written.
	f.text("fold.txt", "Die Bäckerei verkauft Brötchen")
	p = f.run(store.SearchQuery{Must: all("backerei")})
	if len(p.Hits) != 1 || !strings.Contains(p.Hits[0].Snippet, store.HighlightStart+"Bäckerei"+store.HighlightEnd) {
		t.Errorf("hits %s, snippet %q: want Bäckerei marked", names(p), firstSnippet(p))
	}
	p = f.run(store.SearchQuery{Must: all("pangolins")})
	if !strings.Contains(firstSnippet(p), mark) {
		t.Errorf("stemmed snippet = %q, want %q", firstSnippet(p), mark)
	}
	// A match in the name only: the start of the text, nothing marked.
	named := f.text("Platypus.txt", "Monotremes lay eggs. "+filler)
	p = f.run(store.SearchQuery{Must: all("platypus")})
	if len(p.Hits) != 1 || p.Hits[0].Document.ID != named.ID {
		t.Fatalf("hits %s, want Platypus.txt", names(p))
	}
	sn := p.Hits[0].Snippet
	if !strings.HasPrefix(sn, "Monotremes") || strings.Contains(sn, store.HighlightStart) {
		t.Errorf("name-only snippet = %q, want the start of the text unmarked", sn)
	}
}

// firstSnippet returns the first hit's snippet, or "".
func firstSnippet(p store.SearchPage) string {
	if len(p.Hits) == 0 {
		return ""
	}
	return p.Hits[0].Snippet
}

// hostileTexts are search term texts that mean something in some query
// language; to the store they are only data.
func hostileTexts() []string {
	return []string{
		`"`, `""`, `"quoted"`, `say "hi`, `*`, `**`, `star*`, `*star`,
		`NEAR`, `NEAR(a b)`, `NEAR/3`, `OR`, `AND`, `NOT`, `a OR b`, `x AND NOT y`,
		`-`, `-minus`, `--`, `:`, `name:secret`, `body:x`, `{name body}: x`, `^caret`, `^`,
		`(paren`, `paren)`, `()`, `)(`, `a + b`, `'`, `it's`, `\`, `%`, `_`, `|`, `&`, `!`, `<->`, `<2>`,
		`'; DROP TABLE documents; --`, `col1 : x`, `rank MATCH 'x'`, ``, ` `, `📄🧾`,
	}
}

func testSearchHostile(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	d := f.text("hostile.txt", "near quoted minus caret paren star secret drop documents")
	ctx := f.ctx
	for _, text := range hostileTexts() {
		for _, shape := range []store.SearchTerm{{Text: text}, {Text: text, Prefix: true}, {Text: text, Phrase: true}} {
			for _, q := range []store.SearchQuery{
				{Must: [][]store.SearchTerm{{shape}}},
				{Must: [][]store.SearchTerm{{shape, {Text: "near"}}, {shape}}},
				{Must: all("near"), Not: []store.SearchTerm{shape}},
			} {
				q.Filter.UserID = f.user.ID
				if _, err := f.sr.Search(ctx, q); err != nil {
					t.Errorf("Search(%s): %v", describeQuery(q), err)
				}
			}
		}
	}
	// The word inside hostile text is still found, as a word.
	for _, text := range []string{`NEAR`, `"quoted"`, `-minus`, `^caret`, `(paren`, `paren)`, `star*`, `secret:`, `'documents'`} {
		for _, shape := range []store.SearchTerm{{Text: text}, {Text: text, Phrase: true}} {
			q := store.SearchQuery{Must: [][]store.SearchTerm{{shape}}}
			if got := hitIDs(f.run(q)); !equalStrings(got, []string{d.ID}) {
				t.Errorf("Search(%s) = %v, want [%s]", describeQuery(q), got, d.ID)
			}
		}
	}
	q := store.SearchQuery{Must: [][]store.SearchTerm{{{Text: `"drop" -documents`, Phrase: true}}}}
	if got := hitIDs(f.run(q)); !equalStrings(got, []string{d.ID}) {
		t.Errorf("Search(%s) = %v, want [%s]", describeQuery(q), got, d.ID)
	}
}

func testSearchCancelled(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	f.text("a.txt", "word")
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err := f.sr.Search(ctx, store.SearchQuery{Filter: store.DocumentFilter{UserID: f.user.ID}, Must: all("word")})
	wantErr(t, "Search with a cancelled context", err, context.Canceled)
}

// testSearchTopicFilterNames: the topic filter is exact whatever the
// topic names look like — one name inside another, a renamed topic, a
// name with no letters, a topic that does not exist.
func testSearchTopicFilterNames(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	tax, returns := f.topic("Tax"), f.topic("Tax Returns")
	symbols, trip := f.topic("€€ ++"), f.topic("Trip")
	stop, cafe := f.topic("The Of"), f.topic("Café-Bills")
	a := f.text("a.txt", "receipt one")
	b := f.text("b.txt", "receipt two")
	c := f.text("c.txt", "receipt three")
	d := f.text("d.txt", "receipt four")
	f.link(a.ID, tax)
	f.link(b.ID, returns)
	f.link(c.ID, symbols, trip)
	f.link(d.ID, stop, cafe)
	q := func(tp store.Topic) store.SearchQuery {
		return store.SearchQuery{Filter: store.DocumentFilter{TopicID: &tp.ID}, Must: all("receipt")}
	}
	f.expect("Tax, not Tax Returns", q(tax), a)
	f.expect("Tax Returns", q(returns), b)
	f.expect("a name with no letters", q(symbols), c)
	f.expect("a name of stop words only", q(stop), d)
	f.expect("a name with an accent and a hyphen", q(cafe), d)
	trip.Name = "Vacation 2024"
	if err := s.UpdateTopic(f.ctx, trip); err != nil {
		t.Fatal(err)
	}
	f.expect("renamed topic", q(trip), c)
	missing := store.Topic{ID: "00000000-0000-4000-8000-00000000f00d"}
	f.expect("a topic that does not exist", q(missing))
}
