package sqlite

import (
	"cmp"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docsift/docsift/backend/store"
)

func TestMatchExpr(t *testing.T) {
	w := func(text string) store.SearchTerm { return store.SearchTerm{Text: text} }
	tree := func(e store.SearchExpr) store.SearchQuery { return store.SearchQuery{Text: &e} }
	cases := []struct {
		name string
		q    store.SearchQuery
		want string
	}{
		{"words", store.SearchQuery{Must: [][]store.SearchTerm{{w("a")}, {w("b")}}}, `("a" AND "b")`},
		{"or", store.SearchQuery{Must: [][]store.SearchTerm{{w("a"), w("b")}}}, `("a" OR "b")`},
		{"not", store.SearchQuery{Must: [][]store.SearchTerm{{w("a")}}, Not: []store.SearchTerm{w("b"), w("c")}},
			`(("a") NOT ("b" OR "c"))`},
		{"phrase", store.SearchQuery{Must: [][]store.SearchTerm{{{Text: "a b", Phrase: true}}}}, `"a b"`},
		{"prefix", store.SearchQuery{Must: [][]store.SearchTerm{{{Text: "inv", Prefix: true}}}}, `"inv"*`},
		{"words in one term", store.SearchQuery{Must: [][]store.SearchTerm{{w("a b")}}}, `("a" AND "b")`},
		{"quotes doubled", store.SearchQuery{Must: [][]store.SearchTerm{{w(`say "hi"`)}}}, `("say" AND """hi""")`},
		{"syntax is data", store.SearchQuery{Must: [][]store.SearchTerm{{w(`NEAR(a`)}, {w(`x:y*`)}, {w("-z^")}}},
			`("NEAR(a" AND "x:y*" AND "-z^")`},
		{"empty terms dropped", store.SearchQuery{Must: [][]store.SearchTerm{{w("*"), w("a")}, {w("b")}},
			Not: []store.SearchTerm{w(`"`)}}, `("a" AND "b")`},
		{"NUL and bad UTF-8", store.SearchQuery{Must: [][]store.SearchTerm{{w("a\x00b\xff")}}}, `("a" AND "b")`},
		{"name scope", tree(store.Term(store.SearchTerm{Text: "inv", Prefix: true, Field: store.FieldName})), `(name : "inv"*)`},
		{"text scope", tree(store.Term(store.SearchTerm{Text: "a b", Field: store.FieldText})), `(body : ("a" AND "b"))`},
		{"nested", tree(store.And(store.Or(store.Term(w("a")), store.And(store.Term(w("b")), store.Not(store.Term(w("c"))))),
			store.Not(store.Or(store.Term(w("d")), store.Term(w("e")))))),
			`((("a" OR (("b") NOT ("c")))) NOT (("d" OR "e")))`},
		{"double negation", tree(store.And(store.Term(w("a")), store.Not(store.Not(store.Term(w("b")))))), `("a" AND "b")`},
	}
	for _, tc := range cases {
		shape, got, err := matchExpr(tc.q, nil)
		if err != nil || shape != store.ShapeMatch || got != tc.want {
			t.Errorf("%s: matchExpr = %v %s, %v; want %s", tc.name, shape, got, err, tc.want)
		}
	}
	for _, c := range []struct {
		q    store.SearchQuery
		want store.Shape
	}{
		{store.SearchQuery{}, store.ShapeAll},
		{store.SearchQuery{Must: [][]store.SearchTerm{{w("📄")}, {w(" ")}}}, store.ShapeNone},
		{store.SearchQuery{Must: [][]store.SearchTerm{{w("a")}, {w("--")}}}, store.ShapeNone},
		{store.SearchQuery{Not: []store.SearchTerm{w("a")}}, store.ShapeExclude},
		{store.SearchQuery{Not: []store.SearchTerm{w("--")}}, store.ShapeAll},
		{tree(store.Not(store.Or(store.Term(w("a")), store.Term(w("b"))))), store.ShapeExclude},
	} {
		if shape, got, err := matchExpr(c.q, nil); err != nil || shape != c.want {
			t.Errorf("matchExpr(%+v) = %v %s %v, want shape %v", c.q, shape, got, err, c.want)
		}
	}
}

