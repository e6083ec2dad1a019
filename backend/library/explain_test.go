package library_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

// waitFor polls the document until ok says so.
func waitFor(t *testing.T, e *env, id, what string, ok func(library.Document) bool) library.Document {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := e.lib.Document(context.Background(), id)
		if err == nil && ok(d) {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: document = %+v, %v", what, d, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBuiltinReasonsAreTheTopicsWords(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		mustTopic(t, e, "Invoices", "bills to pay: amount due, VAT, payment terms")
		mustTopic(t, e, "Recipes", "cooking: ingredients, oven, baking")
		startWorkers(t, e)
		text := "Invoice 2025-114. Amount due: 420 EUR including VAT. Payment terms: 30 days."
		doc := waitDone(t, e, importText(t, e, "invoice.txt", text).ID)
		var reasons []string
		for _, s := range doc.Suggestions {
			if s.Name == "Invoices" {
				reasons = s.Reasons
			}
		}
		for _, tp := range doc.Topics {
			if tp.Name == "Invoices" {
				reasons = tp.Reasons
			}
		}
		if len(reasons) == 0 {
			t.Fatalf("Invoices has no reasons: topics %+v, suggestions %+v", doc.Topics, doc.Suggestions)
		}
		lower := strings.ToLower(text)
		for _, r := range reasons {
			for _, w := range strings.Fields(r) {
				if !strings.Contains(lower, w) {
					t.Errorf("reason %q is not from the text", r)
				}
				if strings.Contains("cooking ingredients oven baking recipe", w) {
					t.Errorf("reason %q is a Recipes word", r)
				}
			}
		}
		if doc.Classification == nil || doc.Classification.Provider != "builtin" {
			t.Errorf("classification = %+v, want builtin", doc.Classification)
		}
	})
}

func TestClassifierStatsCountTheLastDecisions(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFakeOpenAI(t)
		useOpenAI(t, e, f)
		a, b := mustTopic(t, e, "Alpha", ""), mustTopic(t, e, "Beta", "")
		c, d := mustTopic(t, e, "Gamma", ""), mustTopic(t, e, "Delta", "")
		f.set(func(f *fakeOpenAI) {
			f.answer = `{"topics":[{"name":"Alpha","confidence":0.95,"reason":"It names alpha twice."},` +
				`{"name":"Beta","confidence":0.9},{"name":"Gamma","confidence":0.5},{"name":"Delta","confidence":0.4}],` +
				`"new_topic_name":null,"new_topic_description":null}`
		})
		st, err := e.lib.ClassifierStats(ctx)
		if err != nil || st.Decisions != 0 || st.KeptShare != nil || st.AcceptedShare != nil || st.Window != library.StatsWindow {
			t.Fatalf("stats before any decision = %+v, %v; want none and no shares", st, err)
		}
		startWorkers(t, e)
		doc := waitDone(t, e, importText(t, e, "a.txt", "alpha alpha beta").ID)
		if len(doc.Topics) != 2 || len(doc.Suggestions) != 2 {
			t.Fatalf("topics %+v suggestions %+v, want two applied and two suggested", doc.Topics, doc.Suggestions)
		}
		for _, tp := range doc.Topics {
			want := []string(nil)
			if tp.TopicID == a.ID {
				want = []string{"It names alpha twice."}
			}
			if !slices.Equal(tp.Reasons, want) {
				t.Errorf("%s reasons = %q, want %q (the provider's, when it gave one)", tp.Name, tp.Reasons, want)
			}
		}
		for _, step := range []struct {
			accept bool
			id     string
		}{{true, a.ID}, {false, b.ID}, {true, c.ID}, {false, d.ID}} {
			var err error
			if step.accept {
				_, err = e.lib.AcceptSuggestion(ctx, doc.ID, step.id)
			} else {
				_, err = e.lib.RejectSuggestion(ctx, doc.ID, step.id)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		// The second document: both applied topics kept by editing its topics.
		doc2 := waitDone(t, e, importText(t, e, "b.txt", "alpha and beta again").ID)
		if _, err := e.lib.SetTopics(ctx, doc2.ID, []string{"Alpha", "Beta", "Gamma"}); err != nil {
			t.Fatal(err)
		}
		st, err = e.lib.ClassifierStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Document 1: kept, removed, accepted, rejected; document 2: two
		// kept and Gamma accepted.
		if st.Kept != 3 || st.Removed != 1 || st.Accepted != 2 || st.Rejected != 1 || st.Decisions != 7 {
			t.Fatalf("stats = %+v, want 3 kept, 1 removed, 2 accepted, 1 rejected", st)
		}
		if st.KeptShare == nil || *st.KeptShare != 0.75 || st.AcceptedShare == nil || *st.AcceptedShare != 2.0/3 {
			t.Errorf("shares = %v %v, want 0.75 and 2/3", st.KeptShare, st.AcceptedShare)
		}
	})
}

