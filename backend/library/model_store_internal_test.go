package library

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/store"
)

// checked waits for the background check of lib's loaded model against
// the decisions.
func checked(lib *Library) { lib.model.checks.Wait() }

// storedGeneration is the newest version number stored for lib's user.
func storedGeneration(t *testing.T, st store.Store, lib *Library) int64 {
	t.Helper()
	g, err := st.ClassifierGeneration(context.Background(), lib.UserID(), builtinModelName)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Each decision writes one lesson, not the model; a snapshot follows only
// once snapshotEvery versions piled up, modelSaveDelay after the burst
// that made it due.
func TestModelLearningWritesOneLessonPerDecision(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		lib, seen := openOver(t, st, bs, clock)
		defer lib.Close()
		a := importNote(t, lib, "a.txt", "Sow the tomato seeds in compost.")
		b := importNote(t, lib, "b.txt", "Water the roses daily.")
		c := importNote(t, lib, "c.txt", "Mulch keeps the soil moist.")
		if _, err := lib.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		if saves, appends, replaces := seen.counts(); saves != 0 || appends != 0 || replaces != 1 {
			t.Fatalf("after the first load: %d snapshots, %d lessons, %d rebuilds; want the empty model stored once", saves, appends, replaces)
		}
		lib.model.snapshotEvery = 2

		want := decide(t, lib, a, "Gardening")
		if saves, appends, _ := seen.counts(); saves != 0 || appends != 1 {
			t.Fatalf("after one decision: %d snapshots, %d lessons; want one lesson", saves, appends)
		}
		if ex, err := st.ClassifierExample(ctx, lib.UserID(), builtinModelName, a); err != nil || ex.Data == nil {
			t.Fatalf("stored lesson of a: %+v, %v", ex, err)
		}
		want ^= decide(t, lib, b, "Gardening")
		if fp := fingerprint(t, lib); fp != want {
			t.Fatalf("model %x, want %x", fp, want)
		}
		clock.Advance(modelSaveDelay - time.Millisecond)
		if saves, _, _ := seen.counts(); saves != 0 {
			t.Fatalf("%d snapshots before the delay passed, want none yet", saves)
		}
		clock.Advance(time.Millisecond)
		m, err := st.ClassifierModel(ctx, lib.UserID(), builtinModelName)
		if saves, appends, _ := seen.counts(); saves != 1 || appends != 2 || err != nil || m.Fingerprint != want ||
			m.Generation != storedGeneration(t, st, lib) || !classify.IsSnapshot(m.Data) {
			t.Fatalf("after the delay: %d snapshots, %d lessons; stored %x at %d (%v); want one snapshot of %x at %d",
				saves, appends, m.Fingerprint, m.Generation, err, want, storedGeneration(t, st, lib))
		}

		// One more decision is a lesson; no snapshot is due for it.
		decide(t, lib, c, "Gardening")
		clock.Advance(time.Minute)
		if saves, appends, _ := seen.counts(); saves != 1 || appends != 3 {
			t.Errorf("a minute after a third decision: %d snapshots, %d lessons; want 1 and 3", saves, appends)
		}
		if saves, appends, replaces := seen.counts(); saves+replaces+appends > 0 {
			t.Logf("%.0f bytes of lesson per decision", float64(seen.appendBytes)/float64(appends))
		}
	})
}

