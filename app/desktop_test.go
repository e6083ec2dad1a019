package app

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
)

func TestDesktopOnlyMethods(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		a := e.app
		dir := writeFiles(t, map[string]string{
			"a.txt":         "first picked file",
			"b.md":          "second picked file",
			"dropped.txt":   "dropped from the file manager",
			"tool.desktop":  "[Desktop Entry]\nType=Application\nExec=sh -c 'touch /tmp/pwned'\n",
			"-rf ..pdf.txt": "a hostile name",
		})

		// The native open-files dialog: cancelled, failing, then two files.
		if rs := call(a.ImportWithDialog()).must(t); len(rs) != 0 {
			t.Fatalf("cancelled dialog imported %+v", rs)
		}
		e.rt.dlgErr = errors.New("no portal")
		_, err := a.ImportWithDialog()
		wantSentence(t, err, "dialog")
		_, err = a.ChooseFolder()
		wantSentence(t, err, "dialog")
		e.rt.dlgErr = nil
		e.rt.files = []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.md")}
		rs := call(a.ImportWithDialog()).must(t)
		if got := statuses(rs); len(got) != 2 || got["a.txt"] != library.Imported || got["b.md"] != library.Imported {
			t.Fatalf("ImportWithDialog = %v", got)
		}

		// The folder chooser for watched folders.
		e.rt.dir = "/home/someone/Scans"
		if d := call(a.ChooseFolder()).must(t); d != "/home/someone/Scans" {
			t.Fatalf("ChooseFolder = %q", d)
		}

		// An OS file drop: the callback registered at startup imports by
		// path in the background and tells the window.
		e.rt.mu.Lock()
		drop := e.rt.drop
		e.rt.mu.Unlock()
		if drop == nil {
			t.Fatal("startup registered no file-drop callback")
		}
		drop(10, 20, []string{filepath.Join(dir, "dropped.txt")})
		deadline := time.Now().Add(30 * time.Second)
		for !finished(e.rt, "dropped.txt") {
			if time.Now().After(deadline) {
				t.Fatal("the drop was not imported")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if list := call(a.ListDocuments(ListQuery{})).must(t); list.Total != 3 {
			t.Fatalf("after the drop: %d documents, want 3", list.Total)
		}

		// Open with the system viewer: a read-only copy with a safe name
		// in a private folder, handed to the opener by absolute path.
		hostile := call(a.ImportPaths([]string{filepath.Join(dir, "-rf ..pdf.txt")})).must(t)[0].Document
		if err := a.OpenWithSystem(hostile.ID); err != nil {
			t.Fatal(err)
		}
		opened := e.rt.opened[len(e.rt.opened)-1]
		base := filepath.Base(opened)
		if !filepath.IsAbs(opened) || strings.HasPrefix(base, "-") || strings.HasPrefix(base, ".") || !strings.HasSuffix(base, ".txt") {
			t.Fatalf("opened %q, want an absolute path with a safe name", opened)
		}
		info, err := os.Stat(opened)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o400 {
			t.Fatalf("copy mode %v, want read-only for the owner", info.Mode().Perm())
		}
		if b, _ := os.ReadFile(opened); string(b) != "a hostile name" {
			t.Fatalf("copy holds %q", b)
		}
		if dinfo, _ := os.Stat(filepath.Dir(filepath.Dir(opened))); dinfo.Mode().Perm() != 0o700 {
			t.Fatalf("copies folder mode %v, want 0700", dinfo.Mode().Perm())
		}
		// Opening it again replaces the read-only copy.
		if err := a.OpenWithSystem(hostile.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.RevealInFileManager(hostile.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.rt.opened[len(e.rt.opened)-1]; got != filepath.Dir(opened) {
			t.Fatalf("revealed %q, want the copy's folder %q", got, filepath.Dir(opened))
		}

		// A launcher is refused: opening it would run it.
		launcher := call(a.ImportPaths([]string{filepath.Join(dir, "tool.desktop")})).must(t)[0].Document
		n := len(e.rt.opened)
		if launcher.ContentType == "application/x-desktop" || strings.HasPrefix(launcher.ContentType, "text/") {
			err := a.OpenWithSystem(launcher.ID)
			if launcher.ContentType == "application/x-desktop" {
				wantSentence(t, err, "program")
			} else if err != nil {
				t.Fatal(err)
			} else if ext := filepath.Ext(e.rt.opened[len(e.rt.opened)-1]); ext == ".desktop" {
				t.Fatalf("a launcher was opened with its .desktop extension")
			}
		}
		wantSentence(t, a.OpenWithSystem("00000000-0000-0000-0000-000000000000"), "not found")
		if len(e.rt.opened) > n+1 {
			t.Fatalf("opened %v", e.rt.opened[n:])
		}
	})
}

func TestDesktopMethodsNeedTheWindow(t *testing.T) {
	a := New(t.Context(), Options{})
	_, err := a.ImportWithDialog()
	wantSentence(t, err, "not ready")
	_, err = a.ChooseFolder()
	wantSentence(t, err, "not ready")
}

func TestSafeNames(t *testing.T) {
	for _, c := range []struct{ name, ctype, want string }{
		{"Invoice 2025.PDF", "application/pdf", "Invoice 2025.pdf"},
		{"../../etc/passwd", "text/plain; charset=utf-8", "______etc_passwd.txt"},
		{"-rf", "application/octet-stream", "rf"},
		{".bashrc", "text/plain", "document.txt"},
		{"run.sh", "text/plain", "run.txt"},
		{"evil.desktop", "application/octet-stream", "evil"},
		{"Straße (1).odt", "application/vnd.oasis.opendocument.text", "Straße (1).odt"},
		{"a\x00b\nc.png", "image/png", "a_b_c.png"},
		{"", "", "document"},
	} {
		if got := safeFilename(c.name, c.ctype); got != c.want {
			t.Errorf("safeFilename(%q, %q) = %q, want %q", c.name, c.ctype, got, c.want)
		}
	}
	for _, ct := range []string{"application/x-executable", "application/x-desktop", "text/x-shellscript; charset=utf-8", "application/x-msdownload"} {
		if !executable(ct) {
			t.Errorf("%s is not treated as a program", ct)
		}
	}
	if executable("application/pdf") {
		t.Error("a PDF is treated as a program")
	}
}

func TestProgressIsThrottledAndOrdered(t *testing.T) {
	bus := events.New()
	rt := &fakeRuntime{}
	f := newForwarder(t.Context(), rt, bus, 50*time.Millisecond)
	defer f.close()
	start := time.Now()
	for i := range 2000 {
		bus.Publish(events.Event{Type: events.JobsProgress, Data: i})
	}
	bus.Publish(events.Event{Type: events.DocumentReady, DocumentID: "d1"})
	for i := range 500 {
		f.send(events.Event{Type: EventImportProgress, Data: i})
	}
	rt.waitEvent(t, events.DocumentReady)
	deadline := time.Now().Add(5 * time.Second)
	for {
		p := rt.events(EventImportProgress)
		if len(p) > 0 && p[len(p)-1].Data == 499 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the last import.progress never arrived: %+v", p)
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	jobs := rt.events(events.JobsProgress)
	if jobs[len(jobs)-1].Data != 1999 {
		t.Fatalf("last jobs.progress = %v, want 1999 (the latest is always delivered)", jobs[len(jobs)-1].Data)
	}
	// At most one per interval, plus the flush an ordinary event forces.
	if max := int(elapsed/(50*time.Millisecond)) + 3; len(jobs) > max {
		t.Fatalf("%d jobs.progress events in %v, want at most %d", len(jobs), elapsed, max)
	}
	// document.ready came after progress 1999 was published: that
	// progress reached the window first.
	rt.mu.Lock()
	var order []string
	for _, e := range rt.emitted {
		if e.Type != EventImportProgress {
			order = append(order, e.Type)
		}
	}
	rt.mu.Unlock()
	if order[len(order)-1] != events.DocumentReady {
		t.Fatalf("events out of order: %v", order)
	}
}

func TestAssetHandlerServesOnlyDocumentFiles(t *testing.T) {
	var served []string
	h := filesOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served = append(served, r.Method+" "+r.URL.Path)
	}))
	for _, c := range []struct {
		method, path string
		pass         bool
	}{
		{"GET", "/api/documents/abc/file", true},
		{"HEAD", "/api/documents/abc/file", true},
		{"GET", "/api/documents/abc/thumbnail", true},
		{"DELETE", "/api/documents/abc", false},
		{"POST", "/api/documents/abc/file", false},
		{"GET", "/api/settings", false},
		{"GET", "/api/documents/a/b/file", false},
		{"PUT", "/api/settings", false},
	} {
		served = nil
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if got := len(served) == 1; got != c.pass {
			t.Errorf("%s %s passed=%v, want %v", c.method, c.path, got, c.pass)
		}
		if !c.pass && rec.Code != http.StatusNotFound {
			t.Errorf("%s %s = %d, want 404", c.method, c.path, rec.Code)
		}
	}
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	a := New(t.Context(), Options{})
	err := a.fail("X", errors.New("dial tcp postgres://admin:hunter2@db:5432: refused"))
	if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "log") {
		t.Fatalf("fail = %q", err)
	}
}