func TestUnclassifiedDocumentsAreListedAndClassifiedAgain(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFakeOpenAI(t)
		useOpenAI(t, e, f)
		mustTopic(t, e, "Taxes", "")
		f.set(func(f *fakeOpenAI) {
			f.status = 401
			f.body = `{"error":{"message":"Incorrect API key provided: sk-test-***********cdef.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`
		})
		startWorkers(t, e)
		var ids []string
		for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
			d := waitDone(t, e, importText(t, e, name, "Income tax return "+name).ID)
			if d.ClassifyError == "" || strings.HasPrefix(d.ClassifyError, "not classified") ||
				!strings.HasSuffix(d.ClassifyError, ".") || strings.Contains(d.ClassifyError, "sk-test-") {
				t.Fatalf("classify error = %q, want the provider's sentence without the key", d.ClassifyError)
			}
			ids = append(ids, d.ID)
		}
		page, err := e.lib.Documents(ctx, library.Filter{Unclassified: true})
		if err != nil || page.Total != 3 {
			t.Fatalf("unclassified listing = %d, %v; want 3", page.Total, err)
		}
		if page.Documents[0].ClassifyError == "" {
			t.Errorf("listed document has no sentence: %+v", page.Documents[0])
		}
		if st, err := e.lib.ClassifierStats(ctx); err != nil || st.Unclassified != 3 {
			t.Errorf("stats = %+v, %v; want 3 unclassified", st, err)
		}
		if _, err := e.lib.ReclassifyUnclassified(ctx, []string{ids[0], "00000000-0000-4000-8000-000000000000"}); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("classify again with a missing id = %v, want ErrNotFound", err)
		}

		// The provider is back: one document, then all the others.
		f.set(func(f *fakeOpenAI) {
			f.status = 0
			f.answer = `{"topics":[{"name":"Taxes","confidence":0.99}],"new_topic_name":null,"new_topic_description":null}`
		})
		if n, err := e.lib.ReclassifyUnclassified(ctx, ids[:1]); err != nil || n != 1 {
			t.Fatalf("classify again one = %d, %v; want 1", n, err)
		}
		fixed := func(d library.Document) bool {
			return d.Status == store.StatusReady && d.ClassifyError == "" && d.Error == "" && len(d.Topics) == 1
		}
		waitFor(t, e, ids[0], "the first document classified again", fixed)
		if n, err := e.lib.ReclassifyUnclassified(ctx, ids[:1]); err != nil || n != 0 {
			t.Errorf("classify again a classified document = %d, %v; want 0", n, err)
		}
		if n, err := e.lib.ReclassifyUnclassified(ctx, nil); err != nil || n != 2 {
			t.Fatalf("classify again all = %d, %v; want 2", n, err)
		}
		for _, id := range ids[1:] {
			waitFor(t, e, id, "classified again", fixed)
		}
		if page, err := e.lib.Documents(ctx, library.Filter{Unclassified: true}); err != nil || page.Total != 0 {
			t.Errorf("unclassified after the retry = %d, %v; want 0", page.Total, err)
		}
	})
}
