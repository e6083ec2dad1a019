package library_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func readAll(t *testing.T, e *env, id string) []byte {
	t.Helper()
	rc, _, err := e.lib.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportRoundTrip(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		res, err := e.lib.Import(ctx, "Invoice March.PDF", "text/plain", bytes.NewReader(pdfBytes))
		if err != nil {
			t.Fatal(err)
		}
		d := res.Document
		if res.Duplicate {
			t.Fatal("first import reported as duplicate")
		}
		if d.ContentType != "application/pdf" {
			t.Errorf("content type %q: the bytes say PDF whatever the caller claims", d.ContentType)
		}
		if d.SizeBytes != int64(len(pdfBytes)) || d.SHA256 != sum(pdfBytes) {
			t.Errorf("size %d sha %s", d.SizeBytes, d.SHA256)
		}
		if d.Status != store.StatusStored || d.Filename != "Invoice March.PDF" {
			t.Errorf("unexpected document %+v", d)
		}
		row, err := e.store.Document(ctx, e.lib.UserID(), d.ID)
		if err != nil || row.StorageBackend != e.blobs.Backend() {
			t.Errorf("the row says storage backend %q (%v), want %q", row.StorageBackend, err, e.blobs.Backend())
		}
		keyRe := regexp.MustCompile(`^` + e.lib.UserID() + `/` + d.ID + `/[0-9a-f-]{36}\.pdf$`)
		if !keyRe.MatchString(row.ObjectKey) {
			t.Errorf("object key %q is not {user}/{doc}/{uuid}.pdf", row.ObjectKey)
		}
		got, err := e.lib.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SHA256 != d.SHA256 || got.Filename != d.Filename {
			t.Errorf("stored row differs: %+v", got)
		}
		if b := readAll(t, e, d.ID); !bytes.Equal(b, pdfBytes) {
			t.Error("Open returned different bytes")
		}
		rc, _, err := e.lib.OpenRange(ctx, d.ID, 5, 3)
		if err != nil {
			t.Fatal(err)
		}
		part, _ := io.ReadAll(rc)
		rc.Close()
		if string(part) != "1.4" {
			t.Errorf("range read %q", part)
		}
	})
}

func TestImportHostileNamesNeverReachKeys(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		names := []string{"../../etc/passwd", "a/b\\c.txt", "new\nline.txt", "bad\xff\xfeutf8.TXT", "<script>alert(1)</script>.html", "CON", "x.tar.gz!!", "résumé.pdf"}
		for i, name := range names {
			body := []byte(strings.Repeat("x", i+1))
			res, err := e.lib.Import(ctx, name, "", bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%q: %v", name, err)
			}
			d, err := e.lib.Document(ctx, res.Document.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Filename != name {
				t.Errorf("filename %q stored as %q", name, d.Filename)
			}
			key := e.key(t, d.ID)
			base := key[strings.LastIndexByte(key, '/')+1:]
			if !regexp.MustCompile(`^[0-9a-f-]{36}(\.[a-z0-9]{1,16})?$`).MatchString(base) {
				t.Errorf("key %q leaks the name %q", key, name)
			}
		}
		if _, err := e.lib.Import(ctx, "", "", strings.NewReader("x")); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("empty name: %v", err)
		}
		if _, err := e.lib.Import(ctx, "a\x00b", "", strings.NewReader("x")); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("NUL in name: %v", err)
		}
	})
}

func TestImportDuplicateKeepsOneCopy(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		first, err := e.lib.Import(ctx, "a.txt", "", strings.NewReader("same bytes"))
		if err != nil {
			t.Fatal(err)
		}
		second, err := e.lib.Import(ctx, "b.txt", "", strings.NewReader("same bytes"))
		if err != nil {
			t.Fatal(err)
		}
		if !second.Duplicate || second.Document.ID != first.Document.ID {
			t.Fatalf("second import: duplicate=%v id=%s, want the first (%s)", second.Duplicate, second.Document.ID, first.Document.ID)
		}
		if keys := e.objectKeys(t); len(keys) != 1 {
			t.Errorf("objects after duplicate import: %v", keys)
		}
	})
}

func TestImportEmptyFile(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		res, err := e.lib.Import(context.Background(), "empty.txt", "", bytes.NewReader(nil))
		if err != nil {
			t.Fatal(err)
		}
		if res.Document.SizeBytes != 0 || res.Document.SHA256 != sum(nil) {
			t.Errorf("empty file stored as %+v", res.Document)
		}
		if b := readAll(t, e, res.Document.ID); len(b) != 0 {
			t.Errorf("read back %d bytes", len(b))
		}
	})
}

type failingReader struct {
	left int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errors.New("disk read error")
	}
	n := min(len(p), f.left)
	for i := range p[:n] {
		p[i] = 'z'
	}
	f.left -= n
	return n, nil
}

func TestImportReaderFailureLeavesNothing(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		_, err := e.lib.Import(ctx, "broken.bin", "", &failingReader{left: 100_000})
		if err == nil {
			t.Fatal("import of a failing reader succeeded")
		}
		page, err := e.lib.Documents(ctx, library.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 0 {
			t.Errorf("%d rows after a failed import", page.Total)
		}
		if keys := e.objectKeys(t); len(keys) != 0 {
			t.Errorf("objects after a failed import: %v", keys)
		}
	})
}

func TestImportDatabaseDownRemovesObject(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		e.store.Close() // the database goes away under the library
		_, err := e.lib.Import(context.Background(), "a.txt", "", strings.NewReader("hello"))
		if err == nil || !strings.Contains(err.Error(), "database") {
			t.Fatalf("import with the database down: %v", err)
		}
		if keys := e.objectKeys(t); len(keys) != 0 {
			t.Errorf("object left behind without a row: %v", keys)
		}
	})
}

func TestImportPathRejectsSpecialFiles(t *testing.T) {
	e := newLocal(t)
	ctx := context.Background()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cases := map[string]string{
		dir:                          "a directory",
		fifo:                         "named pipe",
		sock:                         "a socket",
		filepath.Join(dir, "absent"): "does not exist",
	}
	for path, want := range cases {
		_, err := e.lib.ImportPath(ctx, path)
		if !errors.Is(err, library.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an invalid-input error saying %q", path, err, want)
		}
	}
}

func TestImportPathStreamsFromDisk(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		path := filepath.Join(t.TempDir(), "Scan 01.PNG")
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 200_000)...)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := e.lib.ImportPath(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if res.Document.Filename != "Scan 01.PNG" || res.Document.ContentType != "image/png" || !strings.HasSuffix(e.key(t, res.Document.ID), ".png") {
			t.Errorf("imported as %+v", res.Document)
		}
		if !bytes.Equal(readAll(t, e, res.Document.ID), png) {
			t.Error("bytes differ")
		}
	})
}

// zeroes yields n zero bytes without holding them.
type zeroes struct{ n int64 }

func (z *zeroes) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), z.n)
	clear(p[:k])
	z.n -= k
	return int(k), nil
}

func TestImportStreamsWithoutBuffering(t *testing.T) {
	e := newLocal(t)
	const size = 256 << 20
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res, err := e.lib.Import(context.Background(), "big.bin", "", &zeroes{n: size})
	if err != nil {
		t.Fatal(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if res.Document.SizeBytes != size {
		t.Fatalf("size %d", res.Document.SizeBytes)
	}
	// TotalAlloc counts every byte ever allocated: a buffered import of
	// 256 MiB would allocate at least that much.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Errorf("importing 256 MiB allocated %d MiB: the import is not streaming", grew>>20)
	}
}
