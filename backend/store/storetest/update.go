package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func updateTests() []subtest {
	return []subtest{
		{"UpdateDocument/Patch", testUpdateDocumentPatch},
		{"UpdateDocument/Refused", testUpdateDocumentRefused},
		{"DeleteDocument", testDeleteDocument},
		{"MoveDocuments", testMoveDocuments},
		{"MoveDocuments/Atomic", testMoveDocumentsAtomic},
		{"SetDocumentTopics", testSetDocumentTopics},
		{"SetDocumentTopics/Refused", testSetDocumentTopicsRefused},
	}
}

func testUpdateDocumentPatch(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a := f.folder("A", nil)
	b := f.folder("B", nil)
	want := f.doc("draft.pdf", func(d *store.Document) {
		d.FolderID = ptr(a.ID)
		d.ExtractedText = "old text"
		d.PageCount = 1
		d.CreatedAt = f.base
		d.UpdatedAt = f.base
	})

	steps := []struct {
		name  string
		patch store.DocumentPatch
		apply func(d *store.Document)
	}{
		{"empty patch keeps everything", store.DocumentPatch{}, func(*store.Document) {}},
		{"filename", store.DocumentPatch{Filename: ptr("Final Version.PDF")},
			func(d *store.Document) { d.Filename = "Final Version.PDF" }},
		{"status and error", store.DocumentPatch{Status: ptr(store.StatusFailed), Error: ptr("boom")},
			func(d *store.Document) { d.Status, d.Error = store.StatusFailed, "boom" }},
		{"text and pages", store.DocumentPatch{ExtractedText: ptr("new text"), PageCount: ptr(7)},
			func(d *store.Document) { d.ExtractedText, d.PageCount = "new text", 7 }},
		{"language", store.DocumentPatch{Language: ptr("fr")},
			func(d *store.Document) { d.Language = "fr" }},
		{"clear language", store.DocumentPatch{Language: ptr("")},
			func(d *store.Document) { d.Language = "" }},
		{"clear error", store.DocumentPatch{Status: ptr(store.StatusReady), Error: ptr("")},
			func(d *store.Document) { d.Status, d.Error = store.StatusReady, "" }},
		{"clear text", store.DocumentPatch{ExtractedText: ptr("")},
			func(d *store.Document) { d.ExtractedText = "" }},
		{"text again", store.DocumentPatch{ExtractedText: ptr("text again")},
			func(d *store.Document) { d.ExtractedText = "text again" }},
		{"move to folder B", store.DocumentPatch{FolderID: ptr(ptr(b.ID))},
			func(d *store.Document) { d.FolderID = ptr(b.ID) }},
		{"move to the root", store.DocumentPatch{FolderID: ptr((*string)(nil))},
			func(d *store.Document) { d.FolderID = nil }},
	}
	for _, st := range steps {
		got, err := s.UpdateDocument(f.ctx, want.UserID, want.ID, st.patch)
		if err != nil {
			t.Fatalf("%s: UpdateDocument: %v", st.name, err)
		}
		st.apply(&want)
		if !got.UpdatedAt.After(f.base.Add(time.Second)) {
			t.Errorf("%s: UpdatedAt = %v, did not advance past %v", st.name, got.UpdatedAt, f.base)
		}
		want.UpdatedAt = time.Now()
		checkDoc(t, got, want, true)
		checkDoc(t, f.get(want.ID), want, true)
	}
	// The rename reaches search and the name order, not just the column.
	if p := f.list(store.DocumentFilter{Query: "final v"}); !equalStrings(ids(p.Documents), []string{want.ID}) {
		t.Errorf("Query for the new name found %v, want [%s]", ids(p.Documents), want.ID)
	}
	if p := f.list(store.DocumentFilter{Query: "draft"}); len(p.Documents) != 0 {
		t.Errorf("Query for the old name found %v", ids(p.Documents))
	}
	other := f.doc("Earlier.pdf", nil)
	if p := f.list(store.DocumentFilter{Sort: store.SortName}); !equalStrings(ids(p.Documents), []string{other.ID, want.ID}) {
		t.Errorf("name order after the rename = %v, want [%s %s]", ids(p.Documents), other.ID, want.ID)
	}
}

func testUpdateDocumentRefused(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	want := f.doc("keep.pdf", func(d *store.Document) { d.CreatedAt, d.UpdatedAt = f.base, f.base })

	_, err := s.UpdateDocument(f.ctx, want.UserID, want.ID, store.DocumentPatch{
		Filename: ptr("changed.pdf"),
		FolderID: ptr(ptr(uuid.NewString())),
	})
	wantErr(t, "UpdateDocument into a missing folder", err, store.ErrNotFound)
	checkDoc(t, f.get(want.ID), want, true)

	if _, err := s.UpdateDocument(f.ctx, want.UserID, want.ID, store.DocumentPatch{
		Filename: ptr("changed.pdf"),
		Status:   ptr(store.Status("bogus")),
	}); err == nil {
		t.Error("UpdateDocument with an unknown status succeeded")
	}
	checkDoc(t, f.get(want.ID), want, true)
}

