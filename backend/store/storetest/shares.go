package storetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func shareTests() []subtest {
	return []subtest{
		{"Shares/ReachThroughTopicAndFolder", testSharesReach},
		{"Shares/ListedForBothSides", testSharesListed},
		{"Shares/UnshareRemovesAccessAtOnce", testSharesUnshare},
		{"Shares/Refused", testSharesRefused},
	}
}

// shareWorld is the default user (the owner) and a grantee.
type shareWorld struct {
	*fixture
	grantee store.User
}

func newShareWorld(t *testing.T, s store.Store) *shareWorld {
	f := newFixture(t, s)
	g := store.User{ID: uuid.NewString(), Name: "Grantee"}
	if err := s.CreateUser(f.ctx, &g); err != nil {
		t.Fatal(err)
	}
	return &shareWorld{fixture: f, grantee: g}
}

func (w *shareWorld) share(kind store.ShareKind, target string, perm store.Permission) store.Share {
	w.t.Helper()
	sh := store.Share{OwnerID: w.user.ID, GranteeID: w.grantee.ID, Kind: kind, TargetID: target, Permission: perm}
	if err := w.s.SaveShare(w.ctx, &sh); err != nil {
		w.t.Fatalf("SaveShare(%s %s): %v", kind, target, err)
	}
	return sh
}

// reach returns the permission through which the grantee reaches doc, or
// "" when no share does.
func (w *shareWorld) reach(docID string) store.Permission {
	w.t.Helper()
	sh, err := w.s.SharedDocument(w.ctx, w.grantee.ID, docID)
	if err != nil {
		wantErr(w.t, "SharedDocument of an unshared document", err, store.ErrNotFound)
		return ""
	}
	if sh.OwnerID != w.user.ID || sh.GranteeID != w.grantee.ID {
		w.t.Errorf("SharedDocument(%s) = %+v, not the owner's share with the grantee", docID, sh)
	}
	return sh.Permission
}

func testSharesReach(t *testing.T, s store.Store) {
	w := newShareWorld(t, s)
	tax, bank := w.topic("Tax"), w.topic("Bank")
	box := w.folder("Box", nil)
	inner := w.folder("Inner", &box.ID)
	taxed := w.doc("taxed.pdf", nil)
	w.link(taxed.ID, tax)
	banked := w.doc("banked.pdf", nil)
	w.link(banked.ID, bank)
	boxed := w.doc("boxed.pdf", func(d *store.Document) { d.FolderID = &box.ID })
	both := w.doc("both.pdf", func(d *store.Document) { d.FolderID = &box.ID })
	w.link(both.ID, tax)
	deeper := w.doc("deeper.pdf", func(d *store.Document) { d.FolderID = &inner.ID })

	w.share(store.ShareTopic, tax.ID, store.PermissionRead)
	w.share(store.ShareFolder, box.ID, store.PermissionWrite)
	for _, c := range []struct {
		doc  store.Document
		want store.Permission
	}{
		{taxed, store.PermissionRead},
		{banked, ""},
		{boxed, store.PermissionWrite},
		{both, store.PermissionWrite},   // the stronger of two shares
		{deeper, store.PermissionWrite}, // a folder share reaches into subfolders
	} {
		if got := w.reach(c.doc.ID); got != c.want {
			t.Errorf("%s: reached with %q, want %q", c.doc.Filename, got, c.want)
		}
	}
	// A share follows the links: re-topicking opens or closes it.
	w.link(banked.ID, tax)
	if got := w.reach(banked.ID); got != store.PermissionRead {
		t.Errorf("linked to the shared topic now: reached with %q, want read", got)
	}
	w.link(taxed.ID)
	if got := w.reach(taxed.ID); got != "" {
		t.Errorf("unlinked from the shared topic: reached with %q, want not at all", got)
	}
	// Saving again changes the permission of the same share.
	again := w.share(store.ShareTopic, tax.ID, store.PermissionWrite)
	if got := w.reach(banked.ID); got != store.PermissionWrite {
		t.Errorf("after the share was made writable: %q", got)
	}
	shs, err := s.Shares(w.ctx, w.user.ID)
	if err != nil || len(shs) != 2 {
		t.Fatalf("Shares = %+v, %v; want the two shares (a second save is no new share)", shs, err)
	}
	if shs[0].ID != again.ID {
		t.Errorf("the re-saved share has id %s, want the first save's %s", again.ID, shs[0].ID)
	}
	// The grantee's own documents are not reached through shares.
	own := newDoc(w.grantee, "own.pdf")
	if err := s.CreateDocument(w.ctx, own); err != nil {
		t.Fatal(err)
	}
	if got := w.reach(own.ID); got != "" {
		t.Errorf("the grantee's own document is reached through a share (%q)", got)
	}
}

