package storetest

import (
	"maps"
	"slices"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

// Why a classifier chose a topic, what the person decided about it, and
// the documents that could not be classified.

func explainTests() []subtest {
	return []subtest{
		{"Explain/ReasonsRoundTrip", testExplainReasons},
		{"Explain/DecisionLog", testExplainDecisionLog},
		{"Explain/DecisionLogSetTopics", testExplainDecisionLogSetTopics},
		{"Explain/ErrorPrefixFilter", testExplainErrorPrefix},
	}
}

func testExplainReasons(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	tax, bank := f.topic("Tax"), f.topic("Bank")
	reasons := map[string][]string{tax.ID: {"vat", "tax return", "ünïcode"}, bank.ID: {"Mentions an account."}}
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{
		Applied: applied(cl(tax, 0.97)), Suggested: applied(cl(bank, 0.5)),
		Record: store.Classification{Provider: "builtin", Reasons: reasons},
	})
	if d.Classification == nil || !maps.EqualFunc(d.Classification.Reasons, reasons, slices.Equal) {
		t.Errorf("reasons = %v, want %v", d.Classification, reasons)
	}
	_, rec, err := s.DocumentSuggestions(f.ctx, d.UserID, d.ID)
	if err != nil || rec == nil || !maps.EqualFunc(rec.Reasons, reasons, slices.Equal) {
		t.Errorf("DocumentSuggestions record = %+v, %v; want reasons %v", rec, err, reasons)
	}
	// A run without reasons (an LLM that gave none) leaves none.
	f.runClassify(d.ID, store.ClassificationOutcome{Applied: applied(cl(tax, 0.97)),
		Record: store.Classification{Provider: "openai"}})
	if got := f.get(d.ID).Classification; got == nil || got.Reasons != nil {
		t.Errorf("record after a run without reasons = %+v, want no reasons", got)
	}
}

// decisions is ClassifierDecisions of the default user.
func (f *jobFixture) decisions(last int) store.DecisionCounts {
	f.t.Helper()
	c, err := f.s.ClassifierDecisions(f.ctx, f.user.ID, last)
	if err != nil {
		f.t.Fatalf("ClassifierDecisions: %v", err)
	}
	return c
}

