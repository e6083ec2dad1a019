package library_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// addUser creates another user in e's store and returns the library bound
// to them.
func addUser(t *testing.T, lib *library.Library, st store.Store, name string) *library.Library {
	t.Helper()
	u := store.User{ID: uuid.NewString(), Name: name}
	if err := st.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	ul, err := lib.As(context.Background(), u.ID)
	if err != nil {
		t.Fatalf("As(%s): %v", name, err)
	}
	if ul.UserID() != u.ID || ul.UserName() != name {
		t.Fatalf("As(%s) is bound to %s %q", name, ul.UserID(), ul.UserName())
	}
	return ul
}

// Two users of one library see, find and change only their own.
func TestAsKeepsUsersApart(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a := e.lib
		b := addUser(t, a, e.store, "Bea")

		if again, err := a.As(ctx, b.UserID()); err != nil || again != b {
			t.Errorf("As of the same user again = %p, %v; want the same library %p", again, err, b)
		}
		if self, err := b.As(ctx, a.UserID()); err != nil || self != a {
			t.Errorf("As of the root's user = %p, %v; want the root library", self, err)
		}
		if byName, err := a.AsName(ctx, "BEA"); err != nil || byName != b {
			t.Errorf("AsName(BEA) = %p, %v; want Bea's library", byName, err)
		}
		if _, err := a.As(ctx, uuid.NewString()); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("As of an unknown user: %v, want ErrNotFound", err)
		}

		body := "Quarterly zebra invoice from the savannah office."
		resA, err := a.Import(ctx, "a.txt", "", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		// The same bytes are a new document for B, not a duplicate of A's.
		resB, err := b.Import(ctx, "b.txt", "", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if resB.Duplicate || resB.Document.ID == resA.Document.ID {
			t.Fatalf("B's import of A's bytes = %+v; want B's own document", resB)
		}
		if key := e.key(t, resA.Document.ID); !strings.HasPrefix(key, a.UserID()+"/") {
			t.Errorf("A's object key %q does not start with A's id", key)
		}
		rowB, err := e.store.Document(ctx, b.UserID(), resB.Document.ID)
		if err != nil || !strings.HasPrefix(rowB.ObjectKey, b.UserID()+"/") {
			t.Errorf("B's object key %q (%v) does not start with B's id", rowB.ObjectKey, err)
		}

		if _, err := b.Document(ctx, resA.Document.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("B reads A's document: %v, want ErrNotFound", err)
		}
		if _, err := b.Rename(ctx, resA.Document.ID, "mine.txt"); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("B renames A's document: %v, want ErrNotFound", err)
		}
		if err := b.Delete(ctx, resA.Document.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("B deletes A's document: %v, want ErrNotFound", err)
		}
		for _, lib := range []*library.Library{a, b} {
			p, err := lib.Documents(ctx, library.Filter{})
			if err != nil || p.Total != 1 {
				t.Errorf("%s lists %d documents (%v), want their one", lib.UserName(), p.Total, err)
			}
		}

		topicA, err := a.CreateTopic(ctx, library.TopicInput{Name: "Invoices"})
		if err != nil {
			t.Fatal(err)
		}
		// The same name is free for B.
		topicB, err := b.CreateTopic(ctx, library.TopicInput{Name: "Invoices"})
		if err != nil {
			t.Fatalf("B creates a topic named like A's: %v", err)
		}
		if _, err := b.SetTopics(ctx, resA.Document.ID, []string{"Invoices"}); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("B re-topics A's document: %v, want ErrNotFound", err)
		}
		d, err := b.SetTopics(ctx, resB.Document.ID, []string{"invoices"})
		if err != nil || len(d.Topics) != 1 || d.Topics[0].TopicID != topicB.ID {
			t.Fatalf("B's document topics = %+v, %v; want B's own Invoices", d.Topics, err)
		}
		if ts, err := a.Topics(ctx); err != nil || len(ts) != 1 || ts[0].ID != topicA.ID || ts[0].DocumentCount != 0 {
			t.Errorf("A's topics = %+v, %v; want A's Invoices, unused", ts, err)
		}

		aModel := "a-model"
		sa, err := a.UpdateSettings(ctx, library.SettingsPatch{AIModel: &aModel})
		if err != nil {
			t.Fatal(err)
		}
		sb, err := b.Settings(ctx)
		if err != nil || sb.AIModel == sa.AIModel {
			t.Errorf("B's settings = %+v, %v; A's model leaked", sb, err)
		}
	})
}

// The workers of the root library run every user's jobs, each with its
// owner's topics and classifier, and the events they send name the owner.
func TestWorkersRunEachUsersJobsAsTheirOwner(t *testing.T) {
	st, bs, dir := teststores.Local(t)
	bus := events.New()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir,
		Extractors: testlib.Extractors, Bus: bus})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	sub := bus.Subscribe(1 << 10)
	defer sub.Close()
	ctx := context.Background()
	b := addUser(t, lib, st, "Bea")

	// Only B has a topic; A's library has none.
	zebras, err := b.CreateTopic(ctx, library.TopicInput{Name: "Zebras", Description: "zebra stripes savannah herd"})
	if err != nil {
		t.Fatal(err)
	}
	// B teaches its classifier with one decision.
	first, err := b.Import(ctx, "herd.txt", "", strings.NewReader("A zebra herd crossed the savannah; zebra stripes everywhere."))
	if err != nil {
		t.Fatal(err)
	}

	pool, err := lib.Workers(ctx, jobs.Options{Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- pool.Run(runCtx) }()
	defer func() {
		cancel()
		<-done
	}()
	d := waitReady(t, b, first.Document.ID)
	if _, err := b.SetTopics(ctx, d.ID, []string{zebras.Name}); err != nil {
		t.Fatal(err)
	}
	second, err := b.Import(ctx, "stripes.txt", "", strings.NewReader("Zebra stripes of the savannah herd, zebra after zebra."))
	if err != nil {
		t.Fatal(err)
	}
	d = waitReady(t, b, second.Document.ID)
	var got []string
	for _, tp := range d.Topics {
		got = append(got, tp.TopicID)
	}
	for _, s := range d.Suggestions {
		got = append(got, s.TopicID)
	}
	if !slices.Contains(got, zebras.ID) {
		t.Errorf("B's document was given %v (topics %+v, suggestions %+v); want B's Zebras, which only B's classifier knows",
			got, d.Topics, d.Suggestions)
	}
	if p, err := lib.Documents(ctx, library.Filter{}); err != nil || p.Total != 0 {
		t.Errorf("A lists %d documents (%v) after the workers ran B's", p.Total, err)
	}

	// Every event about B's documents names B.
	seen := 0
	for {
		select {
		case ev := <-sub.C:
			if ev.DocumentID != first.Document.ID && ev.DocumentID != second.Document.ID {
				continue
			}
			seen++
			if ev.UserID != b.UserID() {
				t.Errorf("event %s of B's document names user %q, want %q", ev.Type, ev.UserID, b.UserID())
			}
			continue
		default:
		}
		break
	}
	if seen == 0 {
		t.Error("no event about B's documents")
	}
}

// waitReady waits until lib's document id is ready.
func waitReady(t *testing.T, lib *library.Library, id string) library.Document {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		d, err := lib.Document(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == store.StatusReady {
			return d
		}
		if d.Status == store.StatusFailed || time.Now().After(deadline) {
			t.Fatalf("document %s is %s (%s)", id, d.Status, d.Error)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
