package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func topicTests() []subtest {
	return []subtest{
		{"Topic/RoundTrip", testTopicRoundTrip},
		{"Topic/NameConflict", testTopicNameConflict},
		{"Topic/ByName", testTopicByName},
		{"Topics/OrderAndCounts", testTopicsOrderAndCounts},
		{"UpdateTopic", testUpdateTopic},
		{"DeleteTopic", testDeleteTopic},
		{"Names/BlankRefused", testBlankNamesRefused},
	}
}

// testBlankNamesRefused: no topic or folder is created or renamed with an
// empty or blank name.
func testBlankNamesRefused(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	box := f.folder("Box", nil)
	for _, name := range []string{"", "   ", "\t\n"} {
		tp := store.Topic{ID: uuid.NewString(), UserID: f.user.ID, Name: name}
		if err := s.CreateTopic(f.ctx, &tp); err == nil {
			t.Errorf("CreateTopic(%q) succeeded", name)
		}
		renamed := tax
		renamed.Name = name
		if err := s.UpdateTopic(f.ctx, renamed); err == nil {
			t.Errorf("UpdateTopic to %q succeeded", name)
		}
		fo := store.Folder{ID: uuid.NewString(), UserID: f.user.ID, Name: name}
		if err := s.CreateFolder(f.ctx, &fo); err == nil {
			t.Errorf("CreateFolder(%q) succeeded", name)
		}
		moved := box
		moved.Name = name
		if err := s.UpdateFolder(f.ctx, moved); err == nil {
			t.Errorf("UpdateFolder to %q succeeded", name)
		}
	}
	if got, err := s.Topic(f.ctx, tax.UserID, tax.ID); err != nil || got.Name != "Tax" {
		t.Errorf("Topic after refused renames = %q, %v; want Tax", got.Name, err)
	}
	if got, err := s.Folder(f.ctx, box.UserID, box.ID); err != nil || got.Name != "Box" {
		t.Errorf("Folder after refused renames = %q, %v; want Box", got.Name, err)
	}
	if ts, err := s.Topics(f.ctx, f.user.ID); err != nil || len(ts) != 1 {
		t.Errorf("Topics = %d, %v; want only Tax", len(ts), err)
	}
}

func testTopicRoundTrip(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	want := store.Topic{ID: uuid.NewString(), UserID: f.user.ID, Name: "Steuer 2024 — Belege",
		Description: "Receipts for the tax return.\nSecond line.", Color: "#aa00ff"}
	if err := s.CreateTopic(f.ctx, &want); err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	closeTime(t, "CreatedAt written back", want.CreatedAt, time.Now())
	got, err := s.Topic(f.ctx, want.UserID, want.ID)
	if err != nil {
		t.Fatalf("Topic: %v", err)
	}
	closeTime(t, "CreatedAt", got.CreatedAt, want.CreatedAt)
	got.CreatedAt = want.CreatedAt
	if got != want {
		t.Errorf("Topic = %+v, want %+v", got, want)
	}
}

func testTopicNameConflict(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	f.topic("Tax")
	f.topic("Ärger")
	for _, name := range []string{"Tax", "tAX", "TAX", "ärger", "ÄRGER"} {
		tp := store.Topic{ID: uuid.NewString(), UserID: f.user.ID, Name: name}
		wantErr(t, "CreateTopic "+name, s.CreateTopic(f.ctx, &tp), store.ErrConflict)
	}
	dupID := store.Topic{ID: f.topic("Bank").ID, UserID: f.user.ID, Name: "Unused"}
	wantErr(t, "CreateTopic with a used id", s.CreateTopic(f.ctx, &dupID), store.ErrConflict)

	other := f.otherUser()
	theirs := store.Topic{ID: uuid.NewString(), UserID: other.ID, Name: "tax"}
	if err := s.CreateTopic(f.ctx, &theirs); err != nil {
		t.Errorf("another user's topic of the same name: %v", err)
	}
	if ts, err := s.Topics(f.ctx, f.user.ID); err != nil || len(ts) != 3 {
		t.Errorf("Topics = %d topics, %v; want 3 (refused ones not stored)", len(ts), err)
	}
}

func testTopicByName(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	aerger := f.topic("Ärger")
	other := f.otherUser()
	theirs := store.Topic{ID: uuid.NewString(), UserID: other.ID, Name: "Private"}
	if err := s.CreateTopic(f.ctx, &theirs); err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	for query, want := range map[string]string{"Tax": tax.ID, "tax": tax.ID, "tAX": tax.ID, "ärger": aerger.ID, "ÄRGER": aerger.ID} {
		got, err := s.TopicByName(f.ctx, f.user.ID, query)
		if err != nil || got.ID != want {
			t.Errorf("TopicByName(%q) = %s, %v; want %s", query, got.ID, err, want)
		}
	}
	_, err := s.TopicByName(f.ctx, f.user.ID, "private")
	wantErr(t, "TopicByName of another user's topic", err, store.ErrNotFound)
	_, err = s.TopicByName(f.ctx, f.user.ID, "Ta")
	wantErr(t, "TopicByName of a prefix", err, store.ErrNotFound)
}

