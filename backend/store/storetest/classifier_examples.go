package storetest

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// examplesAfter collects ClassifierExamplesAfter.
func (f *fixture) examplesAfter(userID string, after int64) ([]store.ClassifierExample, error) {
	var out []store.ClassifierExample
	err := f.s.ClassifierExamplesAfter(f.ctx, userID, "builtin", after, func(ex store.ClassifierExample) error {
		out = append(out, ex)
		return nil
	})
	return out, err
}

// appendExamples appends versions (document, data; nil data forgets).
func (f *fixture) appendExamples(userID string, pairs ...any) int64 {
	f.t.Helper()
	var exs []store.ClassifierExample
	for i := 0; i < len(pairs); i += 2 {
		data, _ := pairs[i+1].([]byte)
		exs = append(exs, store.ClassifierExample{DocumentID: pairs[i].(string), Data: data})
	}
	last, err := f.s.AppendClassifierExamples(f.ctx, userID, "builtin", exs)
	if err != nil {
		f.t.Fatalf("AppendClassifierExamples: %v", err)
	}
	return last
}

// versions describes examples as "seq:doc:data<prev" for messages and
// comparisons.
func versions(exs []store.ClassifierExample) []string {
	out := make([]string, len(exs))
	for i, ex := range exs {
		out[i] = fmt.Sprintf("%d:%s:%s<%s", ex.Seq, ex.DocumentID, orNil(ex.Data), orNil(ex.Prev))
	}
	return out
}

func orNil(b []byte) string {
	if b == nil {
		return "nil"
	}
	return string(b)
}

// Versions are numbered in order, each read back with the one it
// replaced; a forgetting is a version without data.
func testClassifierExamples(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a, b := uuid.NewString(), uuid.NewString()
	if g, err := s.ClassifierGeneration(f.ctx, f.user.ID, "builtin"); err != nil || g != 0 {
		t.Fatalf("ClassifierGeneration before any example = %d, %v; want 0", g, err)
	}
	_, err := s.ClassifierExample(f.ctx, f.user.ID, "builtin", a)
	wantErr(t, "ClassifierExample before any", err, store.ErrNotFound)

	if last := f.appendExamples(f.user.ID, a, []byte("a1"), b, []byte("b1")); last != 2 {
		t.Fatalf("first append: last = %d, want 2", last)
	}
	if last := f.appendExamples(f.user.ID, a, []byte("a2")); last != 3 {
		t.Fatalf("second append: last = %d, want 3", last)
	}
	if last := f.appendExamples(f.user.ID, b, nil); last != 4 {
		t.Fatalf("forgetting: last = %d, want 4", last)
	}
	if last := f.appendExamples(f.user.ID); last != 4 {
		t.Errorf("an empty append = %d, want the newest number, 4", last)
	}
	if g, err := s.ClassifierGeneration(f.ctx, f.user.ID, "builtin"); err != nil || g != 4 {
		t.Errorf("ClassifierGeneration = %d, %v; want 4", g, err)
	}

	all, err := f.examplesAfter(f.user.ID, 0)
	want := []string{"1:" + a + ":a1<nil", "2:" + b + ":b1<nil", "3:" + a + ":a2<a1", "4:" + b + ":nil<b1"}
	if err != nil || !slices.Equal(versions(all), want) {
		t.Fatalf("ClassifierExamplesAfter(0) = %v, %v; want %v", versions(all), err, want)
	}
	tail, err := f.examplesAfter(f.user.ID, 2)
	if err != nil || !slices.Equal(versions(tail), want[2:]) {
		t.Errorf("ClassifierExamplesAfter(2) = %v, %v; want %v", versions(tail), err, want[2:])
	}

	ex, err := s.ClassifierExample(f.ctx, f.user.ID, "builtin", a)
	if err != nil || ex.Seq != 3 || string(ex.Data) != "a2" {
		t.Errorf("ClassifierExample(a) = %+v, %v; want version 3, a2", ex, err)
	}
	ex, err = s.ClassifierExample(f.ctx, f.user.ID, "builtin", b)
	if err != nil || ex.Seq != 4 || ex.Data != nil {
		t.Errorf("ClassifierExample(b) = %+v, %v; want version 4 without data (forgotten)", ex, err)
	}

	// Another user's classifier has its own numbers; a missing user none.
	other := f.otherUser()
	if g, _ := s.ClassifierGeneration(f.ctx, other.ID, "builtin"); g != 0 {
		t.Errorf("another user's generation = %d, want 0", g)
	}
	if mine, err := f.examplesAfter(other.ID, 0); err != nil || len(mine) != 0 {
		t.Errorf("another user's examples = %v, %v; want none", versions(mine), err)
	}
	if last := f.appendExamples(other.ID, a, []byte("x")); last != 1 {
		t.Errorf("another user's first version = %d, want 1", last)
	}
	_, err = s.AppendClassifierExamples(f.ctx, uuid.NewString(), "builtin", []store.ClassifierExample{{DocumentID: a, Data: []byte("x")}})
	wantErr(t, "AppendClassifierExamples for a missing user", err, store.ErrNotFound)
}