// finished reports whether an import.finished event reported name imported.
func finished(rt *fakeRuntime, name string) bool {
	for _, e := range rt.events(EventImportFinished) {
		for _, r := range e.Data.(map[string]any)["results"].([]UploadResult) {
			if r.Filename == name && r.Status == library.Imported {
				return true
			}
		}
	}
	return false
}

// TestClosingStopsEvents: once the window is closing nothing more is sent
// to it (its web view is about to go), and imports still work.
func TestClosingStopsEvents(t *testing.T) {
	ctx := t.Context()
	bus := events.New()
	rt := &fakeRuntime{}
	a := New(ctx, Options{Bus: bus})
	a.startup(rt)
	bus.Publish(events.Event{Type: events.DocumentReady, DocumentID: "before"})
	rt.waitEvent(t, events.DocumentReady)
	a.closing()
	a.closing() // twice is fine (close button, then shutdown)
	n := len(rt.events(events.DocumentReady))
	bus.Publish(events.Event{Type: events.DocumentReady, DocumentID: "after"})
	a.emit(events.Event{Type: EventImportFinished})
	time.Sleep(50 * time.Millisecond)
	if got := len(rt.events(events.DocumentReady)) + len(rt.events(EventImportFinished)); got != n {
		t.Fatalf("%d events reached a closing window", got-n)
	}
	a.shutdown()
}
