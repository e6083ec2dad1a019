package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/store"
)

// builtinModelName names the builtin classifier's row in the store.
const builtinModelName = "builtin"

// modelSaveDelay is how long after a burst of learning the keeper looks
// whether a snapshot is due.
const modelSaveDelay = 2 * time.Second

// snapshotEvery is how many versions of lessons may pile up after the
// stored snapshot before a process saves a new one. Opening a library
// reads the snapshot and applies the versions after it: a few hundred
// cost a few milliseconds, while a snapshot at 10,000 documents is a few
// megabytes to write.
const snapshotEvery = 256

// modelSyncEvery is how often a process that classifies checks whether
// another process (the one the person edits through) learned something.
const modelSyncEvery = 5 * time.Second

// modelStore is the part of the metadata store a modelKeeper uses: the
// decisions it learns from, the versions of lessons it writes and reads,
// and the snapshot of the counts.
type modelStore interface {
	TrainingExamples(ctx context.Context, q store.TrainingQuery, fn func(store.TrainingExample) error) error
	ClassifierModel(ctx context.Context, userID, name string) (store.ClassifierModel, error)
	SaveClassifierModel(ctx context.Context, m store.ClassifierModel) error
	AppendClassifierExamples(ctx context.Context, userID, name string, examples []store.ClassifierExample) (int64, error)
	ReplaceClassifierExamples(ctx context.Context, m store.ClassifierModel, examples []store.ClassifierExample) (int64, error)
	ClassifierExamplesAfter(ctx context.Context, userID, name string, after int64, fn func(store.ClassifierExample) error) error
	ClassifierExample(ctx context.Context, userID, name, documentID string) (store.ClassifierExample, error)
	ClassifierGeneration(ctx context.Context, userID, name string) (int64, error)
	// Topics are the topics a decision was made among: the classifier
	// checks what it would have said before it learns a decision, to
	// calibrate its confidence (classify.Example.Among).
	Topics(ctx context.Context, userID string) ([]store.Topic, error)
}

// modelKeeper keeps one user's builtin classifier model over its life.
//
// The store holds the model as what each document taught it: one row per
// version of a document's lesson, numbered in commit order, plus a
// snapshot of the counts that takes in every version up to its
// generation. Learning writes one version (a few kilobytes); opening
// reads the snapshot and applies the versions after it, each with the one
// it replaced, so nothing is replayed from the start. Processes sharing
// the store (server profile) each append and catch up in number order,
// so none loses another's learning, and any of them may save a snapshot.
// A model that cannot be read, or that does not match the person's
// decisions (a decision whose lesson a crash kept from being written), is
// rebuilt from the decisions.
//
// It lives in the library, not in backend/classify, because it is the
// meeting point of the two: it reads the person's decisions from the
// store and feeds them to the classifier, which knows nothing of storage.
// All its timing runs on clock, so tests drive it without sleeping.
type modelKeeper struct {
	store  modelStore
	userID string
	clock  Clock
	log    *slog.Logger
	// snapshotEvery is the snapshotEvery constant; tests lower it.
	snapshotEvery int64

	// bg is cancelled when the library closes; checks is the checks of a
	// loaded model against the decisions that run in the background.
	bg     context.Context
	stopBg context.CancelFunc
	checks sync.WaitGroup

	mu        sync.Mutex
	model     *classify.Builtin // nil until loaded
	gen       int64             // the newest version the model takes in
	snapGen   int64             // the generation of the newest snapshot known stored
	checkedAt time.Time         // when it last looked for other processes' learning
	saveTimer Timer             // the pending look at whether a snapshot is due
}

func newModelKeeper(st modelStore, userID string, clock Clock, log *slog.Logger) *modelKeeper {
	bg, stop := context.WithCancel(context.Background())
	return &modelKeeper{store: st, userID: userID, clock: clock, log: log, snapshotEvery: snapshotEvery, bg: bg, stopBg: stop}
}

// load returns the builtin classifier, loading it on first use.
func (k *modelKeeper) load(ctx context.Context) (*classify.Builtin, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.loadLocked(ctx); err != nil {
		return nil, err
	}
	return k.model, nil
}

