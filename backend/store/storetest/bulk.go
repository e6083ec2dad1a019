package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// bulkTests check store.BulkLoader: what it loads reads back, lists,
// counts and searches exactly as the same documents created one by one.
func bulkTests() []subtest {
	return []subtest{
		{"Bulk/SameAsOneByOne", testBulkSameAsOneByOne},
		{"Bulk/Conflict", testBulkConflict},
		{"Bulk/ForeignTopic", testBulkForeignTopic},
	}
}

// bulkLoader returns s as a store.BulkLoader, or fails the test.
func bulkLoader(t *testing.T, s store.Store) store.BulkLoader {
	t.Helper()
	b, ok := s.(store.BulkLoader)
	if !ok {
		t.Fatalf("the %s driver does not implement store.BulkLoader", s.Backend())
	}
	return b
}

// bulkWords give every bulk document a few words of its own and shared
// ones, so searches find some documents and not others.
var bulkWords = []string{"invoice", "contract", "receipt", "letter", "manual", "insurance"}

// bulkUser is one user's side of the comparison: its topics and folder by
// name.
type bulkUser struct {
	user   store.User
	topics []store.Topic
	folder store.Folder
}

// bulkSetup creates the same topics and folder for u.
func bulkSetup(t *testing.T, s store.Store, u store.User) bulkUser {
	t.Helper()
	b := bulkUser{user: u}
	for _, name := range []string{"Alpha", "beta", "Gamma"} {
		tp := store.Topic{ID: uuid.NewString(), UserID: u.ID, Name: name, Color: "#336699"}
		if err := s.CreateTopic(t.Context(), &tp); err != nil {
			t.Fatalf("CreateTopic: %v", err)
		}
		b.topics = append(b.topics, tp)
	}
	b.folder = store.Folder{ID: uuid.NewString(), UserID: u.ID, Name: "archive"}
	if err := s.CreateFolder(t.Context(), &b.folder); err != nil {
		t.Fatalf("CreateFolder: %v", err)
	}
	return b
}

// bulkDoc is document i of u: text (none for every fifth), topics (none
// for every fourth; one link given twice, the last winning), a folder
// for every third, statuses and times that vary.
func (b bulkUser) bulkDoc(base time.Time, i int) store.BulkDocument {
	d := newDoc(b.user, fmt.Sprintf("Bulk Ünïcode %02d.pdf", i))
	d.SizeBytes = int64(1000 + i)
	d.Status = store.StatusReady
	if i%7 == 6 {
		d.Status = store.StatusFailed
		d.Error = "could not read page 2"
	}
	if i%5 != 0 {
		d.ExtractedText = fmt.Sprintf("%s number%02d about %s and café %s",
			bulkWords[i%len(bulkWords)], i, bulkWords[(i+2)%len(bulkWords)], strings.Repeat("filler ", i))
		d.PageCount = 1 + i%3
		d.Language = "en"
	}
	if i%3 == 0 {
		d.FolderID = &b.folder.ID
	}
	d.CreatedAt = base.Add(time.Duration(i) * time.Minute)
	d.UpdatedAt = d.CreatedAt.Add(time.Second)
	var links []store.TopicLink
	if i%4 != 0 {
		tp := b.topics[i%len(b.topics)]
		links = append(links,
			store.TopicLink{TopicID: tp.ID, Source: store.SourceUser, Confidence: 0.1},
			store.TopicLink{TopicID: tp.ID, Source: store.SourceClassifier, Confidence: 0.875})
		if i%2 == 0 {
			links = append(links, store.TopicLink{TopicID: b.topics[(i+1)%len(b.topics)].ID, Source: store.SourceRule, Confidence: 1})
		}
	}
	return store.BulkDocument{Document: *d, Links: links}
}