func testSharesListed(t *testing.T, s store.Store) {
	w := newShareWorld(t, s)
	tax := w.topic("Tax")
	box := w.folder("Box", nil)
	a := w.share(store.ShareTopic, tax.ID, store.PermissionRead)
	b := w.share(store.ShareFolder, box.ID, store.PermissionWrite)
	for _, uid := range []string{w.user.ID, w.grantee.ID} {
		shs, err := s.Shares(w.ctx, uid)
		if err != nil || len(shs) != 2 {
			t.Fatalf("Shares(%s) = %+v, %v; want both", uid, shs, err)
		}
		got := map[string]store.Share{}
		for _, sh := range shs {
			got[sh.ID] = sh
		}
		if sh := got[a.ID]; sh.Kind != store.ShareTopic || sh.TargetID != tax.ID || sh.TargetName != "Tax" ||
			sh.Permission != store.PermissionRead || sh.OwnerName != w.user.Name || sh.GranteeName != "Grantee" {
			t.Errorf("topic share as listed = %+v", sh)
		}
		if sh := got[b.ID]; sh.Kind != store.ShareFolder || sh.TargetID != box.ID || sh.TargetName != "Box" ||
			sh.Permission != store.PermissionWrite {
			t.Errorf("folder share as listed = %+v", sh)
		}
	}
	// Deleting the topic deletes its share.
	if err := s.DeleteTopic(w.ctx, w.user.ID, tax.ID); err != nil {
		t.Fatal(err)
	}
	if shs, err := s.Shares(w.ctx, w.grantee.ID); err != nil || len(shs) != 1 || shs[0].ID != b.ID {
		t.Errorf("shares after the topic was deleted = %+v, %v; want the folder's only", shs, err)
	}
}

func testSharesUnshare(t *testing.T, s store.Store) {
	w := newShareWorld(t, s)
	tax := w.topic("Tax")
	d := w.doc("a.pdf", nil)
	w.link(d.ID, tax)
	w.share(store.ShareTopic, tax.ID, store.PermissionWrite)
	if got := w.reach(d.ID); got != store.PermissionWrite {
		t.Fatalf("before unsharing: %q", got)
	}
	if err := s.DeleteShare(w.ctx, w.user.ID, store.ShareTopic, tax.ID, w.grantee.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.reach(d.ID); got != "" {
		t.Errorf("after unsharing the grantee still reaches the document (%q)", got)
	}
	wantErr(t, "unsharing again", s.DeleteShare(w.ctx, w.user.ID, store.ShareTopic, tax.ID, w.grantee.ID), store.ErrNotFound)
	// Only the owner unshares.
	w.share(store.ShareTopic, tax.ID, store.PermissionRead)
	wantErr(t, "the grantee unshares", s.DeleteShare(w.ctx, w.grantee.ID, store.ShareTopic, tax.ID, w.grantee.ID), store.ErrNotFound)
}

func testSharesRefused(t *testing.T, s store.Store) {
	w := newShareWorld(t, s)
	tax := w.topic("Tax")
	cases := []struct {
		name string
		sh   store.Share
		want error
	}{
		{"a missing topic", store.Share{OwnerID: w.user.ID, GranteeID: w.grantee.ID, Kind: store.ShareTopic,
			TargetID: uuid.NewString(), Permission: store.PermissionRead}, store.ErrNotFound},
		{"a missing grantee", store.Share{OwnerID: w.user.ID, GranteeID: uuid.NewString(), Kind: store.ShareTopic,
			TargetID: tax.ID, Permission: store.PermissionRead}, store.ErrNotFound},
		{"a topic as a folder", store.Share{OwnerID: w.user.ID, GranteeID: w.grantee.ID, Kind: store.ShareFolder,
			TargetID: tax.ID, Permission: store.PermissionRead}, store.ErrNotFound},
		{"oneself", store.Share{OwnerID: w.user.ID, GranteeID: w.user.ID, Kind: store.ShareTopic,
			TargetID: tax.ID, Permission: store.PermissionRead}, store.ErrConflict},
	}
	for _, c := range cases {
		wantErr(t, "sharing "+c.name, s.SaveShare(w.ctx, &c.sh), c.want)
	}
	bad := store.Share{OwnerID: w.user.ID, GranteeID: w.grantee.ID, Kind: store.ShareTopic, TargetID: tax.ID, Permission: "admin"}
	if err := s.SaveShare(w.ctx, &bad); err == nil {
		t.Error("a share with an unknown permission was saved")
	}
	if shs, err := s.Shares(w.ctx, w.user.ID); err != nil || len(shs) != 0 {
		t.Errorf("shares after the refusals = %+v, %v; want none", shs, err)
	}
}