func testTopicsOrderAndCounts(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	if ts, err := s.Topics(f.ctx, f.user.ID); err != nil || ts == nil || len(ts) != 0 {
		t.Fatalf("Topics of a new user = %#v, %v; want an empty slice", ts, err)
	}
	banana := f.topic("banana")
	apple := f.topic("Apple")
	cherry := f.topic("cherry")
	aepfel := f.topic("Äpfel")
	under := f.topic("_misc")
	for i := range 3 {
		d := f.doc("d.pdf", nil)
		switch i {
		case 0:
			f.link(d.ID, apple, cherry)
		case 1:
			f.link(d.ID, apple)
		case 2:
			f.link(d.ID, aepfel)
		}
	}
	other := f.otherUser()
	theirs := store.Topic{ID: uuid.NewString(), UserID: other.ID, Name: "aaa"}
	if err := s.CreateTopic(f.ctx, &theirs); err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}

	ts, err := s.Topics(f.ctx, f.user.ID)
	if err != nil {
		t.Fatalf("Topics: %v", err)
	}
	want := []struct {
		id    string
		count int
	}{{under.ID, 0}, {apple.ID, 2}, {banana.ID, 0}, {cherry.ID, 1}, {aepfel.ID, 1}}
	if len(ts) != len(want) {
		t.Fatalf("Topics = %d topics, want %d", len(ts), len(want))
	}
	for i, w := range want {
		if ts[i].ID != w.id || ts[i].DocumentCount != w.count {
			t.Errorf("Topics[%d] = %q (%d documents), want %s (%d documents)", i, ts[i].Name, ts[i].DocumentCount, w.id, w.count)
		}
	}
}

func testUpdateTopic(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("tax")
	bank := f.topic("Bank")

	for _, name := range []string{"Bank", "BANK"} {
		moved := tax
		moved.Name = name
		wantErr(t, "rename onto "+name, s.UpdateTopic(f.ctx, moved), store.ErrConflict)
	}
	if got, err := s.Topic(f.ctx, tax.UserID, tax.ID); err != nil || got.Name != "tax" {
		t.Errorf("after refused renames Topic = %q, %v; want tax", got.Name, err)
	}

	tax.Name = "Tax"
	tax.Description = "Receipts"
	tax.Color = "#00ff00"
	if err := s.UpdateTopic(f.ctx, tax); err != nil {
		t.Fatalf("rename tax to Tax: %v", err)
	}
	got, err := s.Topic(f.ctx, tax.UserID, tax.ID)
	if err != nil {
		t.Fatalf("Topic: %v", err)
	}
	if got.Name != "Tax" || got.Description != "Receipts" || got.Color != "#00ff00" || got.UserID != f.user.ID {
		t.Errorf("after update Topic = %+v", got)
	}
	closeTime(t, "CreatedAt after update", got.CreatedAt, tax.CreatedAt)

	tax.Name = "Steuer"
	if err := s.UpdateTopic(f.ctx, tax); err != nil {
		t.Fatalf("rename to Steuer: %v", err)
	}
	if got, err := s.TopicByName(f.ctx, f.user.ID, "steuer"); err != nil || got.ID != tax.ID {
		t.Errorf("TopicByName(new name) = %s, %v; want %s", got.ID, err, tax.ID)
	}
	_, err = s.TopicByName(f.ctx, f.user.ID, "tax")
	wantErr(t, "TopicByName(old name)", err, store.ErrNotFound)
	// The freed name is free for another topic.
	bank.Name = "TAX"
	if err := s.UpdateTopic(f.ctx, bank); err != nil {
		t.Errorf("rename onto a freed name: %v", err)
	}
}

func testDeleteTopic(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	bank := f.topic("Bank")
	d := f.doc("statement.pdf", nil)
	f.link(d.ID, tax, bank)

	if err := s.DeleteTopic(f.ctx, tax.UserID, tax.ID); err != nil {
		t.Fatalf("DeleteTopic: %v", err)
	}
	_, err := s.Topic(f.ctx, tax.UserID, tax.ID)
	wantErr(t, "Topic after delete", err, store.ErrNotFound)
	wantErr(t, "DeleteTopic twice", s.DeleteTopic(f.ctx, tax.UserID, tax.ID), store.ErrNotFound)
	checkTopics(t, "document after its topic was deleted", f.get(d.ID).Topics, []store.DocumentTopic{
		{TopicID: bank.ID, Name: "Bank", Color: bank.Color, Source: store.SourceUser, Confidence: 1},
	})
	if p := f.list(store.DocumentFilter{TopicID: ptr(tax.ID)}); len(p.Documents) != 0 || p.Total != 0 {
		t.Errorf("deleted topic still lists %d documents", p.Total)
	}
	f.topic("tax") // the name is free again
}