// TestSearchBackfill stores documents with the schema before search, then
// opens the file with every migration: what was there is found.
func TestSearchBackfill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docsift.db")
	first, err := fs.ReadFile(migrationFiles, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	old, err := open(t.Context(), path, fstest.MapFS{"migrations/0001_init.sql": {Data: first}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	u, err := old.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tp := store.Topic{UserID: u.ID, Name: "Insurance"}
	if err := old.CreateTopic(ctx, &tp); err != nil {
		t.Fatal(err)
	}
	// Stored and linked with SQL of the 0001 schema: today's
	// CreateDocument and SetDocumentTopics touch columns and tables later
	// migrations add.
	d := store.Document{ID: "d1", UserID: u.ID}
	if _, err := old.w.ExecContext(ctx, `INSERT INTO documents (id, user_id, filename, filename_key, object_key,
			content_type, size_bytes, sha256, storage_backend, page_count, status, error, created_at, updated_at)
		VALUES (?, ?, 'Policy.pdf', 'policy.pdf', 'k', 'application/pdf', 0, 'x', 'localfs', 0, 'stored', '', 1, 1)`,
		d.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := old.w.ExecContext(ctx, `INSERT INTO document_texts (document_id, body) VALUES (?, 'the café pays')`, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := old.w.ExecContext(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence)
		VALUES (?, ?, 'user', 1)`, d.ID, tp.ID); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, path)
	for _, word := range []string{"policy", "cafe", "insurance"} {
		p, err := s.Search(ctx, store.SearchQuery{Filter: store.DocumentFilter{UserID: u.ID},
			Must: [][]store.SearchTerm{{{Text: word}}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Hits) != 1 || p.Hits[0].Document.ID != d.ID {
			t.Errorf("Search(%s) after the migration = %d hits, want the old document", word, len(p.Hits))
		}
	}
	checkSearchIndex(t, s)
}

// checkSearchIndex fails unless the FTS5 index is sound and holds exactly
// one row per document, with the name, text and topic names the tables
// hold now.
func checkSearchIndex(t *testing.T, s *Store) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.w.ExecContext(ctx, `INSERT INTO search (search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("FTS5 integrity-check: %v", err)
	}
	var drift int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (
		SELECT sr.seq, d.filename, coalesce(x.body, ''),
			coalesce((SELECT group_concat(t.name, ' ' ORDER BY t.name_key, t.id)
				FROM document_topics dt JOIN topics t ON t.id = dt.topic_id
				WHERE dt.document_id = d.id), '')
		FROM documents d
			LEFT JOIN search_rows sr ON sr.document_id = d.id AND sr.user_id = d.user_id
				AND sr.folder_id IS d.folder_id AND sr.status = d.status
				AND sr.content_type = d.content_type AND sr.created_at = d.created_at
			LEFT JOIN document_texts x ON x.document_id = d.id
		EXCEPT SELECT rowid, name, body, topics FROM search
		UNION ALL
		SELECT rowid, name, body, topics FROM search WHERE rowid NOT IN (SELECT seq FROM search_rows)
		UNION ALL
		SELECT seq, document_id, '', '' FROM search_rows WHERE document_id NOT IN (SELECT id FROM documents))`).Scan(&drift); err != nil {
		t.Fatal(err)
	}
	if drift != 0 {
		t.Errorf("the search index differs from the tables in %d rows", drift)
	}
}

// TestSearchIndexNeverDrifts changes everything the index mirrors, through
// the store, and compares the index with the tables after each step.
func TestSearchIndexNeverDrifts(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	topic := func(name string) store.Topic {
		tp := store.Topic{UserID: u.ID, Name: name}
		if err := s.CreateTopic(ctx, &tp); err != nil {
			t.Fatal(err)
		}
		return tp
	}
	link := func(docID string, tps ...store.Topic) {
		var links []store.TopicLink
		for _, tp := range tps {
			links = append(links, store.TopicLink{TopicID: tp.ID, Source: store.SourceClassifier, Confidence: 0.5})
		}
		if err := s.SetDocumentTopics(ctx, u.ID, docID, links); err != nil {
			t.Fatal(err)
		}
	}
	var docs []store.Document
	for i, text := range []string{"", "first text", "second text"} {
		d := store.Document{UserID: u.ID, Filename: fmt.Sprintf("doc %d.pdf", i), SHA256: fmt.Sprint(i),
			ObjectKey: fmt.Sprint("k", i), ContentType: "application/pdf", StorageBackend: "localfs", ExtractedText: text}
		if err := s.CreateDocument(ctx, &d, store.Job{Kind: "extract"}); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	checkSearchIndex(t, s)
	a, b := topic("Alpha"), topic("Beta")
	link(docs[0].ID, a, b)
	link(docs[1].ID, b)
	checkSearchIndex(t, s)
	update := func(id string, p store.DocumentPatch) {
		if _, err := s.UpdateDocument(ctx, u.ID, id, p); err != nil {
			t.Fatal(err)
		}
	}
	update(docs[0].ID, store.DocumentPatch{ExtractedText: ptrTo("now with text"), Filename: ptrTo("renamed.pdf")})
	update(docs[1].ID, store.DocumentPatch{ExtractedText: ptrTo("")})
	update(docs[2].ID, store.DocumentPatch{Status: ptrTo(store.StatusReady)})
	checkSearchIndex(t, s)
	fo := store.Folder{UserID: u.ID, Name: "Archive"}
	if err := s.CreateFolder(ctx, &fo); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveDocuments(ctx, u.ID, []string{docs[1].ID, docs[2].ID}, &fo.ID); err != nil {
		t.Fatal(err)
	}
	link(docs[1].ID, b) // unchanged
	link(docs[1].ID, a) // changed
	checkSearchIndex(t, s)
	if err := s.DeleteFolder(ctx, fo.UserID, fo.ID, true); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
	a.Name = "Alphabet"
	if err := s.UpdateTopic(ctx, a); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
	if err := s.DeleteTopic(ctx, b.UserID, b.ID); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
	jobs, err := s.ClaimJobs(ctx, store.Claim{Owner: "w", Limit: 10, Lease: time.Minute})
	if err != nil || len(jobs) != 3 {
		t.Fatalf("ClaimJobs = %d, %v", len(jobs), err)
	}
	if err := s.FinishJob(ctx, store.JobOutcome{JobID: jobs[2].ID, Owner: "w",
		Document: store.DocumentPatch{ExtractedText: ptrTo("from the job"), Status: ptrTo(store.StatusReady)}}); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
	if err := s.DeleteDocument(ctx, docs[0].UserID, docs[0].ID); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
	var rows int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM search`).Scan(&rows); err != nil || rows != 2 {
		t.Errorf("index rows = %d, %v; want 2", rows, err)
	}
}

// ptrTo returns a pointer to v.
func ptrTo[T any](v T) *T { return &v }

// TestSearchPlansPastTheLimits shrinks the tuning so that a few documents
// reach every plan: ByDate pages by walking the documents and an estimated
// total; relevance ranks every match whatever the tuning.
func TestSearchPlansPastTheLimits(t *testing.T) {
	s := openTemp(t)
	s.tune = searchTuning{exactTotalUpTo: 5, walkAbove: 2}
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var docs []store.Document
	for i := range 12 {
		text := "owl"
		if i == 0 {
			text = "owl owl owl owl owl" // the best match, but the oldest
		}
		status := store.StatusReady
		if i%3 == 0 {
			status = store.StatusFailed
		}
		d := store.Document{UserID: u.ID, Filename: fmt.Sprintf("%c.txt", 'z'-i), SHA256: fmt.Sprint(i),
			ObjectKey: fmt.Sprint("k", i), ContentType: "text/plain", StorageBackend: "localfs",
			ExtractedText: text, Status: status, SizeBytes: int64(100 - i),
			CreatedAt: base.Add(time.Duration((i*5)%12) * time.Hour)} // not in insertion order
		if err := s.CreateDocument(ctx, &d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	search := func(q store.SearchQuery) store.SearchPage {
		t.Helper()
		q.Filter.UserID = u.ID
		q.Must = [][]store.SearchTerm{{{Text: "owl"}}}
		p, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	p := search(store.SearchQuery{Filter: store.DocumentFilter{Limit: 2}})
	if !p.TotalIsEstimate || p.Total != 12 {
		t.Errorf("Total = %d (estimate %v), want an estimate of 12", p.Total, p.TotalIsEstimate)
	}
	if len(p.Hits) != 2 || p.Hits[0].Document.ID != docs[0].ID {
		t.Errorf("relevance: %d hits, first %s; want 2, the oldest (best) match first",
			len(p.Hits), p.Hits[0].Document.Filename)
	}
	if p := search(store.SearchQuery{}); len(p.Hits) != 12 || p.Hits[0].Document.ID != docs[0].ID {
		t.Errorf("relevance, every hit: first %s, want the best match", p.Hits[0].Document.Filename)
	}
	if p := search(store.SearchQuery{Filter: store.DocumentFilter{Limit: 1, Offset: 11}}); len(p.Hits) != 1 {
		t.Errorf("deep relevance page: %d hits, want 1", len(p.Hits))
	}

	for _, sort := range []store.Sort{store.SortNewest, store.SortOldest, store.SortName, store.SortSize} {
		for _, status := range []*store.Status{nil, ptrTo(store.StatusReady)} {
			var want []store.Document
			for _, d := range docs {
				if status == nil || d.Status == *status {
					want = append(want, d)
				}
			}
			wantIDs := sortDocs(want, sort)
			var got []string
			for off := 0; off < len(want); off += 4 {
				p := search(store.SearchQuery{ByDate: true,
					Filter: store.DocumentFilter{Sort: sort, Status: status, Limit: 4, Offset: off}})
				for _, h := range p.Hits {
					got = append(got, h.Document.ID)
					if h.Rank <= 0 || h.Snippet == "" {
						t.Errorf("ByDate hit %s: rank %v, snippet %q", h.Document.Filename, h.Rank, h.Snippet)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
				t.Errorf("ByDate sort %s status %v: walked %v, want %v", sort, status, got, wantIDs)
			}
		}
	}
}

// sortDocs returns the ids of docs in the order of s.
func sortDocs(docs []store.Document, s store.Sort) []string {
	ds := slices.Clone(docs)
	slices.SortFunc(ds, func(a, b store.Document) int {
		var c int
		switch s {
		case store.SortOldest:
			c = a.CreatedAt.Compare(b.CreatedAt)
		case store.SortName:
			c = strings.Compare(store.FoldKey(a.Filename), store.FoldKey(b.Filename))
		case store.SortSize:
			c = -cmp.Compare(a.SizeBytes, b.SizeBytes)
		default:
			c = -a.CreatedAt.Compare(b.CreatedAt)
		}
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
			if s != store.SortOldest && s != store.SortName {
				c = -c
			}
		}
		return c
	})
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// TestSearchTotalOfARelevancePage: a relevance page's total is exact up to
// exactTotalUpTo (with and without a filter), an estimate past it.
func TestSearchTotalOfARelevancePage(t *testing.T) {
	s := openTemp(t)
	s.tune = searchTuning{exactTotalUpTo: 6, walkAbove: 100}
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// heron in 5 documents, kite in 7; every other document failed.
	for i := range 9 {
		var words []string
		if i < 5 {
			words = append(words, "heron")
		}
		if i >= 2 {
			words = append(words, "kite")
		}
		status := store.StatusReady
		if i%2 == 1 {
			status = store.StatusFailed
		}
		addText(t, s, u.ID, fmt.Sprintf("d%d.txt", i), strings.Join(words, " "), status)
	}
	for _, tc := range []struct {
		word     string
		status   *store.Status
		total    int
		estimate bool
	}{
		{"heron", nil, 5, false},
		{"heron", ptrTo(store.StatusReady), 3, false}, // d0 d2 d4
		{"kite", ptrTo(store.StatusReady), 4, false},  // d2 d4 d6 d8
		{"kite", nil, 9, true},                        // 7 > exactTotalUpTo: 7 hits among the newest 7 of 9 keys, extrapolated
	} {
		p, err := s.Search(ctx, store.SearchQuery{Must: [][]store.SearchTerm{{{Text: tc.word}}},
			Filter: store.DocumentFilter{UserID: u.ID, Status: tc.status, Limit: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != tc.total || p.TotalIsEstimate != tc.estimate {
			t.Errorf("%s (status %v): total %d (estimate %v), want %d (estimate %v)",
				tc.word, tc.status, p.Total, p.TotalIsEstimate, tc.total, tc.estimate)
		}
	}
}

// TestSnippetsMatchFTS5 checks the snippets Search marks in Go against
// FTS5's own highlight() of the same rows, for every kind of term, a topic
// filter and a NOT; and that a text that is not valid UTF-8 is still
// marked (by FTS5).
func TestSnippetsMatchFTS5(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tp := store.Topic{UserID: u.ID, Name: "Heron Watch"}
	if err := s.CreateTopic(ctx, &tp); err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"The herons were nesting; a Heron nests by the river, and HERONS' nests are big.",
		"Kites and a heron: the kite flew, kites fly. Résumé of the flight, resume later.",
		"Flying kites near the heron colony is forbidden — forbidding kites, heronries.",
		"caf\xe9 heron \xff bytes that are not UTF-8 around a heron",
	}
	for i, text := range texts {
		d := addText(t, s, u.ID, fmt.Sprintf("d%d.txt", i), text, store.StatusReady)
		if i == 1 {
			if err := s.SetDocumentTopics(ctx, d.UserID, d.ID, []store.TopicLink{{TopicID: tp.ID, Source: store.SourceUser}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	term := func(text string) store.SearchTerm { return store.SearchTerm{Text: text} }
	for _, q := range []store.SearchQuery{
		{Must: [][]store.SearchTerm{{term("heron")}}},
		{Must: [][]store.SearchTerm{{term("nesting herons")}}},
		{Must: [][]store.SearchTerm{{{Text: "the kite", Phrase: true}}}},
		{Must: [][]store.SearchTerm{{{Text: "kit", Prefix: true}}}},
		{Must: [][]store.SearchTerm{{term("resume")}, {term("kites"), term("river")}}},
		{Must: [][]store.SearchTerm{{term("heron")}}, Not: []store.SearchTerm{term("river")}},
		{Must: [][]store.SearchTerm{{term("kites")}}, Filter: store.DocumentFilter{TopicID: &tp.ID}},
	} {
		q.Filter.UserID = u.ID
		q.Filter.Limit = 10
		p, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Hits) == 0 {
			t.Errorf("%v: no hits", q.Must)
		}
		for _, h := range p.Hits {
			var marked string
			_, match, _ := matchExpr(q, nil)
			err := s.r.QueryRowContext(ctx, `SELECT highlight(search, 1, ?, ?) FROM search
				WHERE search MATCH ? AND rowid = (SELECT seq FROM search_rows WHERE document_id = ?)`,
				store.HighlightStart, store.HighlightEnd, match, h.Document.ID).Scan(&marked)
			if err != nil {
				t.Fatal(err)
			}
			if want := excerpt(marked); h.Snippet != want {
				t.Errorf("%v in %s:\n got %q\nwant %q", q.Must, h.Document.Filename, h.Snippet, want)
			}
			if !strings.Contains(h.Snippet, store.HighlightStart) {
				t.Errorf("%v in %s: nothing marked in %q", q.Must, h.Document.Filename, h.Snippet)
			}
		}
	}
}

// TestSnippetsOfLongTexts: a long text is marked up to snippetScan when
// its start holds a match, and as a whole when only its end does.
func TestSnippetsOfLongTexts(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	filler := strings.Repeat("plain words of filler text go on and on here. ", 4*snippetScan/46)
	texts := map[string]string{
		"early.txt": "An osprey nests early. " + filler + " The osprey again, far past the cut.",
		"late.txt":  filler + " Only here an osprey, past the cut. " + filler,
		"edge.txt":  filler[:snippetScan-40] + " osprey " + filler,
	}
	for name, text := range texts {
		addText(t, s, u.ID, name, text, store.StatusReady)
	}
	p, err := s.Search(ctx, store.SearchQuery{Must: [][]store.SearchTerm{{{Text: "osprey"}}},
		Filter: store.DocumentFilter{UserID: u.ID, Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Hits) != len(texts) {
		t.Fatalf("%d hits, want %d", len(p.Hits), len(texts))
	}
	mark := store.HighlightStart + "osprey" + store.HighlightEnd
	for _, h := range p.Hits {
		sn := h.Snippet
		if !strings.Contains(sn, mark) || !strings.HasSuffix(sn, " …") {
			t.Errorf("%s: snippet %q, want osprey marked and the text going on", h.Document.Filename, sn)
		}
		if h.Document.Filename == "late.txt" && !strings.Contains(sn, "Only here an") {
			t.Errorf("late.txt: snippet %q, want the match past the cut", sn)
		}
	}
}

// addText stores a text document of the user's with the given name (also
// its hash and key), text and status.
func addText(t *testing.T, s *Store, userID, name, text string, status store.Status) store.Document {
	t.Helper()
	d := store.Document{UserID: userID, Filename: name, SHA256: name, ObjectKey: name, ContentType: "text/plain",
		StorageBackend: "localfs", ExtractedText: text, Status: status}
	if err := s.CreateDocument(t.Context(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}
