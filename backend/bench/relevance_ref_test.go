package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	porterstemmer "github.com/blevesearch/go-porterstemmer"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/bench/corpus"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/teststores"
)

// TestReferenceScoresAreTheEngines checks the relevance scenario's
// reference against the engines themselves: on a small library of each
// profile, every query's matches and their scores computed by the
// reference must be the ones the database computes (FTS5's bm25() with
// the product's column weights; PostgreSQL's ts_rank with its weights).
// A reference that scored differently would make the scenario's share
// of identical top 10 meaningless.
func TestReferenceScoresAreTheEngines(t *testing.T) {
	vocab, _ := corpus.Words()
	c := &corpus.Corpus{Vocab: vocab, Seed: 5, Batch: "t"}
	const n = 400
	topicNames := []string{vocab[5], vocab[7] + " " + vocab[9]}
	docs := make([]refDoc, n)
	for i := range docs {
		docs[i] = refDoc{name: fmt.Sprintf("t-%06d.txt", i), body: c.Text(i)}
		if i%3 != 0 {
			docs[i].topics = topicNames[i%3-1]
		}
	}
	words := strings.Fields(strings.ReplaceAll(docs[3].body, ".", ""))
	queries := []refQuery{
		{q: vocab[0], parts: []refPart{{words: []string{vocab[0]}}}},
		{q: vocab[5], parts: []refPart{{words: []string{vocab[5]}}}}, // also a topic
		{q: vocab[9], parts: []refPart{{words: []string{vocab[9]}}}}, // a topic's second word
		{q: vocab[40], parts: []refPart{{words: []string{vocab[40]}}}},
		{q: "000007", parts: []refPart{{words: []string{"000007"}}}}, // a name
		{q: "two", parts: []refPart{{words: []string{vocab[1]}}, {words: []string{vocab[5]}}}},
		{q: "phrase", parts: []refPart{{words: []string{words[10], words[11]}}}},
		{q: "prefix", parts: []refPart{{words: []string{vocab[2][:3]}, prefix: true}}},
		// A prefix the stemmer rewrites ("pay" → "pai"): the local profile
		// asks for the terms it starts (expandPrefixes).
		{q: "rewritten prefix", parts: []refPart{{words: []string{rewrittenPrefix(t, vocab)}, prefix: true}}},
	}
	var extra []string
	for _, q := range queries {
		for _, p := range q.parts {
			extra = append(extra, p.words...)
		}
	}

	for _, profile := range []string{profileLocal, profileServer} {
		t.Run(profile, func(t *testing.T) {
			ctx := context.Background()
			var (
				st  store.Store
				dsn string
			)
			if profile == profileLocal {
				st, _, _ = teststores.Local(t)
			} else {
				st, _, dsn = teststores.ServerDSN(t)
			}
			defer st.Close()
			ids := loadRefDocs(t, st, docs, topicNames)
			ix, err := buildRefIndex(ctx, profile, n, func(i int) refDoc { return docs[i] }, extra, analyzerFor(profile))
			if err != nil {
				t.Fatal(err)
			}
			engine := engineScores(t, profile, st, dsn)
			for _, q := range queries {
				want := map[string]float64{}
				for _, h := range ix.rank(q) {
					want[ids[h.doc]] = h.score
				}
				got := engine(q)
				if len(want) == 0 {
					t.Errorf("%s %v: the reference finds nothing: the test asks nothing", q.q, q.parts)
				}
				if len(got) != len(want) {
					t.Errorf("%s %v: the engine matches %d documents, the reference %d", q.q, q.parts, len(got), len(want))
				}
				tol := scoreTolerance(profile)
				for id, g := range got {
					w, ok := want[id]
					if !ok {
						t.Errorf("%s: the engine matches a document the reference does not", q.q)
						continue
					}
					if math.Abs(g-w) > tol*max(math.Abs(g), math.Abs(w)) {
						t.Errorf("%s: a document scores %.10g in the engine, %.10g in the reference", q.q, g, w)
					}
				}
			}
		})
	}
}

