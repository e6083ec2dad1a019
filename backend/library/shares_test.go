package library_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

// docIDs lists the ids of documents.
func docIDs(ds []library.Document) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	slices.Sort(out)
	return out
}

// A shared topic shows its documents to the other user, marked shared,
// searchable by both, changeable only with write permission; unsharing
// ends it at once.
func TestSharingATopic(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ann := e.lib
		bea := addUser(t, ann, e.store, "Bea")

		bill, err := ann.Import(ctx, "bill.txt", "", strings.NewReader("Electricity bill, zebra tariff."))
		if err != nil {
			t.Fatal(err)
		}
		diary, err := ann.Import(ctx, "diary.txt", "", strings.NewReader("My private zebra diary."))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ann.SetTopics(ctx, bill.Document.ID, []string{"Household"}); err != nil {
			t.Fatal(err)
		}
		own, err := bea.Import(ctx, "beas.txt", "", strings.NewReader("Bea's zebra notes."))
		if err != nil {
			t.Fatal(err)
		}
		// The text is searchable once extracted.
		startWorkers(t, e)
		waitReady(t, ann, bill.Document.ID)
		waitReady(t, ann, diary.Document.ID)
		waitReady(t, bea, own.Document.ID)

		if _, err := ann.ShareTopic(ctx, "household", "nobody", false); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("sharing with a user who does not exist: %v, want a sentence (ErrInvalid)", err)
		}
		if _, err := bea.ShareTopic(ctx, "Household", "Ann", false); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("Bea shares Ann's topic: %v, want ErrNotFound", err)
		}
		sh, err := ann.ShareTopic(ctx, "household", "bea", false)
		if err != nil {
			t.Fatal(err)
		}
		if sh.Kind != "topic" || sh.Target != "Household" || sh.With != "Bea" || sh.Permission != "read" || sh.Direction != "given" {
			t.Errorf("share = %+v", sh)
		}
		if ss, err := bea.Shares(ctx); err != nil || len(ss) != 1 || ss[0].Direction != "received" || ss[0].Owner != ann.UserName() {
			t.Errorf("Bea's shares = %+v, %v", ss, err)
		}

		// Bea sees the topic, its document, marked shared; not Ann's diary.
		ts, err := bea.Topics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var shared *library.Topic
		for i := range ts {
			if ts[i].Shared {
				shared = &ts[i]
			}
		}
		if shared == nil || shared.Name != "Household" || shared.DocumentCount != 1 || shared.Permission != "read" {
			t.Fatalf("Bea's topics = %+v; want Ann's Household, shared read-only, with 1 document", ts)
		}
		p, err := bea.Documents(ctx, library.Filter{TopicID: &shared.ID})
		if err != nil || p.Total != 1 || p.Documents[0].ID != bill.Document.ID || !p.Documents[0].Shared ||
			p.Documents[0].Permission != "read" || p.Documents[0].Owner != ann.UserName() {
			t.Fatalf("Bea's list of the shared topic = %+v, %v", p, err)
		}
		d, err := bea.Document(ctx, bill.Document.ID)
		if err != nil || !d.Shared || d.ExtractedText != "" && !strings.Contains(d.Filename, "bill") {
			t.Errorf("Bea opens the shared document: %+v, %v", d, err)
		}
		rc, _, err := bea.Open(ctx, bill.Document.ID)
		if err != nil {
			t.Fatalf("Bea reads the shared bytes: %v", err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(string(body), "zebra tariff") {
			t.Errorf("shared bytes = %q", body)
		}
		if _, err := bea.Document(ctx, diary.Document.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("Bea opens Ann's unshared diary: %v, want ErrNotFound", err)
		}
		if p, err := bea.Documents(ctx, library.Filter{}); err != nil || !slices.Equal(docIDs(p.Documents), []string{own.Document.ID}) {
			t.Errorf("Bea's own list = %v, %v; want her document only", p.Documents, err)
		}

		// Read-only: no rename, no re-topic, no delete.
		if _, err := bea.Rename(ctx, bill.Document.ID, "mine.txt"); !errors.Is(err, library.ErrReadOnly) {
			t.Errorf("Bea renames a read-only shared document: %v, want ErrReadOnly", err)
		}
		if _, err := bea.SetTopics(ctx, bill.Document.ID, nil); !errors.Is(err, library.ErrReadOnly) {
			t.Errorf("Bea re-topics a read-only shared document: %v, want ErrReadOnly", err)
		}
		if err := bea.Delete(ctx, bill.Document.ID); !errors.Is(err, library.ErrReadOnly) {
			t.Errorf("Bea deletes a read-only shared document: %v, want ErrReadOnly", err)
		}
		if got, err := ann.Document(ctx, bill.Document.ID); err != nil || got.Filename != "bill.txt" || len(got.Topics) != 1 {
			t.Errorf("Ann's document after Bea's refused changes = %+v, %v", got, err)
		}

		// Searchable by both; Bea's search finds her own and the shared one.
		res, err := bea.Search(ctx, "zebra", library.SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var hits []library.Document
		for _, h := range res.Hits {
			hits = append(hits, h.Document)
		}
		if got := docIDs(hits); !slices.Equal(got, docIDs([]library.Document{own.Document, bill.Document})) || res.Total != 2 {
			t.Errorf("Bea's search finds %v (total %d); want her note and the shared bill", got, res.Total)
		}
		for _, h := range res.Hits {
			if h.Document.Shared != (h.Document.ID == bill.Document.ID) {
				t.Errorf("hit %s marked shared=%v", h.Document.Filename, h.Document.Shared)
			}
		}
		res, err = ann.Search(ctx, "zebra", library.SearchOptions{})
		if err != nil || res.Total != 2 {
			t.Errorf("Ann's search total = %d, %v; want her bill and diary", res.Total, err)
		}
		res, err = bea.Search(ctx, "zebra", library.SearchOptions{Filter: library.Filter{TopicID: &shared.ID}})
		if err != nil || res.Total != 1 || res.Hits[0].Document.ID != bill.Document.ID {
			t.Errorf("Bea's search in the shared topic = %+v, %v", res, err)
		}

		// Write permission: Bea renames; the change is Ann's document's.
		if _, err := ann.ShareTopic(ctx, "Household", "Bea", true); err != nil {
			t.Fatal(err)
		}
		got, err := bea.Rename(ctx, bill.Document.ID, "bill-2024.txt")
		if err != nil || got.Filename != "bill-2024.txt" || got.Permission != "write" {
			t.Fatalf("Bea renames with write permission: %+v, %v", got, err)
		}
		if got, err := ann.Document(ctx, bill.Document.ID); err != nil || got.Filename != "bill-2024.txt" || got.Shared {
			t.Errorf("Ann's document after Bea's rename = %+v, %v", got, err)
		}

		// Unsharing ends access at once.
		if err := ann.Unshare(ctx, "topic", "Household", "Bea"); err != nil {
			t.Fatal(err)
		}
		if _, err := bea.Document(ctx, bill.Document.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("Bea opens the document after unsharing: %v, want ErrNotFound", err)
		}
		if res, err := bea.Search(ctx, "zebra", library.SearchOptions{}); err != nil || res.Total != 1 {
			t.Errorf("Bea's search after unsharing: total %d, %v; want her own only", res.Total, err)
		}
		if ts, err := bea.Topics(ctx); err != nil || len(ts) != 0 {
			t.Errorf("Bea's topics after unsharing = %+v, %v", ts, err)
		}
		if err := ann.Unshare(ctx, "topic", "Household", "Bea"); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("unsharing again: %v, want ErrNotFound", err)
		}
	})
}

