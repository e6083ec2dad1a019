package postgres

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

const (
	searchBenchDocuments = 100_000
	searchBenchWords     = 300
	searchBenchChunk     = 5_000 // documents per COPY: per statement, the trigger indexes them in one go
)

// benchVocabulary returns the words documents are made of, in Zipf rank
// order: /usr/share/dict/words (Debian's wamerican), lower-case letters
// only, shuffled with a fixed seed; or, without it, generated words.
func benchVocabulary() []string {
	var words []string
	if f, err := os.Open("/usr/share/dict/words"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			w := sc.Text()
			if len(w) >= 2 && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
				words = append(words, w)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if len(words) < 10_000 {
		words = words[:0]
		const letters = "etaoinshrdlucmfwypvbgkqjxz"
		for len(words) < 50_000 {
			var b strings.Builder
			for range 3 + rng.IntN(7) {
				b.WriteByte(letters[min(rng.IntN(len(letters)), rng.IntN(len(letters)))])
			}
			words = append(words, b.String())
		}
		slices.Sort(words)
		words = slices.Compact(words)
	}
	rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	return words
}

// searchCorpus is the seeded benchmark database.
type searchCorpus struct {
	s      *Store
	user   store.User
	vocab  []string
	phrase string // two adjacent words of a seeded document
}

// seedSearch fills a fresh database with searchBenchDocuments documents of
// ~searchBenchWords Zipf-distributed words (s = 1.1, as natural text),
// through COPY with the search triggers on, then VACUUM ANALYZE.
func seedSearch(b *testing.B) searchCorpus {
	b.Helper()
	return fillSearchCorpus(b, openStore(b, testenv.Postgres(b)))
}

// fillSearchCorpus seeds s as seedSearch describes.
func fillSearchCorpus(b testing.TB, s *Store) searchCorpus {
	b.Helper()
	u, topics := seedTopicsOnly(b, s)
	ctx := b.Context()
	vocab := benchVocabulary()
	rng := rand.New(rand.NewPCG(3, 4))
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(len(vocab)-1))
	c := searchCorpus{s: s, user: u, vocab: vocab}

	start := time.Now()
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var text strings.Builder
	for chunk := 0; chunk < searchBenchDocuments; chunk += searchBenchChunk {
		rows := make([][]any, 0, searchBenchChunk)
		var links [][]any
		for i := chunk; i < chunk+searchBenchChunk; i++ {
			text.Reset()
			n := searchBenchWords/2 + rng.IntN(searchBenchWords)
			for w := range n {
				if w > 0 {
					text.WriteByte(' ')
					if rng.IntN(12) == 0 {
						text.WriteString(". ")
					}
				}
				text.WriteString(vocab[zipf.Uint64()])
			}
			if i == 0 {
				ws := strings.Fields(strings.ReplaceAll(text.String(), ".", ""))
				c.phrase = ws[40] + " " + ws[41]
			}
			id := uuid.NewString()
			sum := sha256.Sum256([]byte(id))
			name := fmt.Sprintf("%s %s %06d.pdf", vocab[zipf.Uint64()], vocab[zipf.Uint64()], i)
			created := base.Add(time.Duration(i) * time.Minute)
			rows = append(rows, []any{id, u.ID, []byte(name), store.FoldKey(name),
				u.ID + "/" + id + "/" + uuid.NewString() + ".pdf", "application/pdf",
				int64(1000 + i*37%500_000), hex.EncodeToString(sum[:]), "localfs",
				text.String(), string(store.StatusReady), created, created})
			links = append(links, []any{id, topics[i%len(topics)].ID, string(store.SourceClassifier), 0.9})
		}
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"documents"},
			[]string{"id", "user_id", "filename", "filename_key", "object_key", "content_type",
				"size_bytes", "sha256", "storage_backend", "extracted_text", "status", "created_at", "updated_at"},
			pgx.CopyFromRows(rows)); err != nil {
			b.Fatalf("copy documents: %v", err)
		}
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"document_topics"},
			[]string{"document_id", "topic_id", "source", "confidence"}, pgx.CopyFromRows(links)); err != nil {
			b.Fatalf("copy links: %v", err)
		}
		// Linking rewrote every search row of the chunk; reclaim the old
		// versions as autovacuum would, so the table has the size it has
		// in service rather than twice that.
		if _, err := s.pool.Exec(ctx, "VACUUM document_search"); err != nil {
			b.Fatalf("vacuum: %v", err)
		}
	}
	if _, err := s.pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatalf("vacuum: %v", err)
	}
	var size string
	if err := s.pool.QueryRow(ctx, `SELECT pg_size_pretty(pg_total_relation_size('document_search'))
		|| ' (GIN ' || pg_size_pretty(pg_relation_size('document_search_terms')) || ')'`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d documents of ~%d words (%d-word vocabulary) in %v; document_search %s",
		searchBenchDocuments, searchBenchWords, len(vocab), time.Since(start).Round(time.Second), size)
	return c
}

