package sqlite

import (
	"slices"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

// TestSearchIndexDamage damages the index the ways SQL by hand can, checks
// SearchIndexCheck names each document, and that a rebuild of those
// documents repairs everything (and search finds them again).
func TestSearchIndexDamage(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name, text string) string {
		d := &store.Document{UserID: u.ID, Filename: name, ObjectKey: u.ID + "/" + name, SHA256: name, ExtractedText: text}
		if err := s.CreateDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	gone, status, body := mk("gone.txt", "alpha"), mk("status.txt", "beta"), mk("body.txt", "gamma")
	mk("kept.txt", "delta")
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.w.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var goneSeq int64
	if err := s.w.QueryRowContext(ctx, `SELECT seq FROM search_rows WHERE document_id = ?`, gone).Scan(&goneSeq); err != nil {
		t.Fatal(err)
	}
	exec(`DELETE FROM search_rows WHERE document_id = ?`, gone) // its full-text row is now unowned
	exec(`UPDATE search_rows SET status = 'ready' WHERE document_id = ?`, status)
	exec(`UPDATE search SET body = 'wrong' WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = ?)`, body)
	exec(`INSERT INTO search_rows (document_id, user_id, status, content_type, created_at) VALUES ('ghost', ?, 'ready', '', 0)`, u.ID)

	rep, err := s.SearchIndexCheck(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rep.Stale)
	wantStale := []string{status, body}
	slices.Sort(wantStale)
	if rep.Checked != 4 || !slices.Equal(rep.Missing, []string{gone}) || !slices.Equal(rep.Stale, wantStale) ||
		!slices.Equal(rep.Extra, []string{"ghost"}) || rep.Unowned != 1 {
		t.Fatalf("SearchIndexCheck = %+v\nwant missing [%s], stale %v, extra [ghost], 1 unowned", rep, gone, wantStale)
	}
	if err := s.RebuildSearchIndex(ctx, u.ID, append(append(rep.Missing, rep.Stale...), rep.Extra...)); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.SearchIndexCheck(ctx, u.ID); err != nil || !rep.Clean() || rep.Checked != 4 {
		t.Fatalf("after the rebuild: %+v, %v", rep, err)
	}
	for _, w := range []string{"alpha", "beta", "gamma", "delta"} {
		p, err := s.Search(ctx, store.SearchQuery{Filter: store.DocumentFilter{UserID: u.ID}, Must: [][]store.SearchTerm{{{Text: w}}}})
		if err != nil || len(p.Hits) != 1 {
			t.Errorf("search %q after the rebuild: %d hits, %v", w, len(p.Hits), err)
		}
	}
}