func testExplainDecisionLog(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	a, b, c, d := f.topic("A"), f.topic("B"), f.topic("C"), f.topic("D")
	doc := f.classifyDoc("a.pdf", store.ClassificationOutcome{
		Applied: applied(cl(a, 0.97), cl(b, 0.96)), Suggested: applied(cl(c, 0.5), cl(d, 0.4)),
	})
	if got := f.decisions(100); got != (store.DecisionCounts{}) {
		t.Fatalf("decisions after a classifier run = %+v, want none (a run is no decision)", got)
	}
	for _, step := range []struct {
		accept bool
		topic  store.Topic
	}{{true, a}, {false, b}, {true, c}, {false, d}} {
		var err error
		if step.accept {
			err = s.AcceptSuggestion(f.ctx, doc.UserID, doc.ID, step.topic.ID)
		} else {
			err = s.RejectSuggestion(f.ctx, doc.UserID, doc.ID, step.topic.ID)
		}
		if err != nil {
			t.Fatalf("decide %s: %v", step.topic.Name, err)
		}
	}
	want := store.DecisionCounts{Kept: 1, Removed: 1, Accepted: 1, Rejected: 1}
	if got := f.decisions(100); got != want {
		t.Errorf("decisions = %+v, want %+v", got, want)
	}
	// Only the last ones count: the last two were an acceptance and a rejection.
	if got := f.decisions(2); got != (store.DecisionCounts{Accepted: 1, Rejected: 1}) {
		t.Errorf("last 2 decisions = %+v, want one accepted and one rejected", got)
	}
	// Deciding nothing new (the topic is the person's already) logs nothing.
	if err := s.AcceptSuggestion(f.ctx, doc.UserID, doc.ID, a.ID); err == nil {
		t.Errorf("accepting a topic the person already has: no error")
	}
	if got := f.decisions(100); got.Total() != 4 {
		t.Errorf("decisions after a refused accept = %+v, want 4", got)
	}
	// The log outlives the document, and another user's log is theirs.
	if err := s.DeleteDocument(f.ctx, doc.UserID, doc.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.decisions(100); got != want {
		t.Errorf("decisions after the document was deleted = %+v, want %+v", got, want)
	}
	other, err := s.ClassifierDecisions(f.ctx, f.otherUser().ID, 100)
	if err != nil || other.Total() != 0 {
		t.Errorf("another user's decisions = %+v, %v; want none", other, err)
	}
}

func testExplainDecisionLogSetTopics(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	a, b, c, home := f.topic("A"), f.topic("B"), f.topic("C"), f.topic("Home")
	doc := f.classifyDoc("a.pdf", store.ClassificationOutcome{
		Applied: applied(cl(a, 0.97), cl(b, 0.96)), Suggested: applied(cl(c, 0.5)),
	})
	// The person's topic list: A kept (as theirs), B dropped, C taken up,
	// Home added.
	if err := s.SetDocumentTopics(f.ctx, doc.UserID, doc.ID, []store.TopicLink{
		{TopicID: a.ID, Source: store.SourceUser, Confidence: 1},
		{TopicID: c.ID, Source: store.SourceUser, Confidence: 1},
		{TopicID: home.ID, Source: store.SourceUser, Confidence: 1},
	}); err != nil {
		t.Fatal(err)
	}
	want := store.DecisionCounts{Kept: 1, Removed: 1, Accepted: 1}
	if got := f.decisions(100); got != want {
		t.Errorf("decisions = %+v, want %+v", got, want)
	}
	// Links given back as the classifier's are no decision.
	d2 := f.classifyDoc("b.pdf", store.ClassificationOutcome{Applied: applied(cl(a, 0.97))})
	if err := s.SetDocumentTopics(f.ctx, d2.UserID, d2.ID, []store.TopicLink{cl(a, 0.97), {TopicID: home.ID}}); err != nil {
		t.Fatal(err)
	}
	if got := f.decisions(100); got != want {
		t.Errorf("decisions after keeping a classifier link as it was = %+v, want %+v", got, want)
	}
}

func testExplainErrorPrefix(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	note := "not classified: "
	var want []string
	for _, e := range []string{"not classified: the key is wrong", "not classified: quota", "", "could not read: not classified: x"} {
		d := f.doc("a.txt", func(d *store.Document) { d.Status = store.StatusReady; d.Error = e })
		if len(e) >= len(note) && e[:len(note)] == note {
			want = append(want, d.ID)
		}
	}
	ready := store.StatusReady
	p := f.list(store.DocumentFilter{ErrorPrefix: note, Status: &ready, Sort: store.SortName})
	var got []string
	for _, d := range p.Documents {
		got = append(got, d.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || p.Total != len(want) {
		t.Errorf("documents with the note = %v (total %d), want %v", got, p.Total, want)
	}
	// With a topic filter too, in both of its query shapes' reach.
	tp := f.topic("Bills")
	f.link(want[0], tp)
	for _, sort := range []store.Sort{store.SortNewest, store.SortName, store.SortSize} {
		p := f.list(store.DocumentFilter{ErrorPrefix: note, TopicID: &tp.ID, Sort: sort})
		if p.Total != 1 || len(p.Documents) != 1 || p.Documents[0].ID != want[0] {
			t.Errorf("noted documents of a topic, by %s = %d (total %d), want %s", sort, len(p.Documents), p.Total, want[0])
		}
	}
	// '%' and '_' are characters, not patterns.
	if p := f.list(store.DocumentFilter{ErrorPrefix: "not%"}); p.Total != 0 || len(p.Documents) != 0 {
		t.Errorf("prefix %q matched %d documents, want none", "not%", p.Total)
	}
}
