package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/sqlite"
)

// A worker process killed with SIGKILL in the middle of a batch loses
// nothing: after restarts every document reaches ready exactly once — one
// extract and one classify job each, both done, and no step enqueued twice.
func TestWorkerKilledMidBatchLosesNothing(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	scan, err := os.ReadFile("../extract/testdata/scan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	const scans, texts = 6, 30
	for i := range scans {
		// Distinct bytes (a trailing comment) so none is a duplicate; each
		// needs OCR, which takes seconds: the kills land mid-job.
		b := append(append([]byte{}, scan...), fmt.Sprintf("\n%% copy %d\n", i)...)
		os.WriteFile(filepath.Join(src, fmt.Sprintf("scan-%d.pdf", i)), b, 0o644)
	}
	for i := range texts {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("note-%d.txt", i)), []byte(fmt.Sprintf("note number %d about crash safety", i)), 0o644)
	}
	if code, out, errs := run(t, nil, "import", "--no-wait", "--data-dir", data, src); code != ExitOK {
		t.Fatalf("import: %s %s", out, errs)
	}

	// Lease 6 s: longer than one OCR job, so a live worker keeps its jobs;
	// a killed worker's jobs come back 6 s later.
	worker := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "worker", "--data-dir", data, "--lease", "6s", "--workers", "2")
		cmd.Env = append(os.Environ(), "DOCSIFT_CLI_CHILD=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	kills := 0
	for range 3 {
		cmd := worker()
		time.Sleep(time.Duration(500+rand.IntN(2500)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		kills++
	}
	final := worker()
	defer func() {
		final.Process.Signal(syscall.SIGTERM)
		final.Wait()
	}()

	deadline := time.Now().Add(4 * time.Minute)
	var rows []lsRow
	for {
		_, out, _ := run(t, nil, "ls", "--json", "--data-dir", data)
		rows = nil
		json.Unmarshal([]byte(out), &rows)
		pending := 0
		for _, r := range rows {
			if r.Status != "ready" && r.Status != "failed" {
				pending++
			}
		}
		if len(rows) == scans+texts && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d kills, %d of %d documents still pending", kills, pending, len(rows))
		}
		time.Sleep(200 * time.Millisecond)
	}

	st, err := sqlite.Open(context.Background(), filepath.Join(data, "docsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	owner, err := st.DefaultUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Status != "ready" {
			t.Errorf("%s: %s (%s)", r.Filename, r.Status, r.Error)
		}
		js, err := st.DocumentJobs(context.Background(), owner.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, j := range js {
			if j.State != store.JobDone {
				t.Errorf("%s: job %s is %s", r.Filename, j.Kind, j.State)
			}
			kinds[j.Kind]++
		}
		if kinds[jobs.KindExtract] != 1 || kinds[jobs.KindClassify] != 1 || len(js) != 2 {
			t.Errorf("%s: jobs %v, want one extract and one classify", r.Filename, kinds)
		}
		if strings.HasPrefix(r.Filename, "scan-") {
			d, err := st.Document(context.Background(), owner.ID, r.ID)
			if err != nil || d.PageCount != 1 || len(d.ExtractedText) < 20 {
				t.Errorf("%s: OCR text %q, pages %d, %v", r.Filename, d.ExtractedText, d.PageCount, err)
			}
		}
	}
	t.Logf("%d documents, %d SIGKILLs, all ready, each step once", len(rows), kills)
}