// Saving a model folds the versions it takes in; an older model never
// replaces a newer one, and a reader behind the stored model is told to
// load it.
func testClassifierModelFolds(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a, b := uuid.NewString(), uuid.NewString()
	f.appendExamples(f.user.ID, a, []byte("a1"), b, []byte("b1"), a, []byte("a2"), b, nil)
	save := func(gen int64, data string) error {
		return s.SaveClassifierModel(f.ctx, store.ClassifierModel{UserID: f.user.ID, Name: "builtin", Data: []byte(data), Generation: gen})
	}
	if err := save(3, "snapshot 3"); err != nil {
		t.Fatal(err)
	}
	m, err := s.ClassifierModel(f.ctx, f.user.ID, "builtin")
	if err != nil || m.Generation != 3 || string(m.Data) != "snapshot 3" {
		t.Fatalf("ClassifierModel = %q generation %d, %v; want snapshot 3", m.Data, m.Generation, err)
	}
	// a1 was replaced by a2 (3): folded. b1 is still what version 4 takes
	// back, so it stays.
	tail, err := f.examplesAfter(f.user.ID, 3)
	if want := []string{"4:" + b + ":nil<b1"}; err != nil || !slices.Equal(versions(tail), want) {
		t.Errorf("after the model of generation 3: %v, %v; want %v", versions(tail), err, want)
	}
	_, err = f.examplesAfter(f.user.ID, 2)
	wantErr(t, "ClassifierExamplesAfter below the model's generation", err, store.ErrConflict)

	wantErr(t, "saving an older model", save(2, "snapshot 2"), store.ErrConflict)
	if m, _ := s.ClassifierModel(f.ctx, f.user.ID, "builtin"); string(m.Data) != "snapshot 3" || m.Generation != 3 {
		t.Errorf("after an older save: %q generation %d, want snapshot 3 kept", m.Data, m.Generation)
	}
	if err := save(3, "snapshot 3 again"); err != nil {
		t.Errorf("saving the same generation again: %v", err)
	}

	// At generation 4 the forgotten document leaves no version at all.
	if err := save(4, "snapshot 4"); err != nil {
		t.Fatal(err)
	}
	_, err = s.ClassifierExample(f.ctx, f.user.ID, "builtin", b)
	wantErr(t, "ClassifierExample of a document forgotten before the model", err, store.ErrNotFound)
	if ex, err := s.ClassifierExample(f.ctx, f.user.ID, "builtin", a); err != nil || string(ex.Data) != "a2" {
		t.Errorf("ClassifierExample(a) = %+v, %v; want a2 kept (the model cannot be undone without it)", ex, err)
	}
	if last := f.appendExamples(f.user.ID, b, []byte("b2")); last != 5 {
		t.Errorf("numbering after folding: %d, want 5", last)
	}
	tail, err = f.examplesAfter(f.user.ID, 4)
	if want := []string{"5:" + b + ":b2<nil"}; err != nil || !slices.Equal(versions(tail), want) {
		t.Errorf("after the model of generation 4: %v, %v; want %v", versions(tail), err, want)
	}
}

// Writers appending at once lose nothing: every version gets its own
// number, and the numbers have no gaps.
func testClassifierExamplesConcurrent(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	const writers, each = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				doc := fmt.Sprintf("%d-%d", w, i%5)
				_, err := s.AppendClassifierExamples(f.ctx, f.user.ID, "builtin",
					[]store.ClassifierExample{{DocumentID: doc, Data: fmt.Appendf(nil, "%d", i)}})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("AppendClassifierExamples: %v", err)
		}
	}
	all, err := f.examplesAfter(f.user.ID, 0)
	if err != nil || len(all) != writers*each {
		t.Fatalf("%d versions (%v), want %d", len(all), err, writers*each)
	}
	for i, ex := range all {
		if ex.Seq != int64(i+1) {
			t.Fatalf("version %d is numbered %d: want 1 to %d without gaps", i, ex.Seq, writers*each)
		}
		// Each writer's documents were written in order: the version
		// replaced is the one written just before by the same writer.
		if n, _ := strconv.Atoi(string(ex.Data)); n >= 5 && ex.Prev == nil {
			t.Errorf("version %d (%s, %d) replaced nothing, want the document's earlier version", ex.Seq, ex.DocumentID, n)
		}
	}
}

// Replacing the history leaves only the new versions, numbered after the
// old ones, and the model that takes them in.
func testClassifierReplace(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a, b := uuid.NewString(), uuid.NewString()
	f.appendExamples(f.user.ID, a, []byte("a1"), b, []byte("b1"))
	last, err := s.ReplaceClassifierExamples(f.ctx, store.ClassifierModel{UserID: f.user.ID, Name: "builtin", Fingerprint: 9, Data: []byte("rebuilt")},
		[]store.ClassifierExample{{DocumentID: a, Data: []byte("a9")}})
	if err != nil || last != 3 {
		t.Fatalf("ReplaceClassifierExamples = %d, %v; want 3", last, err)
	}
	m, err := s.ClassifierModel(f.ctx, f.user.ID, "builtin")
	if err != nil || m.Generation != 3 || string(m.Data) != "rebuilt" || m.Fingerprint != 9 {
		t.Errorf("model after a replace = %q generation %d fingerprint %d, %v; want rebuilt at 3", m.Data, m.Generation, m.Fingerprint, err)
	}
	_, err = s.ClassifierExample(f.ctx, f.user.ID, "builtin", b)
	wantErr(t, "ClassifierExample of a document left out of the new history", err, store.ErrNotFound)
	if ex, err := s.ClassifierExample(f.ctx, f.user.ID, "builtin", a); err != nil || string(ex.Data) != "a9" || ex.Seq != 3 {
		t.Errorf("ClassifierExample(a) = %+v, %v; want a9 at 3", ex, err)
	}
	_, err = f.examplesAfter(f.user.ID, 2)
	wantErr(t, "ClassifierExamplesAfter from the old history", err, store.ErrConflict)
	f.appendExamples(f.user.ID, a, []byte("a10"))
	tail, err := f.examplesAfter(f.user.ID, 3)
	if want := []string{"4:" + a + ":a10<a9"}; err != nil || !slices.Equal(versions(tail), want) {
		t.Errorf("after the replace: %v, %v; want %v", versions(tail), err, want)
	}
}
