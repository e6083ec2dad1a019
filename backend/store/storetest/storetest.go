package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// Run runs the whole conformance suite against one driver. open must return
// a fresh, empty, migrated store for each subtest; the driver's test
// registers t.Cleanup to close it.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := [][]subtest{
		basicTests(),
		userTests(),
		accountTests(),
		userLookupTests(),
		documentTests(),
		createManyTests(),
		updateTests(),
		contentTests(),
		listingTests(),
		totalsTests(),
		cursorTests(),
		topicTests(),
		folderTests(),
		settingsTests(),
		robustnessTests(),
		jobTests(),
		searchTests(),
		similarTests(),
		classificationTests(),
		explainTests(),
		verifyTests(),
		bulkTests(),
		viewTests(),
		notifyTests(),
		shareTests(),
		isolationTests(),
	}
	for _, group := range groups {
		for _, st := range group {
			t.Run(st.name, func(t *testing.T) {
				st.fn(t, open(t))
			})
		}
	}
}

// subtest is one named check run against a fresh store.
type subtest struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

func basicTests() []subtest {
	return []subtest{
		{"Backend/Named", func(t *testing.T, s store.Store) {
			if s.Backend() == "" {
				t.Fatal("Backend() is empty")
			}
		}},
		{"Ping", func(t *testing.T, s store.Store) {
			if err := s.Ping(t.Context()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
		}},
	}
}

// fixture is a store plus helpers that fill it through the interface.
type fixture struct {
	t    *testing.T
	s    store.Store
	ctx  context.Context
	user store.User
	// base is a whole-second instant in the past every explicit time in a
	// test derives from, so the ordering expected by a test never depends
	// on a driver's time precision.
	base time.Time
}

func newFixture(t *testing.T, s store.Store) *fixture {
	t.Helper()
	u, err := s.DefaultUser(t.Context())
	if err != nil {
		t.Fatalf("DefaultUser: %v", err)
	}
	return &fixture{
		t:    t,
		s:    s,
		ctx:  t.Context(),
		user: u,
		base: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC),
	}
}

// otherUser creates a second user.
func (f *fixture) otherUser() store.User {
	f.t.Helper()
	u := store.User{ID: uuid.NewString(), Name: "other"}
	if err := f.s.CreateUser(f.ctx, &u); err != nil {
		f.t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// newDoc returns an unsaved document of user with a unique id and sha256.
func newDoc(user store.User, filename string) *store.Document {
	id := uuid.NewString()
	sum := sha256.Sum256([]byte(id))
	return &store.Document{
		ID:             id,
		UserID:         user.ID,
		Filename:       filename,
		ObjectKey:      user.ID + "/" + id + "/" + uuid.NewString() + ".pdf",
		ContentType:    "application/pdf",
		SizeBytes:      1024,
		SHA256:         hex.EncodeToString(sum[:]),
		StorageBackend: "localfs",
		Status:         store.StatusStored,
	}
}

// doc creates a document of the default user, letting edit change it first.
func (f *fixture) doc(filename string, edit func(d *store.Document)) store.Document {
	f.t.Helper()
	d := newDoc(f.user, filename)
	if edit != nil {
		edit(d)
	}
	if err := f.s.CreateDocument(f.ctx, d); err != nil {
		f.t.Fatalf("CreateDocument(%q): %v", filename, err)
	}
	return *d
}

// topic creates a topic of the default user.
func (f *fixture) topic(name string) store.Topic {
	f.t.Helper()
	tp := store.Topic{ID: uuid.NewString(), UserID: f.user.ID, Name: name, Color: "#336699"}
	if err := f.s.CreateTopic(f.ctx, &tp); err != nil {
		f.t.Fatalf("CreateTopic(%q): %v", name, err)
	}
	return tp
}

// folder creates a folder of the default user under parent (nil: root).
func (f *fixture) folder(name string, parent *string) store.Folder {
	f.t.Helper()
	fo := store.Folder{ID: uuid.NewString(), UserID: f.user.ID, ParentID: parent, Name: name}
	if err := f.s.CreateFolder(f.ctx, &fo); err != nil {
		f.t.Fatalf("CreateFolder(%q): %v", name, err)
	}
	return fo
}

// link replaces the topics of a document with user links to topics.
func (f *fixture) link(docID string, topics ...store.Topic) {
	f.t.Helper()
	links := make([]store.TopicLink, len(topics))
	for i, tp := range topics {
		links[i] = store.TopicLink{TopicID: tp.ID, Source: store.SourceUser, Confidence: 1}
	}
	if err := f.s.SetDocumentTopics(f.ctx, f.user.ID, docID, links); err != nil {
		f.t.Fatalf("SetDocumentTopics: %v", err)
	}
}

// get loads one document.
func (f *fixture) get(id string) store.Document {
	f.t.Helper()
	return f.getOf(f.user.ID, id)
}

// getOf returns one of userID's documents, failing the test when missing.
func (f *fixture) getOf(userID, id string) store.Document {
	f.t.Helper()
	d, err := f.s.Document(f.ctx, userID, id)
	if err != nil {
		f.t.Fatalf("Document(%s): %v", id, err)
	}
	return d
}

// list returns one page of the default user's documents.
func (f *fixture) list(filter store.DocumentFilter) store.DocumentPage {
	f.t.Helper()
	if filter.UserID == "" {
		filter.UserID = f.user.ID
	}
	p, err := f.s.Documents(f.ctx, filter)
	if err != nil {
		f.t.Fatalf("Documents(%+v): %v", filter, err)
	}
	return p
}

// topicCount returns a topic's DocumentCount as Topics reports it.
func (f *fixture) topicCount(id string) int {
	f.t.Helper()
	ts, err := f.s.Topics(f.ctx, f.user.ID)
	if err != nil {
		f.t.Fatalf("Topics: %v", err)
	}
	for _, tp := range ts {
		if tp.ID == id {
			return tp.DocumentCount
		}
	}
	f.t.Fatalf("topic %s not in Topics", id)
	return 0
}

// ids returns the ids of docs in order.
func ids(docs []store.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// sortedIDs returns the ids of docs in the order s promises.
func sortedIDs(docs []store.Document, s store.Sort) []string {
	ds := append([]store.Document(nil), docs...)
	less := func(a, b store.Document) bool {
		switch s {
		case store.SortOldest:
			if !a.CreatedAt.Equal(b.CreatedAt) {
				return a.CreatedAt.Before(b.CreatedAt)
			}
			return a.ID < b.ID
		case store.SortName:
			ka, kb := store.FoldKey(a.Filename), store.FoldKey(b.Filename)
			if ka != kb {
				return ka < kb
			}
			return a.ID < b.ID
		case store.SortSize:
			if a.SizeBytes != b.SizeBytes {
				return a.SizeBytes > b.SizeBytes
			}
			return a.ID > b.ID
		default: // newest
			if !a.CreatedAt.Equal(b.CreatedAt) {
				return a.CreatedAt.After(b.CreatedAt)
			}
			return a.ID > b.ID
		}
	}
	sort.Slice(ds, func(i, j int) bool { return less(ds[i], ds[j]) })
	return ids(ds)
}

// equalStrings reports whether a and b hold the same strings in order.
func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameSet reports whether a and b hold the same strings in any order.
func sameSet(a, b []string) bool {
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return equalStrings(x, y)
}

// closeTime fails unless got is within a second of want.
func closeTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if d := got.Sub(want); d > time.Second || d < -time.Second {
		t.Errorf("%s = %v, want %v (±1s)", what, got, want)
	}
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want one wrapping %q", what, err, target)
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