// loadLocked loads the model when it is not loaded: the stored snapshot
// and the versions after it, a format 2 model moved to lessons once, or
// one rebuilt from the decisions. k.mu is held.
func (k *modelKeeper) loadLocked(ctx context.Context) error {
	if k.model != nil {
		return nil
	}
	m, err := k.store.ClassifierModel(ctx, k.userID, builtinModelName)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return k.rebuildLocked(ctx, "no stored model")
	case err != nil:
		return fmt.Errorf("load the classifier: %w", err)
	case !classify.IsSnapshot(m.Data):
		return k.upgradeLocked(ctx, m)
	}
	b, err := classify.LoadSnapshot(m.Data)
	if err != nil {
		return k.rebuildLocked(ctx, err.Error())
	}
	k.model, k.gen, k.snapGen, k.checkedAt = b, m.Generation, m.Generation, k.clock.Now()
	if err := k.catchUpLocked(ctx); err != nil {
		k.model = nil
		return err
	}
	k.checks.Add(1)
	go func() {
		defer k.checks.Done()
		k.checkDecisions(k.bg)
	}()
	return nil
}

// checkDecisions compares the loaded model with the decisions in the
// database, in the background: walking every decision costs more than
// loading the model. A decision commits before its lesson is written, so
// a mismatch is looked at twice, catching up in between, before the
// model is rebuilt (a lesson a crash kept from being written).
func (k *modelKeeper) checkDecisions(ctx context.Context) {
	for attempt := 0; ; attempt++ {
		want, err := k.decisionsFingerprint(ctx)
		if err != nil {
			if ctx.Err() == nil {
				k.log.Warn("check the classifier against the decisions", "err", err)
			}
			return
		}
		k.mu.Lock()
		if k.model == nil || ctx.Err() != nil {
			k.mu.Unlock()
			return
		}
		err = k.catchUpLocked(ctx)
		switch {
		case err == nil && k.model.Fingerprint() == want:
		case err == nil && attempt == 0:
			k.mu.Unlock()
			continue
		case err == nil:
			err = k.rebuildLocked(ctx, "the stored model does not match the decisions in the database")
		}
		k.mu.Unlock()
		if err != nil && ctx.Err() == nil {
			k.log.Warn("check the classifier against the decisions", "err", err)
		}
		return
	}
}