func testDeleteDocument(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	gone := f.doc("gone.pdf", nil)
	kept := f.doc("kept.pdf", nil)
	f.link(gone.ID, tax)
	f.link(kept.ID, tax)
	if n := f.topicCount(tax.ID); n != 2 {
		t.Fatalf("topic count before delete = %d, want 2", n)
	}

	if err := s.DeleteDocument(f.ctx, gone.UserID, gone.ID); err != nil {
		t.Fatalf("DeleteDocument: %v", err)
	}
	_, err := s.Document(f.ctx, gone.UserID, gone.ID)
	wantErr(t, "Document after delete", err, store.ErrNotFound)
	wantErr(t, "DeleteDocument twice", s.DeleteDocument(f.ctx, gone.UserID, gone.ID), store.ErrNotFound)
	if n := f.topicCount(tax.ID); n != 1 {
		t.Errorf("topic count after delete = %d, want 1", n)
	}
	p := f.list(store.DocumentFilter{TopicID: ptr(tax.ID)})
	if !equalStrings(ids(p.Documents), []string{kept.ID}) || p.Total != 1 {
		t.Errorf("documents of the topic = %v (total %d), want [%s]", ids(p.Documents), p.Total, kept.ID)
	}
	// The freed sha256 may be imported again.
	again := newDoc(f.user, "gone again.pdf")
	again.SHA256 = gone.SHA256
	if err := s.CreateDocument(f.ctx, again); err != nil {
		t.Errorf("re-import after delete: %v", err)
	}
}

func testMoveDocuments(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	dst := f.folder("Destination", nil)
	a := f.doc("a.pdf", nil)
	b := f.doc("b.pdf", nil)
	c := f.doc("c.pdf", nil)

	if err := s.MoveDocuments(f.ctx, f.user.ID, []string{a.ID, b.ID}, ptr(dst.ID)); err != nil {
		t.Fatalf("MoveDocuments: %v", err)
	}
	if n, err := s.FolderDocumentCount(f.ctx, dst.UserID, dst.ID); err != nil || n != 2 {
		t.Fatalf("FolderDocumentCount = %d, %v, want 2", n, err)
	}
	if got := f.get(c.ID); got.FolderID != nil {
		t.Errorf("unmoved document is in folder %s", *got.FolderID)
	}
	if got := f.get(a.ID); got.FolderID == nil || *got.FolderID != dst.ID {
		t.Errorf("moved document FolderID = %v, want %s", got.FolderID, dst.ID)
	}

	if err := s.MoveDocuments(f.ctx, f.user.ID, []string{a.ID}, nil); err != nil {
		t.Fatalf("MoveDocuments to the root: %v", err)
	}
	if got := f.get(a.ID); got.FolderID != nil {
		t.Errorf("document moved to the root is in folder %s", *got.FolderID)
	}
	if err := s.MoveDocuments(f.ctx, f.user.ID, nil, ptr(dst.ID)); err != nil {
		t.Errorf("MoveDocuments with no ids: %v", err)
	}
}

func testMoveDocumentsAtomic(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	dst := f.folder("Destination", nil)
	a := f.doc("a.pdf", nil)
	b := f.doc("b.pdf", nil)
	other := f.otherUser()
	theirs := newDoc(other, "theirs.pdf")
	if err := s.CreateDocument(f.ctx, theirs); err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}

	cases := []struct {
		name   string
		ids    []string
		folder *string
	}{
		{"unknown id", []string{a.ID, uuid.NewString(), b.ID}, ptr(dst.ID)},
		{"another user's document", []string{a.ID, theirs.ID}, ptr(dst.ID)},
		{"missing folder", []string{a.ID, b.ID}, ptr(uuid.NewString())},
	}
	for _, c := range cases {
		err := s.MoveDocuments(f.ctx, f.user.ID, c.ids, c.folder)
		wantErr(t, "MoveDocuments with "+c.name, err, store.ErrNotFound)
		for _, id := range []string{a.ID, b.ID} {
			if got := f.get(id); got.FolderID != nil {
				t.Errorf("%s: document %s moved to %s although the move failed", c.name, id, *got.FolderID)
			}
		}
	}
	if got := f.getOf(theirs.UserID, theirs.ID); got.FolderID != nil {
		t.Errorf("another user's document moved to %s", *got.FolderID)
	}
}