// A process that classifies picks up the lessons another process (the
// one the person edits through) wrote, without reloading, but looks only
// every modelSyncEvery.
func TestModelSyncPicksUpAnotherProcesssLearning(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		worker, seen := openOver(t, st, bs, clock)
		defer worker.Close()
		editor, _ := openOver(t, st, bs, clock)
		defer editor.Close()
		a := importNote(t, editor, "a.txt", "Sow the tomato seeds in compost.")
		doc := store.Document{ID: importNote(t, editor, "b.txt", "Water the roses."), ExtractedText: "Water the roses."}

		// The worker classifies: it loads the model, and has looked for newer learning.
		if _, _, err := worker.ClassifyDocument(ctx, store.Job{}, doc); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
		want := decide(t, editor, a, "Gardening")

		// Too soon since the worker last looked: it keeps what it has.
		if _, _, err := worker.ClassifyDocument(ctx, store.Job{}, doc); err != nil {
			t.Fatal(err)
		}
		if fp := fingerprint(t, worker); fp != 0 {
			t.Fatalf("the worker's model is %x 1s after it last looked, want the one it loaded (0)", fp)
		}
		clock.Advance(modelSyncEvery - time.Second)
		if _, _, err := worker.ClassifyDocument(ctx, store.Job{}, doc); err != nil {
			t.Fatal(err)
		}
		if fp := fingerprint(t, worker); fp != want {
			t.Errorf("the worker's model is %x %v after it last looked, want the editor's (%x)", fp, modelSyncEvery, want)
		}
		if _, _, replaces := seen.counts(); replaces != 1 {
			t.Errorf("the worker rebuilt its model %d times, want once (the first load of an empty store)", replaces-1)
		}
	})
}

// importExtracted imports a text document and stores its text as
// extracted, as the pipeline would, without running it.
func importExtracted(t *testing.T, lib *Library, name, text string) string {
	t.Helper()
	id := importNote(t, lib, name, text)
	if _, err := lib.store.UpdateDocument(context.Background(), lib.user.ID, id, store.DocumentPatch{ExtractedText: &text}); err != nil {
		t.Fatal(err)
	}
	return id
}

// sameAsLessons checks that lib's model scores texts exactly as a model
// made of the newest stored lesson of each document does.
func sameAsLessons(t *testing.T, st store.Store, lib *Library, docs, probes []string) {
	t.Helper()
	ctx := context.Background()
	ref := classify.NewBuiltin()
	for _, id := range docs {
		ex, err := st.ClassifierExample(ctx, lib.UserID(), builtinModelName, id)
		if err != nil {
			t.Fatal(err)
		}
		l, err := parseLesson(id, ex.Data)
		if err != nil {
			t.Fatal(err)
		}
		ref.Apply(nil, l)
	}
	topics, err := lib.model.topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lib.model.mu.Lock()
	m := lib.model.model
	lib.model.mu.Unlock()
	for _, text := range probes {
		got, err1 := m.Classify(ctx, text, topics)
		want, err2 := ref.Classify(ctx, text, topics)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: the model says %+v (%v), its stored lessons %+v (%v)", text, got.Topics, err1, want.Topics, err2)
		}
	}
}

// setTopic links a document to a topic as the person's choice.
func setTopic(lib *Library, docID, topic string) error {
	_, err := lib.SetTopics(context.Background(), docID, []string{topic})
	return err
}

