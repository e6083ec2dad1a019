package cli

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the driver store/sqlite uses, for PRAGMA integrity_check
)

// Disk full: the local profile's data directory sits on a 4 MB tmpfs and an
// import of 10 MB runs it out of space. Each file that did not fit gets a
// clear reason, the database stays intact (PRAGMA integrity_check, verify),
// and once space is freed (the mount grown) the same import finishes with
// nothing lost, nothing duplicated and nothing orphaned.
func TestFaultDiskFull(t *testing.T) {
	data := t.TempDir()
	if os.Geteuid() != 0 {
		needService(t, "mounting a small tmpfs needs root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", data).CombinedOutput(); err != nil {
		needService(t, "cannot mount a tmpfs here (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	// Registered after TempDir, so it runs before the directory is removed.
	t.Cleanup(func() { exec.Command("umount", "-l", data).Run() })

	src := t.TempDir()
	files := writeSized(t, src, 20, 512<<10)
	f := figures{name: "disk full", files: len(files)}

	// --no-wait: only the storing is under test here. (Waiting for the
	// extraction on a full disk can take minutes: a job whose state cannot
	// be written is held until its lease runs out.)
	code, out, errs := run(t, nil, "import", "--no-wait", "--data-dir", data, src)
	f.runs++
	t.Logf("import on a full disk: exit %d\n%s%s", code, tail(out, 1500), tail(errs, 500))
	if code != ExitFailed {
		t.Errorf("exit %d, want %d when the disk fills up", code, ExitFailed)
	}
	if !strings.Contains(out+errs, "no space left on device") && !strings.Contains(out+errs, "disk is full") {
		t.Errorf("no clear reason given for the files that did not fit:\n%s%s", out, errs)
	}
	checkIntegrity(t, filepath.Join(data, "docsift.db"))

	// Space is freed: the same import finishes.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", data).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	code, out, errs = run(t, nil, "import", "--data-dir", data, src)
	f.runs++
	if code != ExitOK || !strings.Contains(out, "failed 0") {
		t.Fatalf("import after space was freed: exit %d\n%s%s", code, out, errs)
	}
	checkIntegrity(t, filepath.Join(data, "docsift.db"))
	checkLibrary(t, nil, data, files, &f)
	f.report(t)
}

// writeSized writes n files of size bytes with distinct contents.
func writeSized(t *testing.T, dir string, n, size int) []srcFile {
	t.Helper()
	var out []srcFile
	for i := range n {
		body := make([]byte, size)
		for j := range body {
			body[j] = byte('a' + (i+j)%26)
		}
		copy(body, fmt.Sprintf("file %d\n", i))
		rel := fmt.Sprintf("big-%02d.txt", i)
		if err := os.WriteFile(filepath.Join(dir, rel), body, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, srcFile{rel: rel, sha256: sha256Hex(body), size: size})
	}
	return out
}

// checkIntegrity runs SQLite's own consistency check on the database file.
func checkIntegrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Errorf("integrity_check: %q %v", res, err)
	}
}

// checkLibrary checks a library imported straight from files (no drop
// folder): the stores agree (checkStores) and every file has its document.
func checkLibrary(t *testing.T, vars map[string]string, data string, files []srcFile, f *figures) {
	t.Helper()
	bySHA := checkStores(t, vars, data, f)
	for _, s := range files {
		if _, ok := bySHA[s.sha256]; !ok {
			f.lost++
			t.Errorf("%s has no document", s.rel)
		}
	}
}

// sha256Hex is the hex sha256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
