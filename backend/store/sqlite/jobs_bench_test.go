package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// benchGiveUp words a job given up (none is, in the benchmark).
func benchGiveUp(store.Job) string { return "gave up" }

// BenchmarkJobsClaimFinish is the queue's throughput in the store alone:
// claim a batch of jobs, then finish each with a status patch and a next
// job (so the queue never drains), over 1,000 documents with 1,000 done
// jobs piling up per second of run. Reported as jobs/s.
func BenchmarkJobsClaimFinish(b *testing.B) {
	for _, batch := range []int{1, 10} {
		b.Run(fmt.Sprintf("batch-%d", batch), func(b *testing.B) {
			s := openTemp(b)
			ctx := b.Context()
			u, err := s.DefaultUser(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for i := range 1000 {
				d := store.Document{UserID: u.ID, Filename: fmt.Sprintf("%d.pdf", i), SHA256: uuid.NewString(),
					ObjectKey: "k", ContentType: "application/pdf", StorageBackend: "localfs"}
				if err := s.CreateDocument(ctx, &d, store.Job{Kind: "extract"}); err != nil {
					b.Fatal(err)
				}
			}
			ready := store.StatusReady
			jobs := 0
			start := time.Now()
			for b.Loop() {
				claimed, err := s.ClaimJobs(ctx, store.Claim{Owner: "bench", Limit: batch, Lease: time.Minute,
					MaxAttempts: 5, GiveUp: benchGiveUp}) // as the pool claims
				if err != nil || len(claimed) != batch {
					b.Fatalf("ClaimJobs = %d, %v", len(claimed), err)
				}
				for _, j := range claimed {
					if err := s.FinishJob(ctx, store.JobOutcome{JobID: j.ID, Owner: "bench",
						Document: store.DocumentPatch{Status: &ready},
						Next:     &store.Job{Kind: "extract"}}); err != nil {
						b.Fatal(err)
					}
				}
				jobs += len(claimed)
			}
			b.ReportMetric(float64(jobs)/time.Since(start).Seconds(), "jobs/s")
		})
	}
}