// Two processes learning at once, each saving snapshots, lose nothing:
// every decision of either is in both models and in one loaded afresh,
// without a rebuild.
func TestModelTwoLearnersLoseNothing(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		p1, _ := openOver(t, st, bs, clock)
		defer p1.Close()
		p2, _ := openOver(t, st, bs, clock)
		defer p2.Close()
		topics := []string{"Gardening", "Cooking", "Travel"}
		var docs []string
		for i := range 12 {
			docs = append(docs, importExtracted(t, p1, fmt.Sprintf("n%d.txt", i),
				fmt.Sprintf("Note %d about %s: seeds, sauce, trains and %d other things.", i, topics[i%3], i)))
		}
		for i, name := range topics { // the topics exist before the race
			decide(t, p1, docs[i], name)
		}
		for _, p := range []*Library{p1, p2} {
			if _, err := p.model.load(ctx); err != nil {
				t.Fatal(err)
			}
			p.model.snapshotEvery = 3
		}

		// Both decide at once, on their own documents and on the same ones.
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for w, p := range []*Library{p1, p2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 3; i < len(docs); i++ {
					if i%2 == w || i%4 == 3 {
						errs <- setTopic(p, docs[i], topics[(i+w)%3])
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		// The snapshots that fell due are saved, by both; each catches up.
		clock.Advance(modelSaveDelay)
		clock.Advance(modelSyncEvery)
		p1.model.sync(ctx)
		p2.model.sync(ctx)

		want, err := p1.model.decisionsFingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fresh, seen := openOver(t, st, bs, clock)
		defer fresh.Close()
		if _, err := fresh.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		checked(fresh)
		for name, p := range map[string]*Library{"first": p1, "second": p2, "fresh": fresh} {
			if fp := fingerprint(t, p); fp != want {
				t.Errorf("the %s process's model is %x, want every decision (%x)", name, fp, want)
			}
		}
		if _, _, replaces := seen.counts(); replaces != 0 {
			t.Errorf("a process opened afterwards rebuilt the model %d times, want none: nothing was lost", replaces)
		}
		if n := fresh.model.model.Examples(); n != len(docs) {
			t.Errorf("the fresh model learned %d documents, want %d", n, len(docs))
		}
		probes := []string{"seeds and compost", "a sauce with garlic", "trains to the coast", "note 7 about things"}
		for _, p := range []*Library{p1, p2, fresh} {
			sameAsLessons(t, st, p, docs, probes)
		}
	})
}

// A process killed between writes loses nothing that was committed: a
// decision whose lesson was never written is found and learned by the
// next process to open the library; lessons written without a snapshot
// after them are applied, without a rebuild.
func TestModelKillBetweenWritesLosesNothing(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		first, seen := openOver(t, st, bs, clock)
		defer first.Close()
		a := importExtracted(t, first, "a.txt", "Sow the tomato seeds in compost.")
		b := importExtracted(t, first, "b.txt", "Water the roses daily.")
		c := importExtracted(t, first, "c.txt", "Simmer the sauce.")
		want := decide(t, first, a, "Gardening")
		seen.setFailAppend(true) // killed after b's decision committed
		want ^= decide(t, first, b, "Gardening")

		second, seen2 := openOver(t, st, bs, clock)
		defer second.Close()
		if _, err := second.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		checked(second)
		if fp := fingerprint(t, second); fp != want {
			t.Fatalf("the next process's model is %x, want both decisions (%x)", fp, want)
		}
		if _, _, replaces := seen2.counts(); replaces != 1 {
			t.Errorf("the next process rebuilt %d times, want once (a decision had no lesson)", replaces)
		}

		// Killed after writing a lesson, before any snapshot.
		want ^= decide(t, second, c, "Cooking")
		third, seen3 := openOver(t, st, bs, clock)
		defer third.Close()
		if _, err := third.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		checked(third)
		if fp := fingerprint(t, third); fp != want {
			t.Errorf("the third process's model is %x, want all three decisions (%x)", fp, want)
		}
		if _, _, replaces := seen3.counts(); replaces != 0 {
			t.Errorf("the third process rebuilt %d times, want none: the lesson was stored", replaces)
		}
		sameAsLessons(t, st, third, []string{a, b, c}, []string{"tomato seeds", "roses", "sauce"})
	})
}