// seedTopicsOnly creates the default user and benchTopics topics.
func seedTopicsOnly(b testing.TB, s *Store) (store.User, []store.Topic) {
	ctx := b.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		b.Fatal(err)
	}
	topics := make([]store.Topic, benchTopics)
	for i := range topics {
		topics[i] = store.Topic{UserID: u.ID, Name: fmt.Sprintf("Topic %02d", i)}
		if err := s.CreateTopic(ctx, &topics[i]); err != nil {
			b.Fatal(err)
		}
	}
	return u, topics
}

// docFrequency counts the documents q matches.
func (c searchCorpus) docFrequency(b *testing.B, q store.SearchQuery) int {
	q.Filter.UserID = c.user.ID
	var n int
	plan, _, err := planSearch(q, store.SortNewest)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.s.pool.QueryRow(b.Context(), "SELECT count(*) FROM "+plan.from+" WHERE "+
		strings.Join(plan.where, " AND "), plan.args...).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkSearch100k measures Search, top 50 with snippets, at 100,000
// documents: p50/p95 latency per query shape, reported as metrics (printed,
// never asserted). Run with -benchtime=40x or so.
func BenchmarkSearch100k(b *testing.B) {
	benchSearches(b, seedSearch(b))
}

// benchSearches runs the query shapes of BenchmarkSearch100k over c.
func benchSearches(b *testing.B, c searchCorpus) {
	word := func(rank int) string { return c.vocab[rank] }
	one := func(t store.SearchTerm) [][]store.SearchTerm { return [][]store.SearchTerm{{t}} }
	prefix := word(30)[:3]
	cases := []struct {
		name string
		q    store.SearchQuery
	}{
		{"common_word", store.SearchQuery{Must: one(store.SearchTerm{Text: word(60)})}},
		{"most_common_word", store.SearchQuery{Must: one(store.SearchTerm{Text: word(0)})}},
		{"rare_word", store.SearchQuery{Must: one(store.SearchTerm{Text: word(40_000)})}},
		{"ten_percent_word", store.SearchQuery{Must: one(store.SearchTerm{Text: word(250)})}},
		{"two_words", store.SearchQuery{Must: [][]store.SearchTerm{{{Text: word(150)}}, {{Text: word(200)}}}}},
		{"phrase", store.SearchQuery{Must: one(store.SearchTerm{Text: c.phrase, Phrase: true})}},
		{"prefix", store.SearchQuery{Must: one(store.SearchTerm{Text: prefix, Prefix: true})}},
		{"common_word_by_date", store.SearchQuery{Must: one(store.SearchTerm{Text: word(60)}), ByDate: true}},
		{"rare_word_by_date", store.SearchQuery{Must: one(store.SearchTerm{Text: word(40_000)}), ByDate: true}},
	}
	for _, tc := range cases {
		q := tc.q
		q.Filter = store.DocumentFilter{UserID: c.user.ID, Limit: 50}
		b.Run(tc.name, func(b *testing.B) {
			var lat []time.Duration
			var p store.SearchPage
			for b.Loop() {
				start := time.Now()
				var err error
				p, err = c.s.Search(b.Context(), q)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			pct := func(f float64) float64 {
				return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(float64(p.Total), "total")
			b.ReportMetric(0, "ns/op")
			b.Logf("%s %s: %d hits, total %d (estimate %v), matching documents %d",
				tc.name, describe(q), len(p.Hits), p.Total, p.TotalIsEstimate, c.docFrequency(b, q))
		})
	}
}

// describe renders q's terms for the log.
func describe(q store.SearchQuery) string {
	var parts []string
	for _, g := range q.Must {
		for _, t := range g {
			s := fmt.Sprintf("%q", t.Text)
			if t.Prefix {
				s += "*"
			}
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}
