package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/wire"
)

// relevanceQueries is how many queries the relevance scenario asks, by
// kind (issue 17: common, mid-frequency and rare words, two words,
// phrases, prefixes).
var relevanceQueries = []struct {
	kind string
	n    int
}{
	{"common word", 40}, {"mid-frequency word", 40}, {"rare word", 40},
	{"two words", 30}, {"phrase", 25}, {"prefix", 25},
}

// relevanceTop is the depth compared: the first page a person reads.
const relevanceTop = 10

// runRelevance asks `docsift serve` for the best 10 hits of 200 queries on
// the largest seeded library and compares them with the reference's
// exhaustive ranking of every matching document, with the engine's own
// scoring (relevance_ref.go). It reports the share of queries whose top
// 10 are the same (the same documents in the same order; documents of
// equal score may come in either order) and the mean nDCG@10 with the
// reference's scores as gains. Then the zebra library of issue 17: one
// old document that says "zebra" 17 times and has it in its name, 1,500
// newer ones that say it once; the old one should be the first hit.
func runRelevance(ctx context.Context, h *harness, profile string) error {
	n := h.size.searchDocs[len(h.size.searchDocs)-1]
	s, err := h.seededLibrary(ctx, profile, n)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(17, 17))
	prefixes := prefixCandidates(rng, s.corpus.Vocab)
	// names maps a file name back to its document, for reading the API's
	// hits; the reference fills it as it reads the documents.
	names := make(map[string]int, n)
	doc := func(i int) refDoc {
		name := fmt.Sprintf("%s-%06d.txt", s.corpus.Batch, i)
		names[name] = i
		return refDoc{name: name, topics: s.topics[i%seedTopics].Name, body: s.corpus.Text(i)}
	}
	t0 := time.Now()
	ix, err := buildRefIndex(ctx, profile, n, doc, prefixes, analyzerFor(profile))
	if err != nil {
		return err
	}
	h.logf("  reference index of %s documents built in %s", count(n), time.Since(t0).Round(100*time.Millisecond))
	queries := pickQueries(ix, rng, s.corpus.Vocab, s.corpus.Text, prefixes)

	srv, err := h.startServe(ctx, s.t, "--no-workers", "--no-watch")
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: time.Minute}
	type outcome struct {
		same bool
		ndcg float64
	}
	byKind := map[string][]outcome{}
	var (
		all      []outcome
		refTime  time.Duration
		misses   []string
		minNDCG  = 1.0
		apiTimes []time.Duration
	)
	tolerance := scoreTolerance(profile)
	cpu0, _ := procCPU(srv.pid())
	for _, q := range queries {
		t0 := time.Now()
		got, err := apiTop(ctx, srv, client, q.q, relevanceTop, names)
		if err != nil {
			srv.stop()
			return err
		}
		apiTimes = append(apiTimes, time.Since(t0))
		t1 := time.Now()
		ref := ix.rank(q)
		refTime += time.Since(t1)
		same, ndcg := compareTop(got, ref, relevanceTop, tolerance)
		o := outcome{same, ndcg}
		all = append(all, o)
		byKind[q.kind] = append(byKind[q.kind], o)
		minNDCG = min(minNDCG, ndcg)
		if !same && len(misses) < 5 {
			misses = append(misses, fmt.Sprintf("%s %q (%d matches)", q.kind, q.q, len(ref)))
		}
	}
	cpu1, _ := procCPU(srv.pid())
	u, err := srv.stop()
	if err != nil {
		return err
	}
	share := func(xs []outcome) (pct, ndcg float64) {
		for _, o := range xs {
			if o.same {
				pct++
			}
			ndcg += o.ndcg
		}
		return 100 * pct / float64(len(xs)), ndcg / float64(len(xs))
	}
	pct, ndcg := share(all)
	var kinds []string
	for _, k := range relevanceQueries {
		if len(byKind[k.kind]) == 0 {
			continue // the corpus had none to offer (a small --quick library)
		}
		p, _ := share(byKind[k.kind])
		kinds = append(kinds, fmt.Sprintf("%s %.0f%%", k.kind, p))
	}
	h.logf("  relevance: %.1f%% identical, nDCG@10 %.4f; exhaustive reference %s for %d queries; first differing: %s",
		pct, ndcg, refTime.Round(time.Millisecond), len(queries), strings.Join(misses, "; "))
	api := summarize(millis(apiTimes))
	same := Figure{Scenario: "relevance", Profile: profile, Unit: "%",
		Measure:    fmt.Sprintf("top %d identical to exhaustive, %d queries @%s", relevanceTop, len(queries), count(n)),
		Summary:    Summary{N: len(queries), Median: pct, P95: pct, Max: pct},
		CPUSeconds: (cpu1 - cpu0).Seconds(), PeakRSSMiB: float64(u.MaxRSS) / (1 << 20),
		Note: strings.Join(kinds, ", ") + fmt.Sprintf("; API top %d p50 %.1f ms", relevanceTop, api.Median)}
	same.check(goal{stat: "median", le: false, bound: 99, text: "≥ 99%", docs: 100_000}, n)
	h.add(same)
	nd := Figure{Scenario: "relevance", Profile: profile, Unit: "nDCG",
		Measure: fmt.Sprintf("nDCG@%d (gain: the reference's score), %d queries @%s", relevanceTop, len(queries), count(n)),
		Summary: Summary{N: len(queries), Median: ndcg, P95: ndcg, Max: ndcg},
		Note:    fmt.Sprintf("mean; lowest %.4f", minNDCG)}
	h.add(nd)
	return runZebra(ctx, h, profile)
}