// A shared folder shows the documents in it and in its subfolders.
func TestSharingAFolder(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ann := e.lib
		bea := addUser(t, ann, e.store, "Bea")
		box, err := ann.CreateFolder(ctx, "Box", nil)
		if err != nil {
			t.Fatal(err)
		}
		in, err := ann.Import(ctx, "in.txt", "", strings.NewReader("inside the box"))
		if err != nil {
			t.Fatal(err)
		}
		if err := ann.MoveDocuments(ctx, []string{in.Document.ID}, &box.ID); err != nil {
			t.Fatal(err)
		}
		out, err := ann.Import(ctx, "out.txt", "", strings.NewReader("outside the box"))
		if err != nil {
			t.Fatal(err)
		}
		inner, err := ann.CreateFolder(ctx, "Inner", &box.ID)
		if err != nil {
			t.Fatal(err)
		}
		deep, err := ann.Import(ctx, "deep.txt", "", strings.NewReader("deep in the box"))
		if err != nil {
			t.Fatal(err)
		}
		if err := ann.MoveDocuments(ctx, []string{deep.Document.ID}, &inner.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ann.ShareFolder(ctx, "box", "Bea", true); err != nil {
			t.Fatal(err)
		}
		fs, err := bea.Folders(ctx)
		if err != nil || len(fs) != 2 || !fs[0].Shared || fs[0].ID != box.ID || fs[0].ParentID != nil || fs[0].Permission != "write" ||
			!fs[1].Shared || fs[1].ID != inner.ID || fs[1].ParentID == nil || *fs[1].ParentID != box.ID {
			t.Fatalf("Bea's folders = %+v, %v; want Box at the top and Inner under it, shared", fs, err)
		}
		p, err := bea.Documents(ctx, library.Filter{FolderID: &inner.ID})
		if err != nil || p.Total != 1 || p.Documents[0].ID != deep.Document.ID || !p.Documents[0].Shared {
			t.Fatalf("Bea's list of the shared subfolder = %+v, %v", p, err)
		}
		if d, err := bea.Document(ctx, deep.Document.ID); err != nil || !d.Shared {
			t.Errorf("Bea opens the document in the shared subfolder: %+v, %v", d, err)
		}
		if _, err := bea.Document(ctx, out.Document.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("Bea opens the document outside the shared folder: %v, want ErrNotFound", err)
		}
		// Search reaches the whole shared tree by name, nothing outside it.
		for q, want := range map[string]string{"deep": deep.Document.ID, "in": in.Document.ID, "out": ""} {
			res, err := bea.Search(ctx, q, library.SearchOptions{})
			switch {
			case err != nil:
				t.Errorf("Bea searches %q: %v", q, err)
			case want == "" && res.Total != 0:
				t.Errorf("Bea's search for %q finds %+v outside the shared folder", q, res.Hits)
			case want != "" && (res.Total != 1 || res.Hits[0].Document.ID != want || !res.Hits[0].Document.Shared):
				t.Errorf("Bea's search for %q = %+v; want the shared document", q, res)
			}
		}
		p, err = bea.Documents(ctx, library.Filter{FolderID: &box.ID})
		if err != nil || p.Total != 1 || p.Documents[0].ID != in.Document.ID || !p.Documents[0].Shared {
			t.Fatalf("Bea's list of the shared folder = %+v, %v", p, err)
		}
		// Write permission lets Bea delete it: it is gone for Ann too.
		if err := bea.Delete(ctx, in.Document.ID); err != nil {
			t.Fatalf("Bea deletes with write permission: %v", err)
		}
		if _, err := ann.Document(ctx, in.Document.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("Ann's document after Bea deleted it: %v", err)
		}
	})
}
