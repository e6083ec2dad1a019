package library_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/teststores"
)

// viewBenchDocs is the library the sidebar benchmark counts views over.
const viewBenchDocs = 20_000

// viewBenchQueries are the query shapes of the views: a very common word,
// two words, a prefix, a phrase, OR, an exclusion, a rare word, and a
// common word in a topic.
var viewBenchQueries = []struct {
	query string
	topic bool
}{
	{"invoice", false}, {"tax return", false}, {"pay*", false}, {`"bank transfer"`, false},
	{"rent OR lease", false}, {"contract -insurance", false}, {"tok000123x", false}, {"health", true},
}

// seedViewBench bulk-loads viewBenchDocs ready documents (a tenth in a
// topic) through the driver's loader and returns the topic.
func seedViewBench(b *testing.B, e *env) library.Topic {
	b.Helper()
	ctx := context.Background()
	topic, err := e.lib.CreateTopic(ctx, library.TopicInput{Name: "Health"})
	if err != nil {
		b.Fatal(err)
	}
	loader, ok := e.store.(store.BulkLoader)
	if !ok {
		b.Fatalf("%s has no bulk loader", e.store.Backend())
	}
	r := rand.New(rand.NewPCG(7, 11))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := func(yield func(store.BulkDocument) bool) {
		for i := range viewBenchDocs {
			id := uuid.NewString()
			sum := sha256.Sum256([]byte(id))
			token := fmt.Sprintf("tok%06dx", i)
			d := store.BulkDocument{Document: store.Document{
				ID: id, UserID: e.lib.UserID(), Filename: token + ".txt", ObjectKey: e.lib.UserID() + "/" + id + "/x.txt",
				ContentType: "text/plain", SizeBytes: 1200, SHA256: hex.EncodeToString(sum[:]), StorageBackend: "bench",
				ExtractedText: benchText(r, token, 1200), Status: store.StatusReady,
				CreatedAt: base.Add(time.Duration(i) * time.Minute), UpdatedAt: base.Add(time.Duration(i) * time.Minute),
			}}
			if i%10 == 0 {
				d.Links = []store.TopicLink{{TopicID: topic.ID, Source: store.SourceUser, Confidence: 1}}
			}
			if !yield(d) {
				return
			}
		}
	}
	if err := loader.LoadDocuments(ctx, iter.Seq[store.BulkDocument](docs)); err != nil {
		b.Fatal(err)
	}
	return topic
}

// BenchmarkSidebarViews measures what the sidebar's saved views cost: one
// Views call (every view counted) with 8, 40 and 200 views over a library
// of viewBenchDocs documents, on both profiles; ms/view is the call's
// time divided by the views. The count=* cases are one count of each
// query shape, in date order (how Views counts) and by relevance.
func BenchmarkSidebarViews(b *testing.B) {
	for _, profile := range []string{"local", "server"} {
		b.Run(profile, func(b *testing.B) {
			var e *env
			if profile == "local" {
				e = newLocal(b)
			} else {
				st, bs := teststores.Server(b)
				e = build(b, st, bs, b.TempDir())
			}
			topic := seedViewBench(b, e)
			ctx := context.Background()
			made := 0
			for _, n := range []int{8, 40, 200} {
				for ; made < n; made++ {
					q := viewBenchQueries[made%len(viewBenchQueries)]
					in := library.ViewInput{Name: fmt.Sprintf("view %03d", made), Query: q.query}
					if q.topic {
						in.Filter.Topic = &topic.ID
					}
					if _, err := e.lib.CreateView(ctx, in); err != nil {
						b.Fatal(err)
					}
				}
				b.Run(fmt.Sprintf("views=%d", n), func(b *testing.B) {
					for b.Loop() {
						vs, err := e.lib.Views(ctx)
						if err != nil || len(vs) != n || vs[0].Count == nil {
							b.Fatalf("Views = %d views, %v", len(vs), err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
					b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/float64(n), "ms/view")
				})
			}
			// One count per query shape, in date order (how Views counts)
			// and by relevance (what ranking would add).
			for _, q := range viewBenchQueries {
				for _, byDate := range []bool{true, false} {
					order := "date"
					if !byDate {
						order = "relevance"
					}
					opt := library.SearchOptions{Filter: library.Filter{Limit: 1, Sort: "newest"}, ByDate: byDate}
					if q.topic {
						opt.Filter.TopicID = &topic.ID
					}
					b.Run(fmt.Sprintf("count=%s/%s", q.query, order), func(b *testing.B) {
						total := 0
						for b.Loop() {
							res, err := e.lib.Search(ctx, q.query, opt)
							if err != nil {
								b.Fatalf("search %q: %v", q.query, err)
							}
							total = res.Total
						}
						b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/count")
						b.ReportMetric(float64(total), "matches")
					})
				}
			}
		})
	}
}
