package library_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

// viewCount is a view's count, failing when it has none.
func viewCount(t *testing.T, v library.View) int {
	t.Helper()
	if v.Count == nil {
		t.Fatalf("view %q has no count (problem: %q)", v.Name, v.Problem)
	}
	return *v.Count
}

func TestSavedViews(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		startWorkers(t, e)
		a := importText(t, e, "march.txt", "Invoice for March: electricity and water.")
		b := importText(t, e, "april.txt", "Invoice for April: electricity only.")
		c := importText(t, e, "garden.txt", "Notes about the garden.")
		for _, d := range []library.Document{a, b, c} {
			waitDone(t, e, d.ID)
		}
		bills, err := e.lib.CreateTopic(ctx, library.TopicInput{Name: "Bills"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.lib.SetTopics(ctx, a.ID, []string{"Bills"}); err != nil {
			t.Fatal(err)
		}

		long := strings.Repeat("x", 81)
		missing := "00000000-0000-0000-0000-000000000000"
		folder, err := e.lib.CreateFolder(ctx, "Paper", nil)
		if err != nil {
			t.Fatal(err)
		}
		bad := "sideways"
		for _, c := range []struct {
			in   library.ViewInput
			want error
			says string
		}{
			{library.ViewInput{Name: "  ", Query: "invoice"}, library.ErrInvalid, "a view needs a name"},
			{library.ViewInput{Name: long, Query: "invoice"}, library.ErrInvalid, "at most 80 characters"},
			{library.ViewInput{Name: "a\x07b", Query: "invoice"}, library.ErrInvalid, "control characters"},
			{library.ViewInput{Name: "Empty", Query: "   "}, library.ErrInvalid, "a view needs a search"},
			{library.ViewInput{Name: "Open quote", Query: `"open`}, library.ErrInvalid, "quote"},
			{library.ViewInput{Name: "Long query", Query: strings.Repeat("word ", 401)}, library.ErrInvalid, "at most 2000 characters"},
			{library.ViewInput{Name: "Sort", Query: "x", Sort: library.Sort(bad)}, library.ErrInvalid, "unknown sort"},
			{library.ViewInput{Name: "Topic", Query: "x", Filter: library.ViewFilter{Topic: &missing}}, library.ErrNotFound, "topic"},
			{library.ViewInput{Name: "Both", Query: "x", Filter: library.ViewFilter{Folder: &folder.ID, Unfiled: true}}, library.ErrInvalid, "not both"},
			{library.ViewInput{Name: "Status", Query: "x", Filter: library.ViewFilter{Status: (*library.Status)(&bad)}}, library.ErrInvalid, "unknown status"},
		} {
			_, err := e.lib.CreateView(ctx, c.in)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("CreateView(%q, %q) = %v; want %v saying %q", c.in.Name, c.in.Query, err, c.want, c.says)
			}
		}

		inv, err := e.lib.CreateView(ctx, library.ViewInput{Name: "  Invoices ", Query: " invoice "})
		if err != nil {
			t.Fatalf("CreateView: %v", err)
		}
		if inv.Name != "Invoices" || inv.Query != "invoice" || viewCount(t, inv) != 2 {
			t.Errorf("created view = %+v; want Invoices/invoice counting 2", inv)
		}
		_, err = e.lib.CreateView(ctx, library.ViewInput{Name: "INVOICES", Query: "garden"})
		if !errors.Is(err, library.ErrConflict) || !strings.Contains(err.Error(), `another view is already called "INVOICES"`) {
			t.Errorf("a second view of the same name (another case): %v", err)
		}
		inBills, err := e.lib.CreateView(ctx, library.ViewInput{Name: "Bills: invoices", Query: "electricity", Sort: "oldest",
			Filter: library.ViewFilter{Topic: &bills.ID}})
		if err != nil {
			t.Fatalf("CreateView with a topic: %v", err)
		}
		if viewCount(t, inBills) != 1 || inBills.Sort != library.Sort("oldest") {
			t.Errorf("view in topic Bills = %+v; want 1 document, oldest first", inBills)
		}
		best, err := e.lib.CreateView(ctx, library.ViewInput{Name: "Garden", Query: "garden", Sort: "best"})
		if err != nil || best.Sort != "" || viewCount(t, best) != 1 {
			t.Errorf("view sorted by best match = %+v, %v; want sort \"\" and 1 document", best, err)
		}

		vs, err := e.lib.Views(ctx)
		if err != nil {
			t.Fatalf("Views: %v", err)
		}
		got := map[string]int{}
		var names []string
		for _, v := range vs {
			got[v.Name] = viewCount(t, v)
			names = append(names, v.Name)
		}
		if strings.Join(names, "|") != "Bills: invoices|Garden|Invoices" || got["Invoices"] != 2 || got["Bills: invoices"] != 1 || got["Garden"] != 1 {
			t.Errorf("Views = %v %v", names, got)
		}

		// Rename, change the query, clear the filters.
		newName, newQuery := "Electricity", "electricity OR garden"
		up, err := e.lib.UpdateView(ctx, inBills.ID, library.ViewPatch{Name: &newName, Query: &newQuery, Filter: &library.ViewFilter{}})
		if err != nil {
			t.Fatalf("UpdateView: %v", err)
		}
		if up.Name != newName || up.Query != newQuery || up.Filter.Topic != nil || up.Sort != "oldest" || viewCount(t, up) != 3 {
			t.Errorf("updated view = %+v; want Electricity, no topic, still oldest, counting 3", up)
		}
		taken := "invoices"
		if _, err := e.lib.UpdateView(ctx, up.ID, library.ViewPatch{Name: &taken}); !errors.Is(err, library.ErrConflict) {
			t.Errorf("renaming onto another view's name: %v", err)
		}
		if _, err := e.lib.UpdateView(ctx, missing, library.ViewPatch{Name: &newName}); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("updating a missing view: %v", err)
		}
		badQuery := "a OR"
		if _, err := e.lib.UpdateView(ctx, up.ID, library.ViewPatch{Query: &badQuery}); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("updating to a query that does not parse: %v", err)
		}
		if v, err := e.lib.ViewByName(ctx, "ELECTRICITY"); err != nil || v.ID != up.ID {
			t.Errorf("ViewByName(ELECTRICITY) = %+v, %v", v, err)
		}
		if _, err := e.lib.ViewByName(ctx, "Nothing"); !errors.Is(err, library.ErrNotFound) || !strings.Contains(err.Error(), `no view called "Nothing"`) {
			t.Errorf("ViewByName of a missing name: %v", err)
		}

		// The count follows the documents.
		if err := e.lib.Delete(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if v, err := e.lib.View(ctx, inv.ID); err != nil || viewCount(t, v) != 1 {
			t.Errorf("after deleting one invoice View = %+v, %v; want a count of 1", v, err)
		}

		// A view keeps working when its topic is deleted: it finds nothing there.
		topicView, err := e.lib.CreateView(ctx, library.ViewInput{Name: "Only bills", Query: "invoice", Filter: library.ViewFilter{Topic: &bills.ID}})
		if err != nil || viewCount(t, topicView) != 1 {
			t.Fatalf("view in Bills = %+v, %v", topicView, err)
		}
		if err := e.lib.DeleteTopic(ctx, bills.ID); err != nil {
			t.Fatal(err)
		}
		if v, err := e.lib.View(ctx, topicView.ID); err != nil || viewCount(t, v) != 0 {
			t.Errorf("view whose topic was deleted = %+v, %v; want a count of 0", v, err)
		}

		// A stored query this version cannot read (written by another
		// version's parser) is the view's problem, not the listing's.
		raw, err := e.store.View(ctx, e.lib.UserID(), best.ID)
		if err != nil {
			t.Fatal(err)
		}
		raw.Query = `"unclosed`
		if err := e.store.UpdateView(ctx, &raw); err != nil {
			t.Fatal(err)
		}
		vs, err = e.lib.Views(ctx)
		if err != nil {
			t.Fatalf("Views with an unreadable query: %v", err)
		}
		for _, v := range vs {
			switch {
			case v.ID == best.ID && (v.Count != nil || !strings.Contains(v.Problem, "quote") || !strings.HasSuffix(v.Problem, ".")):
				t.Errorf("the unreadable view = %+v; want no count and a sentence about the quote", v)
			case v.ID != best.ID && (v.Count == nil || v.Problem != ""):
				t.Errorf("another view lost its count: %+v", v)
			}
		}

		if err := e.lib.DeleteView(ctx, inv.ID); err != nil {
			t.Fatalf("DeleteView: %v", err)
		}
		if err := e.lib.DeleteView(ctx, inv.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("deleting it again: %v", err)
		}
		if vs, err := e.lib.Views(ctx); err != nil || len(vs) != 3 {
			t.Errorf("Views after delete = %d, %v; want 3", len(vs), err)
		}
	})
}