// scoreTolerance is the relative difference under which two scores are
// the same: bm25 is a double in FTS5, ts_rank a float4.
func scoreTolerance(profile string) float64 {
	if profile == profileServer {
		return 1e-5
	}
	return 1e-9
}

// apiTop returns the documents (by name, through names) of the first k
// hits of q, best match first, from `docsift serve`'s API; a hit the
// library does not hold by that name counts as -1.
func apiTop(ctx context.Context, srv *server, client *http.Client, q string, k int, names map[string]int) ([]int, error) {
	body, err := srv.get(ctx, client, fmt.Sprintf("/api/documents?limit=%d&q=%s", k, url.QueryEscape(q)))
	if err != nil {
		return nil, err
	}
	var res searchResponse
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, fmt.Errorf("search %q: %w", q, err)
	}
	out := make([]int, 0, len(res.Hits))
	for _, hit := range res.Hits {
		i, ok := names[hit.Document.Filename]
		if !ok {
			i = -1
		}
		out = append(out, i)
	}
	return out, nil
}

// compareTop compares the engine's first k documents with the
// reference's ranking of every match: identical when each place holds a
// document of the reference's score at that place (so equal scores may
// come in either order) and nothing is missing. nDCG uses the reference's
// scores as gains (0 for a document that does not match).
func compareTop(got []int, ref []refHit, k int, tol float64) (same bool, ndcg float64) {
	score := make(map[int]float64, len(ref))
	for _, r := range ref {
		score[r.doc] = r.score
	}
	want := min(k, len(ref))
	got = got[:min(len(got), k)]
	same = len(got) == want
	var dcg, idcg float64
	for j := range want {
		idcg += ref[j].score / math.Log2(float64(j+2))
	}
	for j, d := range got {
		s, ok := score[d]
		dcg += s / math.Log2(float64(j+2))
		if !ok || j >= want || math.Abs(s-ref[j].score) > tol*max(math.Abs(s), math.Abs(ref[j].score)) {
			same = false
		}
	}
	if idcg == 0 {
		if len(got) == 0 {
			return same, 1
		}
		return same, 0
	}
	return same, dcg / idcg
}

// analyzerFor is the profile's tokenizer.
func analyzerFor(profile string) analyzer {
	if profile == profileServer {
		return postgresAnalyzer
	}
	return sqliteAnalyzer
}

// operatorWords are words the query language may read as operators; the
// scenario leaves them out.
var operatorWords = map[string]bool{"and": true, "or": true, "not": true, "near": true}