// A model stored whole by an older version (format 2) is read once, moved
// to lessons and a snapshot, and never read again.
func TestModelUpgradesAFormat2Model(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		old, _ := openOver(t, st, bs, clock)
		defer old.Close()
		a := importExtracted(t, old, "a.txt", "Sow the tomato seeds in compost.")
		b := importExtracted(t, old, "b.txt", "Simmer the tomato sauce.")
		want := decide(t, old, a, "Gardening") ^ decide(t, old, b, "Cooking")

		// What an older version stored: the whole model, no lessons.
		whole := classify.NewBuiltin()
		err := st.TrainingExamples(ctx, store.TrainingQuery{UserID: old.UserID(), WithText: true}, func(ex store.TrainingExample) error {
			whole.Learn(classify.Example{DocumentID: ex.DocumentID, Text: ex.Text, Topics: ex.Topics, Rejected: ex.Rejected})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		data, err := whole.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ReplaceClassifierExamples(ctx, store.ClassifierModel{UserID: old.UserID(), Name: builtinModelName,
			Fingerprint: whole.Fingerprint(), Data: data}, nil); err != nil {
			t.Fatal(err)
		}

		upgraded, seen := openOver(t, st, bs, clock)
		defer upgraded.Close()
		if _, err := upgraded.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		if fp := fingerprint(t, upgraded); fp != want {
			t.Fatalf("upgraded model %x, want %x", fp, want)
		}
		m, err := st.ClassifierModel(ctx, old.UserID(), builtinModelName)
		if err != nil || !classify.IsSnapshot(m.Data) || m.Fingerprint != want {
			t.Fatalf("stored model after the upgrade: snapshot %v, %x, %v; want a snapshot of %x", classify.IsSnapshot(m.Data), m.Fingerprint, err, want)
		}
		for _, id := range []string{a, b} {
			if ex, err := st.ClassifierExample(ctx, old.UserID(), builtinModelName, id); err != nil || ex.Data == nil {
				t.Errorf("lesson of %s after the upgrade: %+v, %v", id, ex, err)
			}
		}
		if _, _, replaces := seen.counts(); replaces != 1 {
			t.Errorf("%d histories written by the upgrade, want one", replaces)
		}
		sameAsLessons(t, st, upgraded, []string{a, b}, []string{"tomato seeds", "tomato sauce"})

		again, seen := openOver(t, st, bs, clock)
		defer again.Close()
		if _, err := again.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		checked(again)
		if _, _, replaces := seen.counts(); replaces != 0 || fingerprint(t, again) != want {
			t.Errorf("the next load: %d rebuilds, model %x; want none and %x", replaces, fingerprint(t, again), want)
		}
	})
}

// A snapshot that fell due is saved when the library closes, and the
// pending save is cancelled.
func TestModelFlushesADueSnapshotOnClose(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		lib, seen := openOver(t, st, bs, clock)
		a := importNote(t, lib, "a.txt", "Sow the tomato seeds in compost.")
		if _, err := lib.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		lib.model.snapshotEvery = 1
		want := decide(t, lib, a, "Gardening")
		if saves, _, _ := seen.counts(); saves != 0 {
			t.Fatalf("before Close: %d snapshots, want none yet", saves)
		}
		if err := lib.Close(); err != nil {
			t.Fatal(err)
		}
		if saves, _, _ := seen.counts(); saves != 1 {
			t.Fatalf("after Close: %d snapshots, want one", saves)
		}
		if m, err := st.ClassifierModel(ctx, lib.UserID(), builtinModelName); err != nil || m.Fingerprint != want {
			t.Errorf("stored model %x (%v), want %x", m.Fingerprint, err, want)
		}
		if n := clock.pending(); n != 0 {
			t.Errorf("%d calls still pending after Close, want the save cancelled", n)
		}
		clock.Advance(time.Minute)
		if saves, _, _ := seen.counts(); saves != 1 {
			t.Errorf("%d snapshots a minute after Close, want no more", saves)
		}
	})
}

// Deleting a document the model learned from writes its forgetting, also
// in a process that never loaded the model.
func TestModelForgetsADeletedDocument(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		editor, _ := openOver(t, st, bs, clock)
		defer editor.Close()
		a := importExtracted(t, editor, "a.txt", "Sow the tomato seeds in compost.")
		b := importExtracted(t, editor, "b.txt", "Water the roses daily.")
		decide(t, editor, a, "Gardening")
		want := decide(t, editor, b, "Gardening")

		other, seen := openOver(t, st, bs, clock) // never loads the model
		defer other.Close()
		if err := other.Delete(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, appends, replaces := seen.counts(); appends != 1 || replaces != 0 || other.model.model != nil {
			t.Fatalf("deleting in a process without the model: %d lessons, %d rebuilds, loaded %v; want one forgetting, nothing loaded",
				appends, replaces, other.model.model != nil)
		}
		if ex, err := st.ClassifierExample(ctx, editor.UserID(), builtinModelName, a); err != nil || ex.Data != nil {
			t.Errorf("a's newest version: %+v, %v; want a forgetting", ex, err)
		}
		clock.Advance(modelSyncEvery)
		editor.model.sync(ctx)
		if fp := fingerprint(t, editor); fp != want {
			t.Errorf("the editor's model is %x after the other process deleted a, want only b (%x)", fp, want)
		}
	})
}
