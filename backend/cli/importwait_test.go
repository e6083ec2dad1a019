package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/sqlite"
)

// TestImportWaitsOnlyForItsOwnDocuments leaves other work in the queue —
// a job leased for an hour by a process that crashed, and a retry due in
// an hour — and checks that `docsift import` returns once the document it
// imported is ready, without waiting for that work.
func TestImportWaitsOnlyForItsOwnDocuments(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leased, retrying := write("leased.txt", "leased by a crashed process"), write("retrying.txt", "waiting for its retry")
	if code, out, errs := run(t, nil, "import", "--no-wait", "--data-dir", data, leased, retrying); code != ExitOK {
		t.Fatalf("import --no-wait exit %d\n%s\n%s", code, out, errs)
	}

	// Another process claims both jobs: one stays leased for an hour (the
	// process crashed), the other fails and is retried in an hour.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(data, "docsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := st.ClaimJobs(ctx, store.Claim{Owner: "crashed-process", Limit: 2, Lease: time.Hour})
	if err != nil || len(claimed) != 2 {
		st.Close()
		t.Fatalf("claim the queued jobs: %d claimed, %v", len(claimed), err)
	}
	later := time.Now().Add(time.Hour)
	err = st.FinishJob(ctx, store.JobOutcome{JobID: claimed[1].ID, Owner: "crashed-process", Error: "try again later", RetryAt: &later})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	// Before, import waited for the whole queue: for the hour's lease
	// and retry. The test's deadline stands in for "forever".
	fresh := write("fresh.txt", "a document of its own")
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }, Home: "/nonexistent-home"}
	if code := Main(ctx, []string{"import", "--data-dir", data, fresh}, env); code != ExitOK {
		t.Fatalf("import exit %d (deadline passed: %v)\n%s\n%s", code, ctx.Err() != nil, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "imported 1, duplicates 0, failed 0") {
		t.Errorf("summary: %s", out.String())
	}

	_, ls, _ := run(t, nil, "ls", "--json", "--data-dir", data)
	var rows []lsRow
	if err := json.Unmarshal([]byte(ls), &rows); err != nil {
		t.Fatalf("ls --json: %v\n%s", err, ls)
	}
	status := map[string]string{}
	for _, r := range rows {
		status[r.Filename] = r.Status
	}
	if status["fresh.txt"] != "ready" {
		t.Errorf("fresh.txt is %q after import returned, want ready", status["fresh.txt"])
	}
	for _, name := range []string{"leased.txt", "retrying.txt"} {
		if s := status[name]; s == "ready" || s == "failed" {
			t.Errorf("%s is %s: the other process's work should still be pending", name, s)
		}
	}
}