// decisionsFingerprint is the fingerprint of the decisions in the
// database: what the model must have learned.
func (k *modelKeeper) decisionsFingerprint(ctx context.Context) (uint64, error) {
	var want uint64
	err := k.store.TrainingExamples(ctx, store.TrainingQuery{UserID: k.userID}, func(ex store.TrainingExample) error {
		want ^= classify.ExampleFingerprint(ex.DocumentID, ex.Topics, ex.Rejected)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("load the classifier: %w", err)
	}
	return want, nil
}

// catchUpLocked applies the versions written after the model's, by this
// process or another, in number order. When they were folded into a newer
// snapshot meanwhile, it loads that one; a lesson it cannot read makes it
// rebuild the model. k.mu is held and the model loaded.
func (k *modelKeeper) catchUpLocked(ctx context.Context) error {
	var bad error
	err := k.store.ClassifierExamplesAfter(ctx, k.userID, builtinModelName, k.gen, func(ex store.ClassifierExample) error {
		prev, err := parseLesson(ex.DocumentID, ex.Prev)
		if err != nil {
			bad = err
			return err
		}
		next, err := parseLesson(ex.DocumentID, ex.Data)
		if err != nil {
			bad = err
			return err
		}
		k.model.Apply(prev, next)
		k.gen = ex.Seq
		return nil
	})
	switch {
	case bad != nil:
		return k.rebuildLocked(ctx, bad.Error())
	case errors.Is(err, store.ErrConflict):
		k.model = nil
		return k.loadLocked(ctx)
	case err != nil:
		return fmt.Errorf("catch up with the classifier's learning: %w", err)
	}
	return nil
}

// parseLesson reads a stored lesson; nil data is no lesson.
func parseLesson(docID string, data []byte) (*classify.Lesson, error) {
	if data == nil {
		return nil, nil
	}
	return classify.ParseLesson(docID, data)
}

// upgradeLocked moves a model stored whole (format 2) to lessons and a
// snapshot, once; a model it cannot read, or that does not match the
// decisions, is rebuilt instead. k.mu is held.
func (k *modelKeeper) upgradeLocked(ctx context.Context, m store.ClassifierModel) error {
	old, err := classify.LoadBuiltin(m.Data)
	if err != nil {
		return k.rebuildLocked(ctx, err.Error())
	}
	want, err := k.decisionsFingerprint(ctx)
	if err != nil {
		return err
	}
	if old.Fingerprint() != want {
		return k.rebuildLocked(ctx, "the stored model does not match the decisions in the database")
	}
	k.log.Info("moving the builtin classifier to lessons", "examples", old.Examples())
	lessons := old.Lessons()
	exs := make([]store.ClassifierExample, len(lessons))
	for i, l := range lessons {
		data, err := l.MarshalBinary()
		if err != nil {
			return err
		}
		exs[i] = store.ClassifierExample{DocumentID: l.DocumentID, Data: data}
	}
	return k.replaceLocked(ctx, old, exs)
}

// rebuildLocked learns every decision in the database into a new model
// and starts the stored history again with it. k.mu is held.
func (k *modelKeeper) rebuildLocked(ctx context.Context, reason string) error {
	k.log.Info("rebuilding the builtin classifier", "reason", reason)
	b := classify.NewBuiltin()
	among, err := k.topics(ctx)
	if err != nil {
		return fmt.Errorf("rebuild the classifier: %w", err)
	}
	var exs []store.ClassifierExample
	err = k.store.TrainingExamples(ctx, store.TrainingQuery{UserID: k.userID, WithText: true}, func(ex store.TrainingExample) error {
		l := b.Lesson(classify.Example{DocumentID: ex.DocumentID, Text: ex.Text, Topics: ex.Topics, Rejected: ex.Rejected, Among: among}, nil)
		if l == nil {
			return nil
		}
		b.Apply(nil, l)
		data, err := l.MarshalBinary()
		if err != nil {
			return err
		}
		exs = append(exs, store.ClassifierExample{DocumentID: ex.DocumentID, Data: data})
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild the classifier: %w", err)
	}
	return k.replaceLocked(ctx, b, exs)
}

// replaceLocked stores b, built from exactly the lessons in exs, as the
// whole history, and keeps a model read back from its snapshot (which
// carries no per-document record). k.mu is held.
func (k *modelKeeper) replaceLocked(ctx context.Context, b *classify.Builtin, exs []store.ClassifierExample) error {
	snap, err := b.MarshalSnapshot()
	if err != nil {
		return err
	}
	gen, err := k.store.ReplaceClassifierExamples(ctx, store.ClassifierModel{
		UserID: k.userID, Name: builtinModelName, Fingerprint: b.Fingerprint(), Data: snap, UpdatedAt: k.clock.Now(),
	}, exs)
	if err != nil {
		return fmt.Errorf("save the rebuilt classifier: %w", err)
	}
	if b, err = classify.LoadSnapshot(snap); err != nil {
		return err
	}
	k.model, k.gen, k.snapGen, k.checkedAt = b, gen, gen, k.clock.Now()
	return nil
}

// saveSnapshotLocked stores a snapshot of the model at its generation. A
// newer one stored by another process is as good. k.mu is held.
func (k *modelKeeper) saveSnapshotLocked(ctx context.Context) error {
	data, err := k.model.MarshalSnapshot()
	if err != nil {
		return err
	}
	err = k.store.SaveClassifierModel(ctx, store.ClassifierModel{
		UserID: k.userID, Name: builtinModelName, Fingerprint: k.model.Fingerprint(), Data: data,
		UpdatedAt: k.clock.Now(), Generation: k.gen,
	})
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	k.snapGen = k.gen
	return nil
}

// snapshotDue reports whether enough versions piled up after the stored
// snapshot to save a new one. k.mu is held.
func (k *modelKeeper) snapshotDue() bool {
	return k.model != nil && k.gen-k.snapGen >= k.snapshotEvery
}

// scheduleSaveLocked looks, once per burst of learning, whether a
// snapshot is due: the first change starts the wait, later ones ride
// along with it. k.mu is held.
func (k *modelKeeper) scheduleSaveLocked() {
	if k.saveTimer != nil || !k.snapshotDue() {
		return
	}
	k.saveTimer = k.clock.AfterFunc(modelSaveDelay, func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		k.saveTimer = nil
		if !k.snapshotDue() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := k.saveSnapshotLocked(ctx); err != nil {
			k.log.Warn("save a snapshot of the classifier", "err", err)
		}
	})
}

// flush saves a snapshot that is due now (the library is closing), after
// stopping a check against the decisions. The learning itself is already
// stored, one version per decision.
func (k *modelKeeper) flush(ctx context.Context) error {
	k.stopBg()
	k.checks.Wait()
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.saveTimer != nil {
		k.saveTimer.Stop()
		k.saveTimer = nil
	}
	if !k.snapshotDue() {
		return nil
	}
	return k.saveSnapshotLocked(ctx)
}

// sync picks up learning another process stored (server profile: the
// person edits through serve, a separate worker classifies). It looks at
// most every modelSyncEvery, and reads only the versions it lacks.
func (k *modelKeeper) sync(ctx context.Context) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clock.Now()
	if k.model == nil || now.Sub(k.checkedAt) < modelSyncEvery {
		return
	}
	k.checkedAt = now
	latest, err := k.store.ClassifierGeneration(ctx, k.userID, builtinModelName)
	if err != nil || latest <= k.gen {
		return
	}
	if err := k.catchUpLocked(ctx); err != nil {
		k.log.Warn("catch up with the classifier's learning", "err", err)
	}
}

