package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func accountTests() []subtest {
	return []subtest{
		{"Accounts/FirstTakesOverPopulatedLibrary", testAccountTakeover},
		{"Accounts/FirstOnEmptyStore", testAccountFirstOnEmpty},
		{"Accounts/NamesIgnoreCase", testAccountNames},
		{"Accounts/ListWithUsage", testAccountList},
		{"Accounts/QuotaAdminPassword", testAccountUpdates},
		{"Accounts/Delete", testAccountDelete},
		{"Accounts/TransferDocument", testTransferDocument},
		{"Sessions/Lifecycle", testSessions},
		{"Tokens/Lifecycle", testTokens},
	}
}

// hashOf is a fake secret's hash as the callers store it (hex SHA-256).
func hashOf(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// account creates an account named name.
func (f *fixture) account(name string, admin bool) store.Account {
	f.t.Helper()
	a := store.Account{Name: name, PasswordHash: "$argon2id$fake$" + name, Admin: admin}
	if err := f.s.CreateAccount(f.ctx, &a); err != nil {
		f.t.Fatalf("CreateAccount(%q): %v", name, err)
	}
	return a
}

func testAccountTakeover(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	d1 := f.doc("a.pdf", func(d *store.Document) { d.SizeBytes = 100 })
	f.doc("b.pdf", func(d *store.Document) { d.SizeBytes = 250 })
	tp := f.topic("Taxes")
	f.link(d1.ID, tp)
	fo := f.folder("Bills", nil)
	if err := s.SaveSettings(f.ctx, f.user.ID, map[string]string{"classifier.provider": "builtin"}); err != nil {
		t.Fatalf("SaveSettings: %v", err)
	}
	if n, err := s.AccountCount(f.ctx); err != nil || n != 0 {
		t.Fatalf("AccountCount before any account = %d, %v; want 0 (the implicit owner is not an account)", n, err)
	}
	if _, err := s.Account(f.ctx, f.user.ID); err == nil {
		t.Fatal("Account(implicit owner) succeeded, want ErrNotFound")
	} else {
		wantErr(t, "Account(implicit owner)", err, store.ErrNotFound)
	}

	alice := f.account("Alice", true)
	if alice.ID != f.user.ID {
		t.Fatalf("first account id = %s, want the implicit owner's %s", alice.ID, f.user.ID)
	}
	if !alice.Admin || alice.Name != "Alice" || alice.CreatedAt.IsZero() {
		t.Fatalf("first account = %+v", alice)
	}
	owner, err := s.DefaultUser(f.ctx)
	if err != nil || owner.ID != alice.ID {
		t.Fatalf("DefaultUser after takeover = %+v, %v; want the account's id", owner, err)
	}
	page := f.list(store.DocumentFilter{UserID: alice.ID})
	if page.Total != 2 {
		t.Fatalf("the account sees %d documents, want the library's 2", page.Total)
	}
	if got := f.get(d1.ID); len(got.Topics) != 1 || got.Topics[0].TopicID != tp.ID {
		t.Fatalf("topics after takeover = %+v", got.Topics)
	}
	if got, err := s.Folder(f.ctx, alice.ID, fo.ID); err != nil || got.UserID != alice.ID {
		t.Fatalf("folder after takeover = %+v, %v", got, err)
	}
	if m, err := s.Settings(f.ctx, alice.ID); err != nil || m["classifier.provider"] != "builtin" {
		t.Fatalf("settings after takeover = %v, %v", m, err)
	}
	if u, err := s.Usage(f.ctx, alice.ID); err != nil || u != (store.Usage{Documents: 2, Bytes: 350}) {
		t.Fatalf("Usage = %+v, %v; want 2 documents, 350 bytes", u, err)
	}

	bob := f.account("bob", false)
	if bob.ID == alice.ID || bob.Admin {
		t.Fatalf("second account = %+v, want a new id without admin rights", bob)
	}
	if owner, err := s.DefaultUser(f.ctx); err != nil || owner.ID != alice.ID {
		t.Fatalf("DefaultUser after a second account = %+v, %v; want the first", owner, err)
	}
	if u, err := s.Usage(f.ctx, bob.ID); err != nil || u != (store.Usage{}) {
		t.Fatalf("Usage of the new account = %+v, %v; want none", u, err)
	}
	if n, err := s.AccountCount(f.ctx); err != nil || n != 2 {
		t.Fatalf("AccountCount = %d, %v; want 2", n, err)
	}
}

func testAccountFirstOnEmpty(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := store.Account{Name: "solo", PasswordHash: "h", Admin: true}
	if err := s.CreateAccount(ctx, &a); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	owner, err := s.DefaultUser(ctx)
	if err != nil || owner.ID != a.ID {
		t.Fatalf("DefaultUser = %+v, %v; want the first account %s", owner, err, a.ID)
	}
	if err := s.CreateAccount(ctx, &store.Account{Name: "nohash"}); err == nil {
		t.Fatal("CreateAccount without a password hash succeeded")
	}
}

func testAccountNames(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	if _, err := s.AccountByName(f.ctx, "local"); err == nil {
		t.Fatal("AccountByName found the implicit owner, which is not an account")
	}
	a := f.account("Ärger", true)
	for _, name := range []string{"Ärger", "ärger", "ÄRGER"} {
		got, err := s.AccountByName(f.ctx, name)
		if err != nil || got.ID != a.ID {
			t.Fatalf("AccountByName(%q) = %+v, %v", name, got, err)
		}
	}
	dup := store.Account{Name: "äRGER", PasswordHash: "h"}
	wantErr(t, "CreateAccount with a name differing in case", s.CreateAccount(f.ctx, &dup), store.ErrConflict)
	_, err := s.AccountByName(f.ctx, "nobody")
	wantErr(t, "AccountByName(nobody)", err, store.ErrNotFound)
	_, err = s.Account(f.ctx, uuid.NewString())
	wantErr(t, "Account(unknown)", err, store.ErrNotFound)
	_, err = s.Account(f.ctx, "not-a-uuid")
	wantErr(t, "Account(malformed)", err, store.ErrNotFound)
}

func testAccountList(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	carol := f.account("carol", true)
	f.doc("a.pdf", func(d *store.Document) { d.SizeBytes = 10 })
	f.doc("b.pdf", func(d *store.Document) { d.SizeBytes = 32 })
	bob := f.account("Bob", false)
	d := newDoc(store.User{ID: bob.ID}, "c.pdf")
	d.SizeBytes = 7
	if err := s.CreateDocument(f.ctx, d); err != nil {
		t.Fatalf("CreateDocument for bob: %v", err)
	}
	f.account("dave", false)
	list, err := s.ListAccounts(f.ctx)
	if err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}
	type row struct {
		name  string
		usage store.Usage
	}
	var got []row
	for _, a := range list {
		got = append(got, row{a.Name, a.Usage})
		if a.PasswordHash == "" {
			t.Errorf("account %s listed without its hash", a.Name)
		}
	}
	want := []row{{"Bob", store.Usage{Documents: 1, Bytes: 7}}, {"carol", store.Usage{Documents: 2, Bytes: 42}}, {"dave", store.Usage{}}}
	if len(got) != len(want) {
		t.Fatalf("ListAccounts = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ListAccounts = %+v, want %+v", got, want)
		}
	}
	if list[1].ID != carol.ID || !list[1].Admin {
		t.Errorf("carol listed as %+v", list[1].Account)
	}
}

