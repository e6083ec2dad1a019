package library

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/teststores"
)

// Benchmarks of the builtin model's storage at the size the issue sets:
// 10,000 decided documents of ~300 words in 10 topics, on both profiles.
// The texts draw words from /usr/share/dict/words with a Zipf law, a
// quarter of them from the document's topic's own band of words.

const (
	modelBenchDocs   = 10000
	modelBenchTopics = 10
	modelBenchWords  = 300
)

// seedDecided bulk-loads n documents, each with a topic set by the person,
// and returns the user and topic IDs.
func seedDecided(b *testing.B, st store.Store, n int) (string, []string) {
	b.Helper()
	ctx := context.Background()
	f, err := os.Open("/usr/share/dict/words")
	if err != nil {
		b.Skipf("no word list: %v", err)
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := sc.Text(); !strings.ContainsAny(w, "'") {
			words = append(words, strings.ToLower(w))
		}
	}
	u, err := st.DefaultUser(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var topics []string
	for k := range modelBenchTopics {
		t := store.Topic{ID: uuid.NewString(), UserID: u.ID, Name: fmt.Sprintf("Topic %d", k)}
		if err := st.CreateTopic(ctx, &t); err != nil {
			b.Fatal(err)
		}
		topics = append(topics, t.ID)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	zipf := rand.NewZipf(rng, 1.07, 1, uint64(len(words)-1))
	band := len(words) / (4 * modelBenchTopics)
	err = st.(store.BulkLoader).LoadDocuments(ctx, func(yield func(store.BulkDocument) bool) {
		for i := range n {
			k := i % modelBenchTopics
			var sb strings.Builder
			for w := range modelBenchWords {
				j := int(zipf.Uint64())
				if w%4 == 0 {
					j = k*band + j%band
				}
				sb.WriteString(words[j])
				sb.WriteByte(' ')
			}
			id := uuid.NewString()
			sum := sha256.Sum256([]byte(id))
			text := sb.String()
			if !yield(store.BulkDocument{Document: store.Document{
				ID: id, UserID: u.ID, Filename: id + ".txt", ObjectKey: u.ID + "/" + id + "/x.txt",
				ContentType: "text/plain; charset=utf-8", SizeBytes: int64(len(text)), SHA256: hex.EncodeToString(sum[:]),
				StorageBackend: "localfs", ExtractedText: text, Status: store.StatusReady,
			}, Links: []store.TopicLink{{TopicID: topics[k], Source: store.SourceUser, Confidence: 1}}}) {
				return
			}
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	return u.ID, topics
}

// lessonBytes counts the bytes of lessons written through it.
type lessonBytes struct {
	store.Store
	n, bytes int
}

func (s *lessonBytes) AppendClassifierExamples(ctx context.Context, userID, name string, exs []store.ClassifierExample) (int64, error) {
	for _, ex := range exs {
		s.n++
		s.bytes += len(ex.Data)
	}
	return s.Store.AppendClassifierExamples(ctx, userID, name, exs)
}

// BenchmarkModelStorage reports, at 10,000 decided documents on each
// profile: the first open (the model rebuilt from the decisions and
// stored), the size of the snapshot, opening (snapshot, versions after
// it and the check against the decisions, and that check alone), one
// learning update as the library makes it (read the decision, write the
// lesson, apply it) with the bytes it writes, and opening again with the
// updates not yet in a snapshot.
func BenchmarkModelStorage(b *testing.B) {
	for _, profile := range []string{"local", "server"} {
		b.Run(profile, func(b *testing.B) {
			ctx := context.Background()
			var st store.Store
			if profile == "local" {
				s, bs, _ := teststores.Local(b)
				bs.Close()
				st = s
			} else {
				s, bs := teststores.Server(b)
				bs.Close()
				st = s
			}
			defer st.Close()
			user, topics := seedDecided(b, st, modelBenchDocs)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			counted := &lessonBytes{Store: st}
			k := newModelKeeper(counted, user, systemClock{}, log)
			start := time.Now()
			if _, err := k.load(ctx); err != nil {
				b.Fatal(err)
			}
			m, err := st.ClassifierModel(ctx, user, builtinModelName)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: first open (rebuilt from %d decisions) %v; snapshot %d bytes", profile, k.model.Examples(), time.Since(start), len(m.Data))
			b.Run("read-snapshot", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.ClassifierModel(ctx, user, builtinModelName); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("decode-snapshot", func(b *testing.B) {
				cpu := startCPU(b)
				for b.Loop() {
					if _, err := classify.LoadSnapshot(m.Data); err != nil {
						b.Fatal(err)
					}
				}
				cpu.report(b)
			})

			// open loads the model; the check against the decisions that
			// follows in the background is timed only when withCheck.
			open := func(withCheck bool) func(b *testing.B) {
				return func(b *testing.B) {
					cpu := startCPU(b)
					for b.Loop() {
						k2 := newModelKeeper(st, user, systemClock{}, log)
						if _, err := k2.load(ctx); err != nil {
							b.Fatal(err)
						}
						if !withCheck {
							b.StopTimer()
						}
						k2.checks.Wait()
						b.StartTimer()
					}
					cpu.report(b)
				}
			}
			b.Run("open", open(false))
			b.Run("open-and-check", open(true))
			b.Run("check-decisions", func(b *testing.B) {
				for b.Loop() {
					if _, err := k.decisionsFingerprint(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			var ids []string
			err = st.TrainingExamples(ctx, store.TrainingQuery{UserID: user}, func(ex store.TrainingExample) error {
				ids = append(ids, ex.DocumentID)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.Run("learn", func(b *testing.B) {
				i := 0
				n0, bytes0 := counted.n, counted.bytes
				for b.Loop() {
					id := ids[(i*7919)%len(ids)]
					b.StopTimer()
					if err := st.SetDocumentTopics(ctx, user, id, []store.TopicLink{{TopicID: topics[(i+3)%len(topics)]}}); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					k.learn(ctx, id)
					i++
				}
				if n := counted.n - n0; n > 0 {
					b.ReportMetric(float64(counted.bytes-bytes0)/float64(n), "lesson-bytes/op")
				}
			})
			b.Logf("%s: %d versions after the stored snapshot when opening again", profile, k.gen-k.snapGen)
			b.Run("open-after-learning", open(false))
		})
	}
}

// cpuClock reports the process's CPU time per operation, where the
// platform tells it.
type cpuClock struct {
	b     *testing.B
	start time.Duration
	ok    bool
}

func startCPU(b *testing.B) cpuClock {
	t, ok := processCPU()
	return cpuClock{b, t, ok}
}

func (c cpuClock) report(b *testing.B) {
	if t, ok := processCPU(); ok && c.ok && b.N > 0 {
		b.ReportMetric(float64(t-c.start)/float64(b.N), "cpu-ns/op")
	}
}
