package library

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/teststores"
)

// heldCommits is a metadata store whose first CreateDocuments waits until
// the test lets it go, and which records the size of every batch.
type heldCommits struct {
	store.Store
	entered, release chan struct{}
	once             sync.Once

	mu      sync.Mutex
	batches []int
	singles int // CreateDocument calls
}

func (s *heldCommits) CreateDocument(ctx context.Context, d *store.Document, jobs ...store.Job) error {
	s.mu.Lock()
	s.singles++
	s.mu.Unlock()
	return s.Store.CreateDocument(ctx, d, jobs...)
}

func (s *heldCommits) CreateDocuments(ctx context.Context, docs []store.NewDocument) error {
	s.mu.Lock()
	s.batches = append(s.batches, len(docs))
	s.mu.Unlock()
	s.once.Do(func() {
		close(s.entered)
		<-s.release
	})
	return s.Store.CreateDocuments(ctx, docs)
}

// TestImporterCommitsWaitingRowsTogether holds the first commit of an
// import of 8 files, 8 at once, until the 7 others are stored and waiting:
// they then commit in one transaction, and each file is one document. In
// the second case another process commits the bytes of one of the waiting
// files meanwhile: the batch is refused as a whole, its rows are committed
// one by one, and that file is reported as a duplicate of the other
// process's document.
func TestImporterCommitsWaitingRowsTogether(t *testing.T) {
	for _, c := range []struct {
		name       string
		race, twin bool
	}{{"batch", false, false}, {"another process commits one file's bytes", true, false}, {"two files with the same bytes wait together", false, true}} {
		t.Run(c.name, func(t *testing.T) { testImporterBatch(t, c.race, c.twin) })
	}
}

func testImporterBatch(t *testing.T, race, twin bool) {
	ctx := context.Background()
	st, bs, _ := teststores.Local(t)
	held := &heldCommits{Store: st, entered: make(chan struct{}), release: make(chan struct{})}
	lib, err := New(ctx, Deps{Store: held, Blobs: sharedBlobs{bs}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()

	const n = 8
	src := t.TempDir()
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(src, fmt.Sprintf("file%d.txt", i))
		body := fmt.Sprintf("file number %d", i)
		if twin && i == 7 {
			body = "file number 6"
		}
		if err := os.WriteFile(paths[i], []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	im := lib.NewImporter(n)
	defer im.Close()
	results := make([]ImportResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := func(i int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = im.ImportPath(ctx, paths[i])
		}()
	}
	start(0)
	<-held.entered
	for i := 1; i < n; i++ {
		start(i)
	}
	// Wait (no clock asserted) until the 7 others are stored and queued.
	for deadline := time.Now().Add(time.Minute); len(im.queue) < n-1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d files queued for commit", len(im.queue))
		}
	}
	var theirs ImportResult
	if race {
		// Another process (a second library on the same store) commits
		// the bytes of file 5 while its row waits.
		other, err := New(ctx, Deps{Store: &writesSeen{Store: st, shared: true}, Blobs: sharedBlobs{bs}, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err = other.Import(ctx, "same as file 5.txt", "text/plain", strings.NewReader("file number 5"))
		other.Close()
		if err != nil || theirs.Duplicate {
			t.Fatalf("the other process's import: %+v, %v", theirs, err)
		}
	}
	close(held.release)
	wg.Wait()

	held.mu.Lock()
	batches, singles := append([]int(nil), held.batches...), held.singles
	held.mu.Unlock()
	together := n - 1
	if twin {
		together-- // file 7 is file 6's duplicate, not a row
	}
	if len(batches) < 2 || batches[0] != 1 || batches[1] != together {
		t.Errorf("batches %v, want 1 then the %d waiting rows together", batches, together)
	}
	if want := map[bool]int{false: 0, true: n - 1}[race]; len(batches) != 2 || singles != want {
		t.Errorf("batches %v then %d rows committed alone, want 2 batches then %d alone", batches, singles, want)
	}
	ids := map[string]bool{}
	for i, res := range results {
		if errs[i] != nil {
			t.Errorf("file %d: %v", i, errs[i])
			continue
		}
		if twin && (i == 6 || i == 7) {
			// Whichever was queued first is the document, the other its
			// duplicate.
			a, b := results[6], results[7]
			if i == 6 && (a.Document.ID != b.Document.ID || a.Duplicate == b.Duplicate) {
				t.Errorf("files 6 and 7 (same bytes): %+v and %+v, want one document and one duplicate of it", a, b)
			}
			ids[res.Document.ID] = true
			continue
		}
		if race && i == 5 {
			if !res.Duplicate || res.Document.ID != theirs.Document.ID {
				t.Errorf("file 5: %+v, want a duplicate of the other process's %s", res, theirs.Document.ID)
			}
			continue
		}
		if res.Duplicate || ids[res.Document.ID] {
			t.Errorf("file %d: %+v, want a new document of its own", i, res)
		}
		ids[res.Document.ID] = true
		if _, err := lib.Document(ctx, res.Document.ID); err != nil {
			t.Errorf("file %d's document: %v", i, err)
		}
	}
	page, err := st.Documents(ctx, store.DocumentFilter{UserID: lib.user.ID, Limit: 50})
	if want := map[bool]int{false: n, true: n - 1}[twin]; err != nil || page.Total != want {
		t.Errorf("%d documents stored (%v), want %d", page.Total, err, want)
	}
}
