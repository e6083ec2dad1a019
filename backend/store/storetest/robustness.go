package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func robustnessTests() []subtest {
	return []subtest{
		{"HostileFilenames", testHostileFilenames},
		{"Concurrent/DefaultUser", testConcurrentDefaultUser},
		{"Concurrent/SameSHA256", testConcurrentSameSHA},
		{"Concurrent/Writers", testConcurrentWriters},
		{"CancelledContext", testCancelledContext},
	}
}

// hostileNames returns filenames a user's disk or an upload may really
// carry. NUL is left out: no file system allows it in a name.
func hostileNames() []string {
	return []string{
		"invalid \xff\xfe utf-8 \xc3(.pdf",
		"control\x01\x07\t\n\r\x1b[31m\x7f.txt",
		"../x",
		"../../etc/passwd",
		`C:\Windows\system32\evil.dll`,
		"emoji 📄🧾👩‍👩‍👧.pdf",
		"rtl \u202egpj.exe",
		"'; DROP TABLE documents; --.pdf",
		"%_%\\*?[].txt",
		"   spaces   ",
		"\u00e9 vs e\u0301.txt",
	}
}

func testHostileFilenames(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	names := hostileNames()
	created := map[string]string{}
	for _, name := range names {
		created[f.doc(name, nil).ID] = name
	}
	for id, name := range created {
		if got := f.get(id).Filename; got != name {
			t.Errorf("Document filename = %q, want %q", got, name)
		}
	}
	p := f.list(store.DocumentFilter{Limit: 100})
	if len(p.Documents) != len(names) {
		t.Fatalf("listing has %d documents, want %d", len(p.Documents), len(names))
	}
	for _, d := range p.Documents {
		if d.Filename != created[d.ID] {
			t.Errorf("listed filename = %q, want %q", d.Filename, created[d.ID])
		}
	}

	d := f.doc("plain.pdf", nil)
	for _, name := range names {
		got, err := s.UpdateDocument(f.ctx, d.UserID, d.ID, store.DocumentPatch{Filename: &name})
		if err != nil {
			t.Fatalf("UpdateDocument(%q): %v", name, err)
		}
		if got.Filename != name || f.get(d.ID).Filename != name {
			t.Errorf("renamed filename = %q, want %q", got.Filename, name)
		}
	}

	emoji := f.list(store.DocumentFilter{Query: "🧾"})
	if len(emoji.Documents) != 1 || emoji.Documents[0].Filename != names[5] {
		t.Errorf("Query for an emoji found %d documents", len(emoji.Documents))
	}
}

func testConcurrentDefaultUser(t *testing.T, s store.Store) {
	const n = 16
	users := make([]store.User, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			users[i], errs[i] = s.DefaultUser(t.Context())
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || users[i].ID == "" || users[i].ID != users[0].ID {
			t.Errorf("first DefaultUser call %d = %q, %v; want one id for all (first %q)", i, users[i].ID, errs[i], users[0].ID)
		}
	}
}

func testConcurrentSameSHA(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	const n = 8
	sha := newDoc(f.user, "x").SHA256
	docs := make([]*store.Document, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		docs[i] = newDoc(f.user, fmt.Sprintf("copy %d.pdf", i))
		docs[i].SHA256 = sha
		wg.Go(func() {
			<-start
			errs[i] = s.CreateDocument(f.ctx, docs[i])
		})
	}
	close(start)
	wg.Wait()
	winner := ""
	for i, err := range errs {
		switch {
		case err == nil && winner == "":
			winner = docs[i].ID
		case err == nil:
			t.Errorf("two documents with the same sha256 were created: %s and %s", winner, docs[i].ID)
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("loser %d: err = %v, want ErrConflict", i, err)
		}
	}
	if winner == "" {
		t.Fatal("no CreateDocument won")
	}
	got, err := s.DocumentBySHA256(f.ctx, f.user.ID, sha)
	if err != nil || got.ID != winner {
		t.Errorf("DocumentBySHA256 = %s, %v; want the winner %s", got.ID, err, winner)
	}
}

func testConcurrentWriters(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	const workers, each = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				d := newDoc(f.user, fmt.Sprintf("w%d-%d.pdf", w, i))
				if err := s.CreateDocument(f.ctx, d); err != nil {
					errs <- fmt.Errorf("create: %w", err)
					continue
				}
				if err := s.SetDocumentTopics(f.ctx, d.UserID, d.ID, []store.TopicLink{
					{TopicID: tax.ID, Source: store.SourceClassifier, Confidence: 0.5},
				}); err != nil {
					errs <- fmt.Errorf("set topics: %w", err)
				}
				if _, err := s.UpdateDocument(f.ctx, d.UserID, d.ID, store.DocumentPatch{Status: ptr(store.StatusReady)}); err != nil {
					errs <- fmt.Errorf("update: %w", err)
				}
				if _, err := s.Documents(f.ctx, store.DocumentFilter{UserID: f.user.ID, Limit: 5}); err != nil {
					errs <- fmt.Errorf("list: %w", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p := f.list(store.DocumentFilter{Status: ptr(store.StatusReady), TopicID: ptr(tax.ID)})
	if p.Total != workers*each {
		t.Errorf("ready documents of the topic = %d, want %d", p.Total, workers*each)
	}
}

func testCancelledContext(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	existing := f.doc("present.pdf", nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	d := newDoc(f.user, "never.pdf")
	tp := store.Topic{ID: uuid.NewString(), UserID: f.user.ID, Name: "Never"}
	calls := map[string]func() error{
		"CreateDocument": func() error { return s.CreateDocument(ctx, d) },
		"Document":       func() error { _, err := s.Document(ctx, existing.UserID, existing.ID); return err },
		"Documents": func() error {
			_, err := s.Documents(ctx, store.DocumentFilter{UserID: f.user.ID})
			return err
		},
		"UpdateDocument": func() error {
			_, err := s.UpdateDocument(ctx, existing.UserID, existing.ID, store.DocumentPatch{Filename: ptr("changed")})
			return err
		},
		"CreateTopic":  func() error { return s.CreateTopic(ctx, &tp) },
		"Topics":       func() error { _, err := s.Topics(ctx, f.user.ID); return err },
		"SaveSettings": func() error { return s.SaveSettings(ctx, f.user.ID, map[string]string{"k": "v"}) },
		"Ping":         func() error { return s.Ping(ctx) },
	}
	for name, call := range calls {
		wantErr(t, name+" with a cancelled context", call(), context.Canceled)
	}
	if _, err := s.Document(f.ctx, d.UserID, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("document created under a cancelled context: %v", err)
	}
	if got := f.get(existing.ID).Filename; got != "present.pdf" {
		t.Errorf("document renamed under a cancelled context: %q", got)
	}
	if _, err := s.TopicByName(f.ctx, f.user.ID, "Never"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("topic created under a cancelled context: %v", err)
	}
}
