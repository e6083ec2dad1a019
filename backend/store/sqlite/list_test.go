package sqlite

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// TestTopicPlansAgree walks every listing of a topic with both query shapes
// (drive from the links, probe along the sort index) and requires the same
// pages and the same total: which one runs depends only on sizes, so the
// conformance suite alone may never see one of them.
func TestTopicPlansAgree(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	topic := store.Topic{UserID: u.ID, Name: "Tax"}
	folder := store.Folder{UserID: u.ID, Name: "A"}
	if err := s.CreateTopic(ctx, &topic); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateFolder(ctx, &folder); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 30 {
		d := store.Document{UserID: u.ID, Filename: fmt.Sprintf("%c doc.pdf", 'a'+i%5), SHA256: fmt.Sprint(i),
			SizeBytes: int64(i % 3), CreatedAt: base.Add(time.Duration(i/4) * time.Hour)}
		if i%3 == 0 {
			d.FolderID = &folder.ID
		}
		if i%4 == 0 {
			d.Status = store.StatusReady
		}
		if err := s.CreateDocument(ctx, &d); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := s.SetDocumentTopics(ctx, d.UserID, d.ID, []store.TopicLink{{TopicID: topic.ID, Source: store.SourceUser, Confidence: 1}}); err != nil {
				t.Fatal(err)
			}
		}
	}

	ready := store.StatusReady
	filters := map[string]store.DocumentFilter{
		"topic":          {},
		"topic+status":   {Status: &ready},
		"topic+folder":   {FolderID: &folder.ID},
		"topic+unfiled":  {Unfiled: true},
		"topic+query":    {Query: "B DOC"},
		"topic+offset 4": {Offset: 4},
	}
	for name, f := range filters {
		for _, sort := range []store.Sort{store.SortNewest, store.SortOldest, store.SortName, store.SortSize} {
			for _, limit := range []int{1, 4, 50} {
				f.UserID, f.TopicID, f.Sort, f.Limit = u.ID, &topic.ID, sort, limit
				drive, driveTotal := walkWithPlan(t, s, f, true)
				probe, probeTotal := walkWithPlan(t, s, f, false)
				if !slices.Equal(drive, probe) || driveTotal != probeTotal {
					t.Errorf("%s, %s, limit %d: drive %v (total %d), probe %v (total %d)",
						name, sort, limit, drive, driveTotal, probe, probeTotal)
				}
				if len(drive) == 0 {
					t.Errorf("%s, %s: no documents, the comparison proves nothing", name, sort)
				}
			}
		}
	}
}

// walkWithPlan lists every page of f with the given topic plan and returns
// the ids in order and the count.
func walkWithPlan(t *testing.T, s *Store, f store.DocumentFilter, drive bool) ([]string, int) {
	t.Helper()
	var ids []string
	total := 0
	for range 100 {
		q, err := newListQuery(f)
		if err != nil {
			t.Fatal(err)
		}
		var page store.DocumentPage
		var more bool
		var lastKey string
		err = s.read(t.Context(), func(tx *sql.Tx) error {
			more, lastKey, err = q.readPage(t.Context(), tx, drive, &page)
			if err != nil {
				return err
			}
			countSQL, args := q.countSQL()
			return tx.QueryRowContext(t.Context(), countSQL, args...).Scan(&total)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Documents {
			ids = append(ids, d.ID)
		}
		if !more {
			return ids, total
		}
		f.Cursor, f.Offset = q.cursorAfter(page.Documents[len(page.Documents)-1], lastKey), 0
	}
	t.Fatal("the walk does not end")
	return nil, 0
}