// loadRefDocs loads docs (topics by name) and returns their ids by index.
func loadRefDocs(t *testing.T, st store.Store, docs []refDoc, topicNames []string) []string {
	ctx := context.Background()
	u, err := st.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	topics := map[string]string{}
	for _, name := range topicNames {
		tp := store.Topic{ID: uuid.NewString(), UserID: u.ID, Name: name}
		if err := st.CreateTopic(ctx, &tp); err != nil {
			t.Fatal(err)
		}
		topics[name] = tp.ID
	}
	ids := make([]string, len(docs))
	err = st.(store.BulkLoader).LoadDocuments(ctx, func(yield func(store.BulkDocument) bool) {
		for i, d := range docs {
			ids[i] = uuid.NewString()
			sum := sha256.Sum256([]byte(ids[i]))
			created := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			bd := store.BulkDocument{Document: store.Document{
				ID: ids[i], UserID: u.ID, Filename: d.name, ObjectKey: u.ID + "/" + ids[i] + "/" + uuid.NewString() + ".txt",
				ContentType: "text/plain; charset=utf-8", SizeBytes: int64(len(d.body)), SHA256: hex.EncodeToString(sum[:]),
				StorageBackend: "localfs", ExtractedText: d.body, Status: store.StatusReady, CreatedAt: created, UpdatedAt: created,
			}}
			if d.topics != "" {
				bd.Links = []store.TopicLink{{TopicID: topics[d.topics], Source: store.SourceUser, Confidence: 1}}
			}
			if !yield(bd) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// engineScores returns a function giving every match of a query and its
// score as the database computes it, by document id (larger is better):
// on the local profile the store's own Search (its Rank is bm25's, and
// it builds the FTS5 query as the product does, prefixes included); on
// the server profile ts_rank over the tsquery the parts make.
func engineScores(t *testing.T, profile string, st store.Store, dsn string) func(q refQuery) map[string]float64 {
	ctx := context.Background()
	if profile == profileLocal {
		u, err := st.DefaultUser(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return func(q refQuery) map[string]float64 {
			var must [][]store.SearchTerm
			for _, p := range q.parts {
				must = append(must, []store.SearchTerm{{Text: strings.Join(p.words, " "), Phrase: len(p.words) > 1, Prefix: p.prefix}})
			}
			page, err := st.(store.Searcher).Search(ctx, store.SearchQuery{Must: must,
				Filter: store.DocumentFilter{UserID: u.ID, Limit: 1000}})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]float64{}
			for _, h := range page.Hits {
				out[h.Document.ID] = h.Rank
			}
			return out
		}
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(ctx) })
	return func(q refQuery) map[string]float64 {
		var parts []string
		var args []any
		for _, p := range q.parts {
			args = append(args, strings.Join(p.words, " "))
			switch {
			case p.prefix:
				args[len(args)-1] = "'" + p.words[0] + "':*"
				parts = append(parts, fmt.Sprintf("to_tsquery('docsift', $%d)", len(args)))
			case len(p.words) > 1:
				parts = append(parts, fmt.Sprintf("phraseto_tsquery('docsift', $%d)", len(args)))
			default:
				parts = append(parts, fmt.Sprintf("plainto_tsquery('docsift', $%d)", len(args)))
			}
		}
		tq := "(" + strings.Join(parts, " && ") + ")"
		rows, err := c.Query(ctx, `SELECT document_id::text, ts_rank('{0.1, 0.2, 0.4, 1.0}'::real[], search, `+tq+`, 1)::float8
			FROM document_search WHERE search @@ `+tq, args...)
		if err != nil {
			t.Fatal(err)
		}
		return scanScores(t, rows.Next, func(dest ...any) error { return rows.Scan(dest...) }, func() error { rows.Close(); return nil })
	}
}

// rewrittenPrefix returns a three- or four-letter prefix of a frequent
// vocabulary word that the porter stemmer rewrites within its letters.
func rewrittenPrefix(t *testing.T, vocab []string) string {
	for _, w := range vocab[:300] {
		for n := 3; n <= 4 && n < len(w); n++ {
			if p := w[:n]; !strings.HasPrefix(p, porterstemmer.StemString(p)) {
				return p
			}
		}
	}
	t.Fatal("no frequent word has a prefix the stemmer rewrites")
	return ""
}

func scanScores(t *testing.T, next func() bool, scan func(...any) error, close func() error) map[string]float64 {
	defer close()
	out := map[string]float64{}
	for next() {
		var (
			id string
			s  float64
		)
		if err := scan(&id, &s); err != nil {
			t.Fatal(err)
		}
		out[id] = s
	}
	return out
}

// TestStemmersAreTheEngines holds the reference's stemmers to the
// engines' own tokenizers over every word the scenario's corpora can
// hold: the whole vocabulary, the prefixes it asks for, and the tokens of
// names, topics, batch and unique tokens. On the local profile FTS5 (with
// the search table's tokenizer, in a database of the test's own) tells
// each word's term; on the server profile PostgreSQL's docsift
// configuration does.
func TestStemmersAreTheEngines(t *testing.T) {
	vocab, _ := corpus.Words()
	words := slices.Clone(vocab)
	words = append(words, prefixCandidates(rand.New(rand.NewPCG(17, 17)), vocab)...)
	words = append(words, "srch", "txt", "zbsrchx", "000000", "012345", "099999", "topic00", "topic19",
		"field", "note", "0001", "1500", "zebra", "migration", "report", "t", "000007")
	for i := range 2000 {
		words = append(words, corpus.Token(i*50))
	}
	slices.Sort(words)
	words = slices.Compact(words)
	ctx := context.Background()
	check := func(t *testing.T, engine map[string]string, an analyzer) {
		ours, err := an(ctx, words)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for _, w := range words {
			if ours[w] != engine[w] {
				if bad < 10 {
					t.Errorf("%q: the engine indexes %q, the reference %q", w, engine[w], ours[w])
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%d of %d words stem differently", bad, len(words))
		}
	}
	t.Run(profileLocal, func(t *testing.T) {
		db, err := sql.Open("sqlite", "file:stems?mode=memory")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		for _, q := range []string{
			`CREATE VIRTUAL TABLE w USING fts5 (t, tokenize = 'porter unicode61 remove_diacritics 2')`,
			`CREATE VIRTUAL TABLE v USING fts5vocab (w, instance)`,
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range words {
			if _, err := tx.Exec(`INSERT INTO w (rowid, t) VALUES (?, ?)`, i+1, w); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT term, doc FROM v`)
		if err != nil {
			t.Fatal(err)
		}
		engine := map[string]string{}
		for rows.Next() {
			var (
				term string
				doc  int
			)
			if err := rows.Scan(&term, &doc); err != nil {
				t.Fatal(err)
			}
			if _, ok := engine[words[doc-1]]; ok {
				t.Fatalf("%q gives several terms", words[doc-1])
			}
			engine[words[doc-1]] = term
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		check(t, engine, sqliteAnalyzer)
	})
	t.Run(profileServer, func(t *testing.T) {
		st, _, dsn := teststores.ServerDSN(t) // migrated: the docsift configuration exists
		defer st.Close()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		rows, err := c.Query(ctx, `SELECT w, coalesce(array_to_string(tsvector_to_array(to_tsvector('docsift', w)), ' '), '')
			FROM unnest($1::text[]) AS w`, words)
		if err != nil {
			t.Fatal(err)
		}
		engine := map[string]string{}
		for rows.Next() {
			var w, term string
			if err := rows.Scan(&w, &term); err != nil {
				t.Fatal(err)
			}
			engine[w] = term
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		check(t, engine, postgresAnalyzer)
	})
}
