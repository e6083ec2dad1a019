package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/blob/s3"
	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/backend/store/sqlite"
	"github.com/docsift/docsift/backend/watch"
	"github.com/docsift/docsift/backend/wire"
	"github.com/docsift/docsift/internal/testenv"
)

// The fault suite tries hard to make an ingest lose something: it kills the
// importing process at random moments, takes the object store and the
// database away mid-ingest, and fills the disk. Every `go test` runs a short
// version; DOCSIFT_FAULTS=full (`make faults`) runs the full one. Each test
// ends with its figures (runs, kills, files, lost, duplicated, orphans), in
// the test log and as one "faults:" line on stdout.

// faultScale is how hard a fault test pushes.
type faultScale struct {
	files int // source files in the drop folder
	kills int // SIGKILLs of the importing process
	full  bool
}

// scaleOf is the short scale, or the full one under DOCSIFT_FAULTS=full.
func scaleOf() faultScale {
	if os.Getenv("DOCSIFT_FAULTS") == "full" {
		return faultScale{files: 2000, kills: 20, full: true}
	}
	return faultScale{files: 200, kills: 5}
}

// srcFile is one file written into a drop folder.
type srcFile struct {
	rel    string // path inside the drop folder
	sha256 string
	size   int
}

// faultWords make the text files' contents: the classifier has something
// to chew on and the files differ in size.
var faultWords = strings.Fields("invoice tax return bank statement insurance policy medical report " +
	"rent contract salary pension electricity water school holiday receipt warranty car repair")

// writeCorpus writes n files into dir and returns them. About one file in
// ten repeats an earlier file's bytes under another name (a duplicate), one
// in fifty is a damaged PDF (imported, then failed by extraction), one in a
// hundred is 2 MB so that kills land mid-upload, and a third sit in
// subfolders.
func writeCorpus(t *testing.T, dir string, n int) []srcFile {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 9))
	var files []srcFile
	var bodies [][]byte
	for i := range n {
		var body []byte
		switch {
		case i%10 == 9:
			body = bodies[rng.IntN(len(bodies))] // a duplicate
		case i%50 == 7:
			body = fmt.Appendf(nil, "%%PDF-1.4\n%% damaged %d\n%%%%EOF\n", i)
		case i%100 == 42:
			body = make([]byte, 2<<20)
			for j := range body {
				body[j] = faultWords[(i+j/7)%len(faultWords)][0]
			}
			body = fmt.Appendf(body, "\nbig file %d\n", i)
		default:
			var b strings.Builder
			fmt.Fprintf(&b, "document %d\n", i)
			for range 20 + rng.IntN(400) {
				b.WriteString(faultWords[rng.IntN(len(faultWords))])
				b.WriteByte(' ')
			}
			body = []byte(b.String())
		}
		bodies = append(bodies, body)
		ext := ".txt"
		if strings.HasPrefix(string(body), "%PDF") {
			ext = ".pdf"
		}
		rel := fmt.Sprintf("file-%05d%s", i, ext)
		if i%3 == 1 {
			rel = filepath.Join(fmt.Sprintf("sub-%d", i%7), rel)
		}
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		files = append(files, srcFile{rel: rel, sha256: hex.EncodeToString(sum[:]), size: len(body)})
	}
	return files
}

// serverVars are the DOCSIFT_* settings of the server profile for a
// PostgreSQL DSN and a MinIO endpoint (the local profile needs none).
func serverVars(dsn string, m testenv.S3) map[string]string {
	return map[string]string{
		"DOCSIFT_PROFILE": "server", "DOCSIFT_POSTGRES_DSN": dsn,
		"DOCSIFT_S3_ENDPOINT": m.Endpoint, "DOCSIFT_S3_ACCESS_KEY": m.AccessKey,
		"DOCSIFT_S3_SECRET_KEY": m.SecretKey, "DOCSIFT_S3_BUCKET": m.Bucket,
	}
}

// childProc is docsift running in a separate process (this test binary,
// re-executed through TestMain), so that it can be killed for real.
type childProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
}

// startChild starts `docsift args...` with the settings in vars. The
// process is killed when the test ends if it still runs.
func startChild(t *testing.T, vars map[string]string, args ...string) *childProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DOCSIFT_CLI_CHILD=1", "DOCSIFT_LOG_LEVEL=warn")
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	c := &childProc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout = io.Discard
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(c.done) }()
	t.Cleanup(func() { c.kill() })
	return c
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *childProc) kill() {
	select {
	case <-c.done:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

// exited reports whether the process has ended.
func (c *childProc) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// peakRSS is the process's peak resident memory (VmHWM) in bytes, or 0
// once it has exited.
func (c *childProc) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb * 1024
		}
	}
	return 0
}