func testAccountUpdates(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a := f.account("ann", true)
	b := f.account("ben", false)
	if err := s.SetQuota(f.ctx, b.ID, store.Quota{Bytes: 5 << 30, Documents: 10000}); err != nil {
		t.Fatalf("SetQuota: %v", err)
	}
	got, err := s.Account(f.ctx, b.ID)
	if err != nil || got.Quota != (store.Quota{Bytes: 5 << 30, Documents: 10000}) {
		t.Fatalf("quota = %+v, %v", got.Quota, err)
	}
	if err := s.SetQuota(f.ctx, b.ID, store.Quota{Bytes: -1}); err == nil {
		t.Error("SetQuota with a negative bound succeeded")
	}
	wantErr(t, "SetQuota(unknown)", s.SetQuota(f.ctx, uuid.NewString(), store.Quota{}), store.ErrNotFound)

	wantErr(t, "SetAdmin(last admin, false)", s.SetAdmin(f.ctx, a.ID, false), store.ErrConflict)
	if got, _ := s.Account(f.ctx, a.ID); !got.Admin {
		t.Fatal("the refused SetAdmin still took the rights away")
	}
	if err := s.SetAdmin(f.ctx, b.ID, true); err != nil {
		t.Fatalf("SetAdmin(ben): %v", err)
	}
	if err := s.SetAdmin(f.ctx, a.ID, false); err != nil {
		t.Fatalf("SetAdmin(ann, false) with another admin: %v", err)
	}

	x := store.Session{UserID: b.ID, TokenHash: hashOf("s1"), ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.CreateSession(f.ctx, &x); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if err := s.SetPassword(f.ctx, b.ID, "new-hash"); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if got, _ := s.Account(f.ctx, b.ID); got.PasswordHash != "new-hash" {
		t.Fatalf("hash after SetPassword = %q", got.PasswordHash)
	}
	_, err = s.SessionByToken(f.ctx, x.TokenHash, time.Now())
	wantErr(t, "a session after SetPassword", err, store.ErrNotFound)
	if err := s.SetPassword(f.ctx, b.ID, ""); err == nil {
		t.Error("SetPassword with an empty hash succeeded")
	}
}

func testAccountDelete(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	owner := f.account("owner", true)
	wantErr(t, "DeleteAccount of the only account", s.DeleteAccount(f.ctx, owner.ID), store.ErrConflict)
	f.doc("kept.pdf", nil)
	wantErr(t, "DeleteAccount of an owner of documents", s.DeleteAccount(f.ctx, owner.ID), store.ErrConflict)

	gone := f.account("gone", false)
	user := store.User{ID: gone.ID}
	tp := store.Topic{ID: uuid.NewString(), UserID: gone.ID, Name: "T", Color: "#112233"}
	if err := s.CreateTopic(f.ctx, &tp); err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	parent := store.Folder{ID: uuid.NewString(), UserID: gone.ID, Name: "P"}
	if err := s.CreateFolder(f.ctx, &parent); err != nil {
		t.Fatalf("CreateFolder: %v", err)
	}
	child := store.Folder{ID: uuid.NewString(), UserID: gone.ID, Name: "C", ParentID: &parent.ID}
	if err := s.CreateFolder(f.ctx, &child); err != nil {
		t.Fatalf("CreateFolder: %v", err)
	}
	if err := s.SaveSettings(f.ctx, gone.ID, map[string]string{"k": "v"}); err != nil {
		t.Fatalf("SaveSettings: %v", err)
	}
	if err := s.CreateSession(f.ctx, &store.Session{UserID: gone.ID, TokenHash: hashOf("gone"), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if err := s.CreateToken(f.ctx, &store.APIToken{UserID: gone.ID, Name: "x", TokenHash: hashOf("gone-token")}); err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	d := newDoc(user, "temp.pdf")
	if err := s.CreateDocument(f.ctx, d); err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}
	wantErr(t, "DeleteAccount with a document", s.DeleteAccount(f.ctx, gone.ID), store.ErrConflict)
	if err := s.DeleteDocument(f.ctx, d.UserID, d.ID); err != nil {
		t.Fatalf("DeleteDocument: %v", err)
	}
	if err := s.DeleteAccount(f.ctx, gone.ID); err != nil {
		t.Fatalf("DeleteAccount: %v", err)
	}
	_, err := s.Account(f.ctx, gone.ID)
	wantErr(t, "Account after DeleteAccount", err, store.ErrNotFound)
	_, err = s.TokenByHash(f.ctx, hashOf("gone-token"))
	wantErr(t, "a token of a deleted account", err, store.ErrNotFound)
	_, err = s.SessionByToken(f.ctx, hashOf("gone"), time.Now())
	wantErr(t, "a session of a deleted account", err, store.ErrNotFound)
	wantErr(t, "DeleteAccount again", s.DeleteAccount(f.ctx, gone.ID), store.ErrNotFound)
	// The name is free again.
	f.account("GONE", false)
	if owner2, err := s.DefaultUser(f.ctx); err != nil || owner2.ID != owner.ID {
		t.Fatalf("DefaultUser = %+v, %v; want the first account", owner2, err)
	}
}

func testSessions(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a := f.account("a", true)
	b := f.account("b", false)
	now := time.Now().UTC().Truncate(time.Second)
	live := store.Session{UserID: a.ID, TokenHash: hashOf("live"), CreatedAt: now.Add(-time.Hour),
		ExpiresAt: now.Add(time.Hour), UserAgent: "Firefox", Address: "192.0.2.7"}
	if err := s.CreateSession(f.ctx, &live); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	old := store.Session{UserID: a.ID, TokenHash: hashOf("old"), CreatedAt: now.Add(-3 * time.Hour), ExpiresAt: now.Add(-time.Minute)}
	if err := s.CreateSession(f.ctx, &old); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	dup := store.Session{UserID: b.ID, TokenHash: hashOf("live"), ExpiresAt: now.Add(time.Hour)}
	wantErr(t, "CreateSession with a used secret", s.CreateSession(f.ctx, &dup), store.ErrConflict)

	got, err := s.SessionByToken(f.ctx, hashOf("live"), now)
	if err != nil || got.ID != live.ID || got.UserID != a.ID || got.UserAgent != "Firefox" || got.Address != "192.0.2.7" ||
		!got.ExpiresAt.Equal(now.Add(time.Hour)) || !got.LastSeenAt.Equal(now.Add(-time.Hour)) {
		t.Fatalf("SessionByToken = %+v, %v", got, err)
	}
	_, err = s.SessionByToken(f.ctx, hashOf("old"), now)
	wantErr(t, "an expired session", err, store.ErrNotFound)
	_, err = s.SessionByToken(f.ctx, hashOf("never"), now)
	wantErr(t, "an unknown secret", err, store.ErrNotFound)

	if err := s.TouchSession(f.ctx, old.ID, now, now.Add(30*24*time.Hour)); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	got, err = s.SessionByToken(f.ctx, hashOf("old"), now)
	if err != nil || !got.LastSeenAt.Equal(now) || !got.ExpiresAt.Equal(now.Add(30*24*time.Hour)) {
		t.Fatalf("after TouchSession = %+v, %v", got, err)
	}
	list, err := s.Sessions(f.ctx, a.ID, now.Add(2*time.Hour))
	if err != nil || len(list) != 1 || list[0].ID != old.ID {
		t.Fatalf("Sessions two hours later = %+v, %v; want only the touched one", list, err)
	}
	list, err = s.Sessions(f.ctx, a.ID, now)
	if err != nil || len(list) != 2 || list[0].ID != live.ID {
		t.Fatalf("Sessions = %+v, %v; want both, newest first", list, err)
	}
	wantErr(t, "RevokeSession by another user", s.RevokeSession(f.ctx, b.ID, live.ID), store.ErrNotFound)
	if err := s.RevokeSession(f.ctx, a.ID, live.ID); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	_, err = s.SessionByToken(f.ctx, hashOf("live"), now)
	wantErr(t, "a revoked session", err, store.ErrNotFound)
	if n, err := s.RevokeSessions(f.ctx, a.ID); err != nil || n != 1 {
		t.Fatalf("RevokeSessions = %d, %v; want 1", n, err)
	}
	wantErr(t, "TouchSession of a revoked session", s.TouchSession(f.ctx, old.ID, now, now), store.ErrNotFound)
}

func testTokens(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a := f.account("a", true)
	b := f.account("b", false)
	t1 := store.APIToken{UserID: a.ID, Name: " backup ", TokenHash: hashOf("t1"), CreatedAt: f.base}
	t2 := store.APIToken{UserID: a.ID, Name: "scanner", TokenHash: hashOf("t2"), CreatedAt: f.base.Add(time.Minute)}
	for _, tk := range []*store.APIToken{&t1, &t2} {
		if err := s.CreateToken(f.ctx, tk); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
	}
	dup := store.APIToken{UserID: b.ID, Name: "x", TokenHash: hashOf("t1")}
	wantErr(t, "CreateToken with a used secret", s.CreateToken(f.ctx, &dup), store.ErrConflict)
	got, err := s.TokenByHash(f.ctx, hashOf("t1"))
	if err != nil || got.ID != t1.ID || got.UserID != a.ID || got.Name != "backup" || got.LastUsedAt != nil {
		t.Fatalf("TokenByHash = %+v, %v", got, err)
	}
	used := f.base.Add(time.Hour)
	if err := s.TouchToken(f.ctx, t1.ID, used); err != nil {
		t.Fatalf("TouchToken: %v", err)
	}
	list, err := s.Tokens(f.ctx, a.ID)
	if err != nil || len(list) != 2 || list[0].ID != t2.ID || list[1].LastUsedAt == nil || !list[1].LastUsedAt.Equal(used) {
		t.Fatalf("Tokens = %+v, %v", list, err)
	}
	if other, err := s.Tokens(f.ctx, b.ID); err != nil || len(other) != 0 {
		t.Fatalf("Tokens of another user = %+v, %v", other, err)
	}
	wantErr(t, "RevokeToken by another user", s.RevokeToken(f.ctx, b.ID, t1.ID), store.ErrNotFound)
	if err := s.RevokeToken(f.ctx, a.ID, t1.ID); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	_, err = s.TokenByHash(f.ctx, hashOf("t1"))
	wantErr(t, "a revoked token", err, store.ErrNotFound)
}

func testTransferDocument(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ann := f.account("ann", true)
	bob := f.account("bob", false)
	bobUser := store.User{ID: bob.ID}
	fo := f.folder("Bills", nil)
	taxes, misc := f.topic("Taxes"), f.topic("Misc")
	if err := s.UpdateTopic(f.ctx, store.Topic{ID: misc.ID, UserID: ann.ID, Name: "Misc", Description: "odds and ends", Color: "#123456"}); err != nil {
		t.Fatal(err)
	}
	bobTaxes := store.Topic{ID: uuid.NewString(), UserID: bob.ID, Name: "TAXES", Color: "#654321"}
	if err := s.CreateTopic(f.ctx, &bobTaxes); err != nil {
		t.Fatal(err)
	}
	d := f.doc("return.pdf", func(d *store.Document) { d.FolderID = &fo.ID; d.SizeBytes = 77 })
	f.link(d.ID, taxes, misc)
	queued := store.Job{Kind: "extract", DocumentID: d.ID, UserID: d.UserID}
	if err := s.EnqueueJob(f.ctx, &queued); err != nil {
		t.Fatal(err)
	}
	newKey := bob.ID + "/" + d.ID + "/moved.pdf"
	if err := s.TransferDocument(f.ctx, d.ID, bob.ID, newKey); err != nil {
		t.Fatalf("TransferDocument: %v", err)
	}
	// Its queued job now runs as bob's.
	if js, err := s.DocumentJobs(f.ctx, bob.ID, d.ID); err != nil || len(js) != 1 || js[0].UserID != bob.ID {
		t.Fatalf("the document's jobs after the transfer = %+v, %v; want one of bob's", js, err)
	}
	got, err := s.Document(f.ctx, bob.ID, d.ID)
	if err != nil {
		t.Fatalf("bob's document after the transfer: %v", err)
	}
	if got.UserID != bob.ID || got.ObjectKey != newKey || got.FolderID != nil {
		t.Fatalf("after the transfer: user %s key %s folder %v", got.UserID, got.ObjectKey, got.FolderID)
	}
	names := map[string]string{}
	for _, l := range got.Topics {
		tp, err := s.Topic(f.ctx, bob.ID, l.TopicID)
		if err != nil || tp.UserID != bob.ID {
			t.Fatalf("linked topic %+v, %v: want one of bob's", tp, err)
		}
		names[tp.Name] = tp.Description
	}
	if len(got.Topics) != 2 || got.Topics[len(got.Topics)-1].TopicID != bobTaxes.ID {
		t.Fatalf("topics after the transfer = %+v; want bob's TAXES and a new Misc", got.Topics)
	}
	if names["Misc"] != "odds and ends" {
		t.Fatalf("the new topic = %v; want Misc with its description", names)
	}
	if p := f.list(store.DocumentFilter{UserID: ann.ID}); p.Total != 0 {
		t.Fatalf("ann still lists %d documents", p.Total)
	}
	if p := f.list(store.DocumentFilter{UserID: bob.ID, TopicID: &bobTaxes.ID}); p.Total != 1 {
		t.Fatalf("bob's Taxes lists %d documents, want 1", p.Total)
	}
	if u, _ := s.Usage(f.ctx, bob.ID); u != (store.Usage{Documents: 1, Bytes: 77}) {
		t.Fatalf("bob's usage = %+v", u)
	}
	if n, err := s.FolderDocumentCount(f.ctx, fo.UserID, fo.ID); err != nil || n != 0 {
		t.Fatalf("the old folder counts %d, %v", n, err)
	}
	if f.topicCount(taxes.ID) != 0 {
		t.Fatal("ann's Taxes still counts the document")
	}

	// The same bytes already in the target library: refused, unchanged.
	dup := f.doc("same.pdf", nil)
	twin := newDoc(bobUser, "twin.pdf")
	twin.SHA256 = dup.SHA256
	if err := s.CreateDocument(f.ctx, twin); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "TransferDocument of a duplicate", s.TransferDocument(f.ctx, dup.ID, bob.ID, "x"), store.ErrConflict)
	if got := f.get(dup.ID); got.UserID != ann.ID || got.ObjectKey != dup.ObjectKey {
		t.Fatalf("the refused transfer changed the row: %+v", got)
	}
	wantErr(t, "TransferDocument of a missing document", s.TransferDocument(f.ctx, uuid.NewString(), bob.ID, "x"), store.ErrNotFound)
}