func testSetDocumentTopics(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	bank := f.topic("bank")
	car := f.topic("Car")
	d := f.doc("statement.pdf", nil)

	if err := s.SetDocumentTopics(f.ctx, d.UserID, d.ID, []store.TopicLink{
		{TopicID: tax.ID, Source: store.SourceClassifier, Confidence: 0.875},
		{TopicID: bank.ID, Source: store.SourceUser, Confidence: 1},
		{TopicID: car.ID, Source: store.SourceRule, Confidence: 0.25},
	}); err != nil {
		t.Fatalf("SetDocumentTopics: %v", err)
	}
	got := f.get(d.ID).Topics
	want := []store.DocumentTopic{
		{TopicID: bank.ID, Name: "bank", Color: bank.Color, Source: store.SourceUser, Confidence: 1},
		{TopicID: car.ID, Name: "Car", Color: car.Color, Source: store.SourceRule, Confidence: 0.25},
		{TopicID: tax.ID, Name: "Tax", Color: tax.Color, Source: store.SourceClassifier, Confidence: 0.875},
	}
	checkTopics(t, "after first set (sorted by name, any case)", got, want)

	if err := s.SetDocumentTopics(f.ctx, d.UserID, d.ID, []store.TopicLink{
		{TopicID: tax.ID, Source: store.SourceUser, Confidence: 1},
	}); err != nil {
		t.Fatalf("SetDocumentTopics (replace): %v", err)
	}
	checkTopics(t, "after replace", f.get(d.ID).Topics, []store.DocumentTopic{
		{TopicID: tax.ID, Name: "Tax", Color: tax.Color, Source: store.SourceUser, Confidence: 1},
	})
	if n := f.topicCount(bank.ID); n != 0 {
		t.Errorf("replaced topic still counts %d documents", n)
	}

	// An empty source is the user's; a topic given twice keeps its last link.
	if err := s.SetDocumentTopics(f.ctx, d.UserID, d.ID, []store.TopicLink{
		{TopicID: car.ID, Confidence: 0.5},
		{TopicID: tax.ID, Source: store.SourceRule, Confidence: 0.75},
		{TopicID: car.ID, Confidence: 1},
	}); err != nil {
		t.Fatalf("SetDocumentTopics (empty source, a topic twice): %v", err)
	}
	checkTopics(t, "after an empty source and a topic twice", f.get(d.ID).Topics, []store.DocumentTopic{
		{TopicID: car.ID, Name: "Car", Color: car.Color, Source: store.SourceUser, Confidence: 1},
		{TopicID: tax.ID, Name: "Tax", Color: tax.Color, Source: store.SourceRule, Confidence: 0.75},
	})

	if err := s.SetDocumentTopics(f.ctx, d.UserID, d.ID, nil); err != nil {
		t.Fatalf("SetDocumentTopics (clear): %v", err)
	}
	if got := f.get(d.ID).Topics; got == nil || len(got) != 0 {
		t.Errorf("topics after clearing = %#v, want an empty slice", got)
	}
}

func testSetDocumentTopicsRefused(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	d := f.doc("statement.pdf", nil)
	f.link(d.ID, tax)
	before := []store.DocumentTopic{{TopicID: tax.ID, Name: "Tax", Color: tax.Color, Source: store.SourceUser, Confidence: 1}}

	other := f.otherUser()
	theirs := store.Topic{ID: uuid.NewString(), UserID: other.ID, Name: "Theirs"}
	if err := s.CreateTopic(f.ctx, &theirs); err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	for name, topicID := range map[string]string{"unknown topic": uuid.NewString(), "another user's topic": theirs.ID} {
		err := s.SetDocumentTopics(f.ctx, d.UserID, d.ID, []store.TopicLink{
			{TopicID: topicID, Source: store.SourceUser, Confidence: 1},
		})
		wantErr(t, "SetDocumentTopics with "+name, err, store.ErrNotFound)
		checkTopics(t, "links after refusing "+name, f.get(d.ID).Topics, before)
	}

	if err := s.SetDocumentTopics(f.ctx, d.UserID, d.ID, []store.TopicLink{
		{TopicID: tax.ID, Source: store.LinkSource("gossip"), Confidence: 1},
	}); err == nil {
		t.Error("SetDocumentTopics with an unknown source succeeded")
	}
	checkTopics(t, "links after refusing an unknown source", f.get(d.ID).Topics, before)
}

// checkTopics compares a document's topics with want, in order.
func checkTopics(t *testing.T, what string, got, want []store.DocumentTopic) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d topics %+v, want %d %+v", what, len(got), got, len(want), want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: topic %d = %+v, want %+v", what, i, got[i], want[i])
		}
	}
}