// prefixCandidates draws prefixes (3 or 4 letters of a frequent word).
func prefixCandidates(rng *rand.Rand, vocab []string) []string {
	var out []string
	for range 200 {
		w := vocab[rng.IntN(min(3000, len(vocab)))]
		if n := 3 + rng.IntN(2); len(w) > n {
			out = append(out, w[:n])
		}
	}
	return out
}

// pickQueries draws the scenario's queries, deterministically: words by
// their rank in the vocabulary, two words and phrases from documents'
// texts, prefixes from prefixes. Every query matches at least one
// document.
func pickQueries(ix *refIndex, rng *rand.Rand, vocab []string, text func(int) string, prefixes []string) []refQuery {
	df := ix.docFreq()
	n := len(ix.fields)
	wordDF := func(w string) int {
		if t, ok := ix.terms[ix.stemOfRaw(w)]; ok {
			return df[t]
		}
		return 0
	}
	seen := map[string]bool{}
	var out []refQuery
	add := func(q refQuery) bool {
		if seen[q.q] {
			return false
		}
		seen[q.q] = true
		out = append(out, q)
		return true
	}
	word := func(kind string, lo, hi, minDF, maxDF int) bool {
		w := vocab[lo+rng.IntN(min(hi, len(vocab))-lo)]
		if operatorWords[w] {
			return false
		}
		if d := wordDF(w); d < minDF || d > maxDF {
			return false
		}
		return add(refQuery{kind: kind, q: w, parts: []refPart{{words: []string{w}}}})
	}
	docWords := func() []string {
		var ws []string
		for _, w := range rawWords(text(rng.IntN(n))) {
			if !operatorWords[w] {
				ws = append(ws, w)
			}
		}
		return ws
	}
	for _, k := range relevanceQueries {
		for got, tries := 0, 0; got < k.n && tries < 100*k.n; tries++ {
			var ok bool
			switch k.kind {
			case "common word":
				ok = word(k.kind, 20, 400, 1, n)
			case "mid-frequency word":
				ok = word(k.kind, 1000, 5000, 1, n)
			case "rare word":
				ok = word(k.kind, 8000, len(vocab), 1, max(20, n/1000))
			case "two words":
				ws := docWords()
				a, b := ws[1+rng.IntN(len(ws)-1)], ws[1+rng.IntN(len(ws)-1)]
				if ix.stemOfRaw(a) != ix.stemOfRaw(b) {
					ok = add(refQuery{kind: k.kind, q: a + " " + b, parts: []refPart{{words: []string{a}}, {words: []string{b}}}})
				}
			case "phrase":
				ws := docWords()
				j := 1 + rng.IntN(len(ws)-2)
				if ix.stemOfRaw(ws[j]) != ix.stemOfRaw(ws[j+1]) {
					ok = add(refQuery{kind: k.kind, q: `"` + ws[j] + " " + ws[j+1] + `"`,
						parts: []refPart{{words: []string{ws[j], ws[j+1]}}}})
				}
			case "prefix":
				p := prefixes[rng.IntN(len(prefixes))]
				q := refQuery{kind: k.kind, q: p + "*", parts: []refPart{{words: []string{p}, prefix: true}}}
				if !seen[q.q] && len(ix.rank(q)) > 0 {
					ok = add(q)
				}
			}
			if ok {
				got++
			}
		}
	}
	return out
}

// docFreq returns, per term, how many documents hold it in any field.
func (ix *refIndex) docFreq() []int {
	df := make([]int, len(ix.stems))
	last := make([]int, len(ix.stems))
	for i := range last {
		last[i] = -1
	}
	for d := range ix.fields {
		for _, seq := range ix.fields[d] {
			for _, t := range seq {
				if last[t] != d {
					last[t] = d
					df[t]++
				}
			}
		}
	}
	return df
}

// zebraNewer is how many newer documents mention "zebra" once (issue 17).
const zebraNewer = 1_500

