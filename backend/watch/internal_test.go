package watch

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestSkipRel(t *testing.T) {
	for rel, want := range map[string]bool{
		"invoice.pdf":              false,
		"sub/invoice.pdf":          false,
		"sub/done/x.pdf":           false, // only the top-level done/ is ours
		"done/x.pdf":               true,
		"failed/x.pdf":             true,
		"failed/x.pdf.error.txt":   true,
		".hidden":                  true,
		".git/config":              true,
		"sub/.cache/x":             true,
		"movie.mkv.part":           true,
		"report.PDF.crdownload":    true,
		"Safari.download":          true,
		"x.tmp":                    true,
		"X.TMP":                    true,
		"~$letter.docx":            true,
		"notes.txt.swp":            true,
		"draft~":                   true,
		"Thumbs.db":                true,
		"desktop.ini":              true,
		"partial.pdf":              false,
		"temporary notes.txt":      false,
		"tmp/real.txt":             false,
		"sub/x.part/inner.txt":     true,
		"~tilde-start-is-fine.txt": false,
	} {
		if got := skipRel(rel); got != want {
			t.Errorf("skipRel(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestWithSuffix(t *testing.T) {
	for in, want := range map[string]string{
		"/d/report.pdf":     "/d/report (3).pdf",
		"/d/README":         "/d/README (3)",
		"/d/archive.tar.gz": "/d/archive.tar (3).gz",
		"/d/.profile":       "/d/.profile (3)",
	} {
		if got := withSuffix(in, 3); got != want {
			t.Errorf("withSuffix(%q) = %q, want %q", in, got, want)
		}
	}
	if withSuffix("/d/a.pdf", 0) != "/d/a.pdf" {
		t.Error("suffix 0 changes the name")
	}
}

func TestBackoff(t *testing.T) {
	tm := Timings{RetryBackoff: time.Second, MaxBackoff: 10 * time.Second}
	var got []time.Duration
	for n := 1; n <= 6; n++ {
		got = append(got, tm.backoff(n))
	}
	want := []time.Duration{1, 2, 4, 8, 10, 10}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("backoff: %v", got)
		}
	}
}

func TestDefaultsDocumented(t *testing.T) {
	d := Timings{}.withDefaults()
	if d.Quiet != 200*time.Millisecond || d.Unguarded != 5*time.Second || d.Rescan != 5*time.Minute || d.PollInterval != 10*time.Second || d.MaxAttempts != 8 {
		t.Errorf("defaults changed without their comments: %+v", d)
	}
}

// The open-for-writing check sees a writer holding the file open, however
// long it pauses, and nothing once it is closed.
func TestOpenForWriting(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("leases are Linux-only")
	}
	p := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	busy, known := openForWriting(p)
	if !known {
		t.Skip("leases unavailable here (leases-enable=0, or not the owner)")
	}
	if !busy {
		t.Error("a file open for writing was not seen as busy")
	}
	f.Close()
	if busy, _ := openForWriting(p); busy {
		t.Error("a closed file is seen as busy")
	}
	r, _ := os.Open(p)
	defer r.Close()
	if busy, _ := openForWriting(p); busy {
		t.Error("a reader makes the file busy")
	}
}

func TestSuggestPollingLocal(t *testing.T) {
	if SuggestPolling(t.TempDir()) {
		t.Error("a local temp folder is not a network share")
	}
	if SuggestPolling(filepath.Join(t.TempDir(), "missing")) {
		t.Error("a missing folder cannot be judged")
	}
}
