package library_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

// TestBestMatchRanksEveryMatch is the zebra library: 1,500 newer text
// files mention "zebra" once in 400 words; the oldest, the migration
// report, says it 17 times and has it in its name. Best match must put
// the report first, however many newer weak matches there are, and count
// every match.
func TestBestMatchRanksEveryMatch(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, err := e.store.DefaultUser(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const weak = 1_500
		report := zebraDoc(u.ID, "zebra-migration-report.txt", 0, 17)
		loader, ok := e.store.(store.BulkLoader)
		if !ok {
			t.Fatalf("the %s driver has no BulkLoader", e.store.Backend())
		}
		err = loader.LoadDocuments(ctx, func(yield func(store.BulkDocument) bool) {
			if !yield(store.BulkDocument{Document: report}) {
				return
			}
			for i := 1; i <= weak; i++ {
				if !yield(store.BulkDocument{Document: zebraDoc(u.ID, fmt.Sprintf("field-notes-%04d.txt", i), i, 1)}) {
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}

		res, err := e.lib.Search(ctx, "zebra", library.SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].Document.Filename != report.Filename {
			first := "nothing"
			if len(res.Hits) > 0 {
				first = res.Hits[0].Document.Filename
			}
			t.Errorf("zebra: first hit %s, want %s", first, report.Filename)
		}
		if res.Total != weak+1 || res.TotalIsEstimate {
			t.Errorf("zebra: total %d (estimate %v), want exactly %d", res.Total, res.TotalIsEstimate, weak+1)
		}
		// The report is best in its text alone too (17 mentions), and
		// with a filter that every match passes.
		for _, q := range []string{"text:zebra", "zebra type:text"} {
			res, err := e.lib.Search(ctx, q, library.SearchOptions{Filter: library.Filter{Limit: 5}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].Document.Filename != report.Filename {
				t.Errorf("%s: the report is not the first hit", q)
			}
		}
	})
}

// zebraDoc is a ready text document of 400 words of which mentions are
// "zebra", created i hours after the first.
func zebraDoc(userID, name string, i, mentions int) store.Document {
	r := rand.New(rand.NewPCG(uint64(i), 17))
	filler := []string{"river", "field", "grass", "herd", "water", "season", "morning", "track",
		"camera", "survey", "count", "animal", "plain", "dust", "shade", "north", "south", "report"}
	words := make([]string, 400)
	for j := range words {
		words[j] = filler[r.IntN(len(filler))]
	}
	for j := range mentions {
		words[(j*23+i)%len(words)] = "zebra"
	}
	text := strings.Join(words, " ")
	return store.Document{UserID: userID, Filename: name, SHA256: fmt.Sprintf("%064x", i+1),
		ObjectKey: fmt.Sprintf("zebra/%d", i), ContentType: "text/plain", StorageBackend: "test",
		SizeBytes: int64(len(text)), ExtractedText: text, Status: store.StatusReady,
		CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)}
}

