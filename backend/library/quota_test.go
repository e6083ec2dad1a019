package library_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/teststores"
)

// newDocFor stores a small document of userID straight through the
// stores (as a library bound to that user would) and returns its id.
func newDocFor(t *testing.T, e *env, userID string) string {
	t.Helper()
	id := uuid.NewString()
	key := userID + "/" + id + "/" + uuid.NewString() + ".txt"
	body := []byte("a document of " + userID + " " + id)
	put, err := e.blobs.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	d := store.Document{ID: id, UserID: userID, Filename: "theirs.txt", ObjectKey: key, ContentType: "text/plain",
		SizeBytes: put.Size, SHA256: put.SHA256, StorageBackend: e.blobs.Backend(), Status: store.StatusStored}
	if err := e.store.CreateDocument(t.Context(), &d); err != nil {
		t.Fatal(err)
	}
	return id
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestQuotaBytes(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	t.Run("local", func(t *testing.T) { testQuotaBytes(t, newAccountsEnv(t, &now)) })
	t.Run("server", func(t *testing.T) {
		st, bs := teststores.Server(t)
		testQuotaBytes(t, accountsEnvOver(t, st, bs, t.TempDir(), &now))
	})
}

// testQuotaBytes checks the byte quota on one profile's stores.
func testQuotaBytes(t *testing.T, e *env) {
	ctx := t.Context()
	ann, err := e.lib.AddAccount(ctx, "ann", "ann's long password", true)
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.lib.Import(ctx, "first.pdf", "", bytes.NewReader(pdfBytes))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.lib.SetQuota(ctx, ann.ID, library.Quota{Bytes: int64(len(pdfBytes)) + 100*1024}); err != nil {
		t.Fatal(err)
	}
	keys := e.objectKeys(t)

	// A stream that crosses the bound mid-way leaves no object and no row.
	big := randomBytes(t, 1<<20)
	_, err = e.lib.Import(ctx, "big.bin", "", bytes.NewReader(big))
	var qe *library.QuotaError
	if !errors.As(err, &qe) || qe.Documents {
		t.Fatalf("a 1 MiB import over a 100 KiB margin: err = %v, want a byte QuotaError", err)
	}
	if ex := library.Explain(err); ex.Kind != library.KindQuota || !strings.Contains(ex.Message, "storage quota") {
		t.Fatalf("Explain = %+v", ex)
	}
	if got := e.objectKeys(t); !slices.Equal(got, keys) {
		t.Fatalf("objects after the refused import = %v, want %v", got, keys)
	}
	if u, _, err := e.lib.UsageOf(ctx, ann.ID); err != nil || u.Documents != 1 || u.Bytes != int64(len(pdfBytes)) {
		t.Fatalf("usage after the refused import = %+v, %v", u, err)
	}
	if _, err := e.lib.ImportPath(ctx, writeTemp(t, big)); !errors.As(err, &qe) {
		t.Fatalf("the same file from disk: err = %v, want a QuotaError", err)
	}

	// A file that fits is stored; a duplicate of the user's own costs
	// nothing, even when its size would not fit any more.
	small := randomBytes(t, 60*1024)
	if _, err := e.lib.Import(ctx, "small.bin", "", bytes.NewReader(small)); err != nil {
		t.Fatalf("a 60 KiB import within the margin: %v", err)
	}
	if _, err := e.lib.Import(ctx, "small2.bin", "", bytes.NewReader(randomBytes(t, 60*1024))); !errors.As(err, &qe) {
		t.Fatalf("a second 60 KiB import: err = %v, want a QuotaError", err)
	}
	dup, err := e.lib.Import(ctx, "again.bin", "", bytes.NewReader(small))
	if err != nil || !dup.Duplicate {
		t.Fatalf("a duplicate over the bound = %+v, %v; want the existing document", dup, err)
	}
	if dup, err := e.lib.Import(ctx, "again.pdf", "", bytes.NewReader(pdfBytes)); err != nil || dup.Document.ID != first.Document.ID {
		t.Fatalf("a small duplicate = %+v, %v", dup, err)
	}
}

func TestQuotaDocuments(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	e := newAccountsEnv(t, &now)
	ctx := t.Context()
	ann, err := e.lib.AddAccount(ctx, "ann", "ann's long password", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.lib.SetQuota(ctx, ann.ID, library.Quota{Documents: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.Import(ctx, "one.pdf", "", bytes.NewReader(pdfBytes)); err != nil {
		t.Fatal(err)
	}
	keys := e.objectKeys(t)
	_, err = e.lib.Import(ctx, "two.txt", "", strings.NewReader("another file"))
	var qe *library.QuotaError
	if !errors.As(err, &qe) || !qe.Documents || !strings.Contains(err.Error(), "quota of 1 documents") {
		t.Fatalf("a second document over a quota of one: err = %v", err)
	}
	if got := e.objectKeys(t); !slices.Equal(got, keys) {
		t.Fatalf("objects after the refused import = %v, want %v", got, keys)
	}
	if res, err := e.lib.Import(ctx, "one-again.pdf", "", bytes.NewReader(pdfBytes)); err != nil || !res.Duplicate {
		t.Fatalf("a duplicate at the bound = %+v, %v", res, err)
	}
	if err := e.lib.SetQuota(ctx, ann.ID, library.Quota{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.Import(ctx, "two.txt", "", strings.NewReader("another file")); err != nil {
		t.Fatalf("with the quota lifted: %v", err)
	}
}

// writeTemp writes b to a new file and returns its path.
func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "file.bin")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRemoveAccountTransfersDocuments(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	t.Run("local", func(t *testing.T) { testTransfer(t, newAccountsEnv(t, &now)) })
	t.Run("server", func(t *testing.T) {
		st, bs := teststores.Server(t)
		testTransfer(t, accountsEnvOver(t, st, bs, t.TempDir(), &now))
	})
}

func testTransfer(t *testing.T, e *env) {
	ctx := t.Context()
	ann, err := e.lib.AddAccount(ctx, "ann", "ann's long password", true)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := e.lib.AddAccount(ctx, "bob", "bob's long password", true)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := e.lib.Import(ctx, "kept.pdf", "", bytes.NewReader(pdfBytes))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.SetTopics(ctx, kept.Document.ID, []string{"Taxes"}); err != nil {
		t.Fatal(err)
	}
	shared := []byte("the same bytes in both libraries")
	dup, err := e.lib.Import(ctx, "dup.txt", "", bytes.NewReader(shared))
	if err != nil {
		t.Fatal(err)
	}
	// bob already has the second file.
	id := uuid.NewString()
	key := bob.ID + "/" + id + "/" + uuid.NewString() + ".txt"
	put, err := e.blobs.Put(ctx, key, bytes.NewReader(shared), int64(len(shared)))
	if err != nil {
		t.Fatal(err)
	}
	theirs := store.Document{ID: id, UserID: bob.ID, Filename: "mine.txt", ObjectKey: key, ContentType: "text/plain",
		SizeBytes: put.Size, SHA256: put.SHA256, StorageBackend: e.blobs.Backend(), Status: store.StatusStored}
	if err := e.store.CreateDocument(ctx, &theirs); err != nil {
		t.Fatal(err)
	}

	if err := e.lib.RemoveAccount(ctx, ann.ID, library.RemoveOptions{TransferTo: bob.ID}); err != nil {
		t.Fatalf("RemoveAccount with TransferTo: %v", err)
	}
	got, err := e.store.Document(ctx, bob.ID, kept.Document.ID)
	if err != nil || got.UserID != bob.ID || !strings.HasPrefix(got.ObjectKey, bob.ID+"/") {
		t.Fatalf("the moved document = %+v, %v", got, err)
	}
	if len(got.Topics) != 1 || got.Topics[0].Name != "Taxes" {
		t.Fatalf("its topics = %+v; want bob's Taxes", got.Topics)
	}
	if _, err := e.store.Document(ctx, ann.ID, dup.Document.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ann's copy of bob's file: err = %v, want it deleted", err)
	}
	for _, k := range e.objectKeys(t) {
		if strings.HasPrefix(k, ann.ID+"/") {
			t.Fatalf("an object of the removed user is left: %s", k)
		}
	}
	rc, _, err := e.blobs.Get(ctx, got.ObjectKey)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(b, pdfBytes) {
		t.Fatal("the moved document's bytes differ")
	}
	if u, _, err := e.lib.UsageOf(ctx, bob.ID); err != nil || u.Documents != 2 {
		t.Fatalf("bob's usage = %+v, %v; want his file and the moved one", u, err)
	}
}

// sideImport is a reader that, on its first read, lets another import of
// the same user commit (a second upload finishing first).
type sideImport struct {
	r    io.Reader
	side func()
}

func (s *sideImport) Read(p []byte) (int, error) {
	if s.side != nil {
		s.side()
		s.side = nil
	}
	return s.r.Read(p)
}

// An import is checked again just before it commits: another that
// committed while it streamed counts.
func TestQuotaCheckedAgainBeforeCommit(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	e := newAccountsEnv(t, &now)
	ctx := t.Context()
	ann, err := e.lib.AddAccount(ctx, "ann", "ann's long password", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.lib.SetQuota(ctx, ann.ID, library.Quota{Documents: 1}); err != nil {
		t.Fatal(err)
	}
	var sideErr error
	slow := &sideImport{r: strings.NewReader("the slow upload"), side: func() {
		_, sideErr = e.lib.Import(ctx, "fast.txt", "", strings.NewReader("the fast upload"))
	}}
	_, err = e.lib.Import(ctx, "slow.txt", "", slow)
	if sideErr != nil {
		t.Fatalf("the fast upload: %v", sideErr)
	}
	var qe *library.QuotaError
	if !errors.As(err, &qe) || !qe.Documents {
		t.Fatalf("the slow upload after the fast one took the last place: err = %v, want a QuotaError", err)
	}
	if u, _, _ := e.lib.UsageOf(ctx, ann.ID); u.Documents != 1 {
		t.Fatalf("usage = %+v, want the fast upload only", u)
	}
	if n := len(e.objectKeys(t)); n != 1 {
		t.Fatalf("%d objects, want the fast upload's only", n)
	}
}