// runZebra builds issue 17's zebra library and reports where the old
// report comes for `zebra`, and whether the top 10 are the reference's.
func runZebra(ctx context.Context, h *harness, profile string) error {
	t, err := h.newTarget(ctx, profile)
	if err != nil {
		return err
	}
	defer t.remove()
	vocab := slices.DeleteFunc(slices.Clone(h.vocab), func(w string) bool {
		return strings.HasPrefix(w, "zebra") || operatorWords[w]
	})
	docs := make([]refDoc, zebraNewer+1)
	names := map[string]int{}
	for i := range docs {
		r := rand.New(rand.NewPCG(23, uint64(i)))
		zipf := rand.NewZipf(r, 1.07, 2, uint64(len(vocab)-1))
		words := make([]string, 400)
		for j := range words {
			words[j] = vocab[zipf.Uint64()]
		}
		zebras := 1
		name := fmt.Sprintf("field-note-%04d.txt", i)
		if i == 0 {
			zebras, name = 17, "zebra-migration-report.txt"
		}
		for _, j := range r.Perm(len(words))[:zebras] {
			words[j] = "zebra"
		}
		docs[i] = refDoc{name: name, body: strings.Join(words, " ") + "."}
		names[name] = i
	}
	lib, err := wire.Open(ctx, t.cfg, library.Deps{})
	if err != nil {
		return err
	}
	userID := lib.UserID()
	if err := lib.Close(); err != nil {
		return err
	}
	st, err := t.openStore(ctx)
	if err != nil {
		return err
	}
	loader, ok := st.(store.BulkLoader)
	if !ok {
		st.Close()
		return fmt.Errorf("the %s store cannot bulk-load documents", st.Backend())
	}
	backend := "localfs"
	if profile == profileServer {
		backend = "s3"
	}
	err = loader.LoadDocuments(ctx, func(yield func(store.BulkDocument) bool) {
		for i, d := range docs {
			id := uuid.NewString()
			sum := sha256.Sum256([]byte(id))
			created := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
			if !yield(store.BulkDocument{Document: store.Document{
				ID: id, UserID: userID, Filename: d.name,
				ObjectKey:   userID + "/" + id + "/" + uuid.NewString() + ".txt",
				ContentType: "text/plain; charset=utf-8", SizeBytes: int64(len(d.body)),
				SHA256: hex.EncodeToString(sum[:]), StorageBackend: backend,
				ExtractedText: d.body, Status: store.StatusReady, CreatedAt: created, UpdatedAt: created,
			}}) {
				return
			}
		}
	})
	st.Close()
	if err != nil {
		return fmt.Errorf("seed the zebra library: %w", err)
	}
	ix, err := buildRefIndex(ctx, profile, len(docs), func(i int) refDoc { return docs[i] }, nil, analyzerFor(profile))
	if err != nil {
		return err
	}
	q := refQuery{kind: "zebra", q: "zebra", parts: []refPart{{words: []string{"zebra"}}}}
	ref := ix.rank(q)
	srv, err := h.startServe(ctx, t, "--no-workers", "--no-watch")
	if err != nil {
		return err
	}
	const depth = 50
	got, err := apiTop(ctx, srv, &http.Client{Timeout: time.Minute}, q.q, depth, names)
	u, serr := srv.stop()
	if err != nil {
		return err
	}
	if serr != nil {
		return serr
	}
	same, _ := compareTop(got, ref, relevanceTop, scoreTolerance(profile))
	place := slices.Index(got, 0) + 1
	note := fmt.Sprintf("reference: the report is #%d; top %d identical to exhaustive: %t", slices.IndexFunc(ref, func(r refHit) bool { return r.doc == 0 })+1, relevanceTop, same)
	if place == 0 {
		place = depth + 1
		note = fmt.Sprintf("not in the first %d hits (shown as %d); ", depth, depth+1) + note
	}
	f := Figure{Scenario: "relevance", Profile: profile, Unit: "place",
		Measure:    fmt.Sprintf("zebra library (%s docs): place of the old report for zebra", count(len(docs))),
		Summary:    Summary{N: 1, Median: float64(place), P95: float64(place), Max: float64(place)},
		PeakRSSMiB: float64(u.MaxRSS) / (1 << 20), Note: note}
	f.check(goal{stat: "median", le: true, bound: 1, text: "#1"}, len(docs))
	h.add(f)
	return nil
}