func testBulkSameAsOneByOne(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	loader := bulkLoader(t, s)
	bulk, single := bulkSetup(t, s, f.user), bulkSetup(t, s, f.otherUser())
	const n = 23
	var docs []store.BulkDocument
	for i := range n {
		docs = append(docs, bulk.bulkDoc(f.base, i))
		one := single.bulkDoc(f.base, i)
		if err := s.CreateDocument(f.ctx, &one.Document); err != nil {
			t.Fatalf("CreateDocument: %v", err)
		}
		if len(one.Links) > 0 {
			if err := s.SetDocumentTopics(f.ctx, one.Document.UserID, one.Document.ID, one.Links); err != nil {
				t.Fatalf("SetDocumentTopics: %v", err)
			}
		}
	}
	if err := loader.LoadDocuments(f.ctx, slices.Values(docs)); err != nil {
		t.Fatalf("LoadDocuments: %v", err)
	}

	// Every view of the two users' libraries must read the same, once the
	// ids that differ (documents, topics, folders, users) are taken out.
	view := func(u bulkUser) []string {
		var out []string
		lists := map[string]store.DocumentFilter{
			"all":      {UserID: u.user.ID, Sort: store.SortOldest, Limit: 100},
			"by name":  {UserID: u.user.ID, Sort: store.SortName, Limit: 100},
			"by size":  {UserID: u.user.ID, Sort: store.SortSize, Limit: 7},
			"folder":   {UserID: u.user.ID, FolderID: &u.folder.ID, Limit: 100},
			"unfiled":  {UserID: u.user.ID, Unfiled: true, Limit: 100},
			"inbox":    {UserID: u.user.ID, Inbox: true, Limit: 100},
			"filename": {UserID: u.user.ID, Query: "ünïcode 1", Limit: 100},
		}
		for _, tp := range u.topics {
			lists["topic "+tp.Name] = store.DocumentFilter{UserID: u.user.ID, TopicID: &tp.ID, Limit: 100}
		}
		for _, name := range sortedKeys(lists) {
			p, err := s.Documents(f.ctx, lists[name])
			if err != nil {
				t.Fatalf("Documents(%s): %v", name, err)
			}
			out = append(out, fmt.Sprintf("list %s: total %d", name, p.Total))
			for _, d := range p.Documents {
				out = append(out, "  "+bulkDescribe(d))
			}
		}
		topics, err := s.Topics(f.ctx, u.user.ID)
		if err != nil {
			t.Fatalf("Topics: %v", err)
		}
		for _, tp := range topics {
			out = append(out, fmt.Sprintf("topic %s: %d documents", tp.Name, tp.DocumentCount))
		}
		count, err := s.FolderDocumentCount(f.ctx, u.folder.UserID, u.folder.ID)
		if err != nil {
			t.Fatalf("FolderDocumentCount: %v", err)
		}
		out = append(out, fmt.Sprintf("folder: %d documents", count))
		all, err := s.Documents(f.ctx, store.DocumentFilter{UserID: u.user.ID, Sort: store.SortOldest, Limit: 100})
		if err != nil {
			t.Fatalf("Documents: %v", err)
		}
		for _, d := range all.Documents {
			full, err := s.Document(f.ctx, d.UserID, d.ID)
			if err != nil {
				t.Fatalf("Document: %v", err)
			}
			out = append(out, fmt.Sprintf("text %s: %q (%d pages, %q)", full.Filename, full.ExtractedText, full.PageCount, full.Language))
		}
		sr := searcher(t, s)
		queries := map[string][][]store.SearchTerm{
			"invoice":        {{{Text: "invoice"}}},
			"cafe":           {{{Text: "cafe"}}},
			"receipts":       {{{Text: "receipts"}}},
			"alpha (topic)":  {{{Text: "alpha"}}},
			"gamma or beta":  {{{Text: "gamma"}, {Text: "beta"}}},
			"unicode (name)": {{{Text: "unicode"}}},
			"number1*":       {{{Text: "number1", Prefix: true}}},
			"phrase":         {{{Text: "contract number01", Phrase: true}}},
		}
		for _, name := range sortedKeys(queries) {
			p, err := sr.Search(f.ctx, store.SearchQuery{Filter: store.DocumentFilter{UserID: u.user.ID, Limit: 100}, Must: queries[name]})
			if err != nil {
				t.Fatalf("Search(%s): %v", name, err)
			}
			var hits []string
			for _, h := range p.Hits {
				hits = append(hits, h.Document.Filename)
			}
			slices.Sort(hits)
			out = append(out, fmt.Sprintf("search %s: total %d %v", name, p.Total, hits))
		}
		return out
	}
	got, want := view(bulk), view(single)
	if len(got) < 3*n {
		t.Fatalf("too little to compare: %v", got)
	}
	if !slices.Equal(got, want) {
		for i := range max(len(got), len(want)) {
			g, w := "", ""
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("loaded:  %s\ncreated: %s", g, w)
			}
		}
	}
}

// bulkDescribe is a listed document without its ids.
func bulkDescribe(d store.Document) string {
	var topics []string
	for _, tp := range d.Topics {
		topics = append(topics, fmt.Sprintf("%s/%s/%.3f", tp.Name, tp.Source, tp.Confidence))
	}
	return fmt.Sprintf("%s %s %d %s %q %v folder=%v %s %s %v",
		d.Filename, d.ContentType, d.SizeBytes, d.Status, d.Error, d.StorageBackend, d.FolderID != nil,
		d.CreatedAt.UTC().Format(time.RFC3339Nano), d.UpdatedAt.UTC().Format(time.RFC3339Nano), topics)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func testBulkConflict(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	b := bulkSetup(t, s, f.user)
	first, second := b.bulkDoc(f.base, 1), b.bulkDoc(f.base, 2)
	second.Document.SHA256 = first.Document.SHA256
	err := bulkLoader(t, s).LoadDocuments(f.ctx, slices.Values([]store.BulkDocument{first, second}))
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("LoadDocuments with a duplicate sha256: %v, want ErrConflict", err)
	}
	if p := f.list(store.DocumentFilter{}); p.Total != 0 {
		t.Errorf("after a failed batch %d documents are listed, want none", p.Total)
	}
}

func testBulkForeignTopic(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	mine, theirs := bulkSetup(t, s, f.user), bulkSetup(t, s, f.otherUser())
	d := mine.bulkDoc(f.base, 1)
	d.Links = []store.TopicLink{{TopicID: theirs.topics[0].ID, Source: store.SourceUser, Confidence: 1}}
	err := bulkLoader(t, s).LoadDocuments(f.ctx, slices.Values([]store.BulkDocument{mine.bulkDoc(f.base, 2), d}))
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("LoadDocuments linking another user's topic: %v, want ErrNotFound", err)
	}
	if p := f.list(store.DocumentFilter{}); p.Total != 0 {
		t.Errorf("after a failed batch %d documents are listed, want none", p.Total)
	}
	ts, err := s.Topics(f.ctx, theirs.user.ID)
	if err != nil {
		t.Fatalf("Topics: %v", err)
	}
	for _, tp := range ts {
		if tp.DocumentCount != 0 {
			t.Errorf("the other user's topic %s counts %d documents, want 0", tp.Name, tp.DocumentCount)
		}
	}
}
