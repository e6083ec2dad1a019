package postgres

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

// benchQueueJobs is the number of jobs each pass drains.
const benchQueueJobs = 2000

// BenchmarkJobsClaimFinish measures the queue: owners (each its own Store,
// as separate processes) claim due jobs four at a time and finish each with
// a document patch (status and ~300 words of new text, so the search
// trigger reindexes as after a real extraction), until none is due. It reports jobs/s
// and fails if any job was finished twice or not at all. Run with
// -benchtime=1x.
func BenchmarkJobsClaimFinish(b *testing.B) {
	dsn := testenv.Postgres(b)
	seedStore := openStore(b, dsn)
	want := seedJobs(b, seedStore, benchQueueJobs, "extract")
	for _, owners := range []int{1, 2} {
		// New text in every pass, so that every finish reindexes.
		text := strings.Repeat("the extracted words of a typical one page letter ", 35) +
			fmt.Sprintf("pass %d", owners)
		b.Run(fmt.Sprintf("owners=%d", owners), func(b *testing.B) {
			stores := make([]*Store, owners)
			for i := range stores {
				stores[i] = openStore(b, dsn)
			}
			var perSec float64
			for b.Loop() {
				b.StopTimer()
				if _, err := seedStore.pool.Exec(b.Context(), `UPDATE jobs SET state = 'queued', attempts = 0,
					lease_owner = '', lease_until = NULL, run_at = now() - interval '1 minute'`); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				finished, err := drainWithText(b, stores, text)
				elapsed := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				for id := range want {
					if finished[id] != 1 {
						b.Fatalf("job %s finished %d times, want once", id, finished[id])
					}
				}
				if len(finished) != len(want) {
					b.Fatalf("%d jobs finished, want %d", len(finished), len(want))
				}
				perSec = float64(len(want)) / elapsed.Seconds()
			}
			b.ReportMetric(perSec, "jobs/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// drainWithText is runWorkers with a realistic extraction outcome.
func drainWithText(b *testing.B, stores []*Store, text string) (map[string]int, error) {
	return runWorkersWith(b, stores, 4, time.Hour, store.DocumentPatch{
		Status: ptrTo(store.StatusReady), ExtractedText: &text, PageCount: ptrTo(1),
	})
}

// ptrTo returns a pointer to v.
func ptrTo[T any](v T) *T { return &v }