// openLibrary opens the library the children work on, in this process, to
// check it from the outside.
func openLibrary(t *testing.T, vars map[string]string, data string) (*library.Library, config.Config) {
	t.Helper()
	cfg, err := config.Load(config.Sources{
		Flags:  map[string]string{"data_dir": data},
		Getenv: func(k string) string { return vars[k] },
		Home:   "/nonexistent-home",
	})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := wire.Open(context.Background(), cfg, library.Deps{Bus: events.New()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib, cfg
}

// openStore opens the metadata store of cfg beside the library's, to read
// what only the rows say (object keys).
func openStore(t *testing.T, cfg config.Config) store.Store {
	t.Helper()
	var (
		st  store.Store
		err error
	)
	if cfg.Profile == config.ProfileServer {
		st, err = postgres.Open(context.Background(), cfg.PostgresDSN)
	} else {
		st, err = sqlite.Open(context.Background(), cfg.SQLitePath())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openBlobs opens the library's object store directly, to list it.
func openBlobs(t *testing.T, cfg config.Config) blob.Store {
	t.Helper()
	var bs blob.Store
	var err error
	if cfg.Profile == config.ProfileServer {
		bs, err = s3.New(context.Background(), s3.Config{Endpoint: cfg.S3.Endpoint, AccessKey: cfg.S3.AccessKey,
			SecretKey: cfg.S3.SecretKey, Bucket: cfg.S3.Bucket, Region: cfg.S3.Region, UseTLS: cfg.S3.UseTLS})
	} else {
		bs, err = localfs.New(cfg.ObjectsDir())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	return bs
}

// allDocuments lists every document of the library.
func allDocuments(t *testing.T, lib *library.Library) []library.Document {
	t.Helper()
	var docs []library.Document
	f := library.Filter{Limit: 1000}
	for {
		p, err := lib.Documents(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, p.Documents...)
		if p.NextCursor == "" {
			return docs
		}
		f.Cursor = p.NextCursor
	}
}

// dropState is what a drop folder holds: files still waiting, files in
// done/, files in failed/ (with whether their .error.txt note exists).
type dropState struct {
	waiting, done []string // sha256 of each file
	failed        []string
	failedNoNote  []string // paths in failed/ without a note
}

// scanDrop walks a drop folder.
func scanDrop(t *testing.T, dir string) dropState {
	t.Helper()
	var s dropState
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // moved away by the watcher while we walked
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		if top == watch.FailedDir && strings.HasSuffix(p, watch.ErrorSuffix) {
			return nil
		}
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // likewise
		}
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])
		switch top {
		case watch.DoneDir:
			s.done = append(s.done, h)
		case watch.FailedDir:
			s.failed = append(s.failed, h)
			if _, err := os.Stat(p + watch.ErrorSuffix); err != nil {
				s.failedNoNote = append(s.failedNoNote, rel)
			}
		default:
			s.waiting = append(s.waiting, h)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitIngested waits until the drop folder holds no waiting file and every
// document is ready or failed, failing the test after limit.
func waitIngested(t *testing.T, lib *library.Library, drop string, limit time.Duration, alive func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := scanDrop(t, drop)
		pending := 0
		docs := 0
		if len(s.waiting) == 0 {
			all := allDocuments(t, lib)
			docs = len(all)
			for _, d := range all {
				if d.Status != store.StatusReady && d.Status != store.StatusFailed {
					pending++
				}
			}
			if pending == 0 {
				return
			}
		}
		if alive != nil && !alive() {
			t.Fatalf("the importing process died: %d files waiting, %d of %d documents pending", len(s.waiting), pending, docs)
		}
		if time.Now().After(deadline) {
			var stuck []string
			if len(s.waiting) == 0 {
				for _, d := range allDocuments(t, lib) {
					if d.Status != store.StatusReady && d.Status != store.StatusFailed {
						stuck = append(stuck, fmt.Sprintf("%s %q: %s %q, jobs: %s", d.ID, d.Filename, d.Status, d.Error, lib.DescribeJobs(context.Background(), d.ID)))
					}
				}
			}
			t.Fatalf("after %s: %d files still waiting, %d of %d documents not ready or failed:\n%s",
				limit, len(s.waiting), pending, docs, strings.Join(stuck, "\n"))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// figures are a fault test's results.
type figures struct {
	name                     string
	runs, kills, files       int
	imported, dupFiles       int // documents, and source files that were duplicates
	failedFiles              int // source files in failed/
	lost, duplicated         int
	orphansRepaired, orphans int // orphans verify --repair removed; orphans left after it
	missing, mismatched      int // rows whose object is missing or has other bytes
	notFinal                 int // documents neither ready nor failed
	peakRSS                  int64
}

// report logs the figures and prints the one-line summary.
func (f figures) report(t *testing.T) {
	t.Helper()
	line := fmt.Sprintf("faults: %s: runs %d, kills %d, files %d, documents %d, duplicate files %d, failed files %d, lost %d, duplicated %d, orphans %d (repaired %d), missing %d, mismatched %d, not final %d",
		f.name, f.runs, f.kills, f.files, f.imported, f.dupFiles, f.failedFiles, f.lost, f.duplicated, f.orphans, f.orphansRepaired, f.missing, f.mismatched, f.notFinal)
	if f.peakRSS > 0 {
		line += fmt.Sprintf(", peak RSS %d MB", f.peakRSS>>20)
	}
	t.Log(line)
	fmt.Println(line)
	if f.lost != 0 || f.duplicated != 0 || f.orphans != 0 || f.missing != 0 || f.mismatched != 0 || f.notFinal != 0 {
		t.Errorf("%s: something was lost, duplicated, orphaned or left unfinished (see the figures)", f.name)
	}
}

// checkNothingLost runs `docsift verify --repair`, then checks the library
// and the drop folder against the source files independently of verify:
// every source file is in done/ (imported once: one document per distinct
// content, whose object holds exactly those bytes) or in failed/ with its
// note; every object belongs to a document; every document is final.
func checkNothingLost(t *testing.T, vars map[string]string, data, drop string, src []srcFile, f *figures) {
	t.Helper()
	f.files = len(src)
	bySHA := checkStores(t, vars, data, f)

	checkDrop(t, drop, src, bySHA, f)
}

// checkStores runs `docsift verify --repair` and checks the library
// independently of it: no two documents with the same bytes, every
// document final and its object holding exactly its bytes, every object
// owned by a document. It returns the documents by sha256.
func checkStores(t *testing.T, vars map[string]string, data string, f *figures) map[string]library.Document {
	t.Helper()
	// verify --repair removes orphans left by a kill between the upload
	// and the commit (the design's answer to them); count what it found.
	code, out, errs := run(t, vars, "verify", "--repair", "--json", "--grace", "0", "--data-dir", data)
	var rep maintenance.VerifyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("verify --repair: exit %d, %v\n%s\n%s", code, err, out, errs)
	}
	counts := rep.Counts()
	f.orphansRepaired = counts[maintenance.FindingOrphan]
	f.missing = counts[maintenance.FindingMissingObject]
	f.mismatched = counts[maintenance.FindingMismatch]
	if !rep.Clean() {
		t.Errorf("verify --repair left problems: %+v", rep.Findings)
	}
	if code, out, errs := run(t, vars, "verify", "--grace", "0", "--data-dir", data); code != ExitOK {
		t.Errorf("verify after repair: exit %d\n%s%s", code, out, errs)
	}

	lib, cfg := openLibrary(t, vars, data)
	docs := allDocuments(t, lib)
	f.imported = len(docs)
	ctx := context.Background()
	bySHA := map[string]library.Document{}
	for _, d := range docs {
		if _, ok := bySHA[d.SHA256]; ok {
			f.duplicated++
			t.Errorf("two documents with the same bytes: %s and %s (%s)", bySHA[d.SHA256].ID, d.ID, d.Filename)
		}
		bySHA[d.SHA256] = d
		if d.Status != store.StatusReady && d.Status != store.StatusFailed {
			f.notFinal++
			t.Errorf("%s (%s) is %s", d.Filename, d.ID, d.Status)
		}
		// The object holds exactly the bytes the row describes.
		rc, _, err := lib.Open(ctx, d.ID)
		if err != nil {
			f.missing++
			t.Errorf("%s: object: %v", d.Filename, err)
			continue
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if got := hex.EncodeToString(h.Sum(nil)); err != nil || got != d.SHA256 {
			f.mismatched++
			t.Errorf("%s: object bytes %s (%v), row says %s", d.Filename, got, err, d.SHA256)
		}
	}

	// Every object belongs to a document (its original or its thumbnail).
	owned := map[string]bool{}
	rows := openStore(t, cfg)
	owner, oerr := rows.DefaultUser(ctx)
	if oerr != nil {
		t.Fatal(oerr)
	}
	for _, d := range docs {
		row, err := rows.Document(ctx, owner.ID, d.ID)
		if err != nil {
			t.Fatalf("%s: the row: %v", d.Filename, err)
		}
		owned[row.ObjectKey] = true
		owned[jobs.ThumbnailKey(store.Document{UserID: lib.UserID(), ID: d.ID})] = true
	}
	bs := openBlobs(t, cfg)
	err := bs.List(ctx, "", func(i blob.Info) error {
		if !owned[i.Key] {
			f.orphans++
			t.Errorf("object without a document: %s", i.Key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return bySHA
}

// checkDrop is checkNothingLost's half about the drop folder.
func checkDrop(t *testing.T, drop string, src []srcFile, bySHA map[string]library.Document, f *figures) {
	t.Helper()
	// Every source file is accounted for: its bytes in done/ (then a
	// document has them) or in failed/ with a note. Compared as multisets of
	// content, since duplicates share bytes under different names.
	s := scanDrop(t, drop)
	for _, p := range s.failedNoNote {
		t.Errorf("%s is in failed/ without its %s note", p, watch.ErrorSuffix)
	}
	if len(s.waiting) > 0 {
		t.Errorf("%d files were never taken from the drop folder", len(s.waiting))
	}
	found := map[string]int{}
	for _, h := range s.done {
		found[h]++
		if _, ok := bySHA[h]; !ok {
			f.lost++
			t.Errorf("a file in done/ (sha256 %s) has no document", h)
		}
	}
	for _, h := range append(append([]string{}, s.failed...), s.waiting...) {
		found[h]++
	}
	f.failedFiles = len(s.failed)
	want := map[string]int{}
	for _, sf := range src {
		want[sf.sha256]++
	}
	f.dupFiles = len(src) - len(want)
	var shas []string
	for h := range want {
		shas = append(shas, h)
	}
	sort.Strings(shas)
	for _, h := range shas {
		if found[h] < want[h] {
			f.lost += want[h] - found[h]
			t.Errorf("%d source file(s) with sha256 %s are nowhere (not in done/, failed/ or the drop folder)", want[h]-found[h], h)
		}
	}
	// One document per distinct content that was not refused.
	for h := range want {
		_, doc := bySHA[h]
		inFailed := false
		for _, fh := range s.failed {
			inFailed = inFailed || fh == h
		}
		if !doc && !inFailed {
			t.Errorf("content %s has neither a document nor a file in failed/", h)
		}
	}
}

// crashIngest runs the crash test on one profile: a child `docsift watch`
// ingests the corpus and is SIGKILLed at random moments, restarted each
// time, then left to finish.
func crashIngest(t *testing.T, name string, vars map[string]string) {
	sc := scaleOf()
	data, drop := t.TempDir(), t.TempDir()
	src := writeCorpus(t, drop, sc.files)
	f := figures{name: name}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	// The watcher imports; a worker beside it extracts and classifies, as
	// in a scaled-out setup. Its lease is short so that the jobs a killed
	// worker held come back within seconds (the default is 5 minutes), yet
	// long enough that a live worker on a loaded machine (the PDF engine's
	// first compile takes seconds) rarely loses a job it is still running.
	watchArgs := []string{"watch", "--no-workers", "--data-dir", data, "--quiet", "50ms", drop}
	workerArgs := []string{"worker", "--data-dir", data, "--lease", "10s", "--workers", "2"}

	for range sc.kills {
		w, k := startChild(t, vars, watchArgs...), startChild(t, vars, workerArgs...)
		f.runs++
		// 0.3–2 s: long enough to be inside the import (start-up takes
		// ~0.1 s), short enough that a run never finishes the corpus.
		time.Sleep(time.Duration(300+rng.IntN(1700)) * time.Millisecond)
		if w.exited() || k.exited() {
			t.Fatalf("a process exited on its own:\n%s\n%s", w.stderr.String(), k.stderr.String())
		}
		// Both at once, or one a moment after the other.
		w.kill()
		time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond)
		k.kill()
		f.kills++
	}
	w, k := startChild(t, vars, watchArgs...), startChild(t, vars, workerArgs...)
	f.runs++
	lib, _ := openLibrary(t, vars, data)
	waitIngested(t, lib, drop, 10*time.Minute, func() bool { return !w.exited() && !k.exited() })
	f.peakRSS = max(w.peakRSS(), k.peakRSS())
	w.kill()
	k.kill()
	checkNothingLost(t, vars, data, drop, src, &f)
	f.report(t)
}

// Crash during ingest, local profile.
func TestFaultCrashDuringIngestLocal(t *testing.T) {
	crashIngest(t, "crash during ingest (local)", nil)
}

// Crash during ingest, server profile (the shared test services: a fresh
// database and bucket, nothing else touched).
func TestFaultCrashDuringIngestServer(t *testing.T) {
	crashIngest(t, "crash during ingest (server)", serverVars(testenv.Postgres(t), testenv.MinIO(t)))
}