// learn teaches the model what the person decided about a document: its
// topics linked by them (or a rule) and the suggestions they rejected. A
// document with no decision left (or deleted) is unlearned. The lesson is
// stored as a new version of the document's, then applied. Failures are
// logged: the decision is in the database, and a load that finds the
// model does not match the decisions rebuilds it.
func (k *modelKeeper) learn(ctx context.Context, documentID string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.learnLocked(ctx, documentID); err != nil {
		k.log.Warn("learn from a topic change", "document_id", documentID, "err", err)
	}
}

// forget unlearns a deleted document. When this process has not loaded
// the model (it classifies with another provider), it only writes that
// the document is forgotten, if the model learned from it.
func (k *modelKeeper) forget(ctx context.Context, documentID string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	err := k.forgetLocked(ctx, documentID)
	if err != nil {
		k.log.Warn("forget a deleted document", "document_id", documentID, "err", err)
	}
}

func (k *modelKeeper) forgetLocked(ctx context.Context, documentID string) error {
	if k.model != nil {
		return k.learnLocked(ctx, documentID)
	}
	stored, err := k.store.ClassifierExample(ctx, k.userID, builtinModelName, documentID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && stored.Data == nil) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = k.store.AppendClassifierExamples(ctx, k.userID, builtinModelName, []store.ClassifierExample{{DocumentID: documentID}})
	return err
}

func (k *modelKeeper) learnLocked(ctx context.Context, documentID string) error {
	if err := k.loadLocked(ctx); err != nil {
		return err
	}
	// The held-out check is made against the model without the
	// document's current lesson: the model must count it.
	if err := k.catchUpLocked(ctx); err != nil {
		return err
	}
	ex, err := k.example(ctx, documentID)
	if err != nil {
		return err
	}
	stored, err := k.store.ClassifierExample(ctx, k.userID, builtinModelName, documentID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	prev, err := parseLesson(documentID, stored.Data)
	if err != nil {
		return k.rebuildLocked(ctx, err.Error())
	}
	var next *classify.Lesson
	if ex != nil {
		among, err := k.topics(ctx)
		if err != nil {
			// Learned without a held-out check: the decision still counts.
			k.log.Warn("read the topics to check the classifier against", "err", err)
		}
		next = k.model.Lesson(classify.Example{DocumentID: documentID, Text: ex.Text, Topics: ex.Topics, Rejected: ex.Rejected, Among: among}, prev)
	}
	if prev == nil && next == nil {
		return nil // nothing learned, nothing to learn
	}
	var data []byte
	if next != nil {
		if data, err = next.MarshalBinary(); err != nil {
			return err
		}
	}
	seq, err := k.store.AppendClassifierExamples(ctx, k.userID, builtinModelName,
		[]store.ClassifierExample{{DocumentID: documentID, Data: data}})
	if err != nil {
		return err
	}
	if seq == k.gen+1 {
		// Nobody wrote in between: prev is what the version replaced.
		k.model.Apply(prev, next)
		k.gen = seq
	} else if err := k.catchUpLocked(ctx); err != nil {
		return err
	}
	k.scheduleSaveLocked()
	return nil
}

// example reads the person's decision about a document with its text;
// nil when there is none (or the document is gone).
func (k *modelKeeper) example(ctx context.Context, documentID string) (*store.TrainingExample, error) {
	var ex *store.TrainingExample
	err := k.store.TrainingExamples(ctx, store.TrainingQuery{UserID: k.userID, DocumentID: documentID, WithText: true},
		func(e store.TrainingExample) error {
			ex = &e
			return nil
		})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case len(ex.Topics) == 0 && len(ex.Rejected) == 0:
		return nil, nil
	}
	return ex, nil
}

// topics returns the person's topics as the classifier sees them.
func (k *modelKeeper) topics(ctx context.Context) ([]classify.Topic, error) {
	ts, err := k.store.Topics(ctx, k.userID)
	if err != nil {
		return nil, err
	}
	out := make([]classify.Topic, len(ts))
	for i, t := range ts {
		out[i] = classify.Topic{ID: t.ID, Name: t.Name, Description: t.Description}
	}
	return out, nil
}
