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

// modelSaveDelay batches the persistence of learning: a burst of edits
// is saved once, shortly after it ends.
const modelSaveDelay = 2 * time.Second

// modelSyncEvery is how often a process that classifies checks whether
// another process (the one the person edits through) saved newer learning.
const modelSyncEvery = 5 * time.Second

// modelStore is the part of the metadata store a modelKeeper uses: the
// decisions it learns from and the row it keeps the model in.
type modelStore interface {
	TrainingExamples(ctx context.Context, q store.TrainingQuery, fn func(store.TrainingExample) error) error
	ClassifierModel(ctx context.Context, userID, name string) (store.ClassifierModel, error)
	SaveClassifierModel(ctx context.Context, m store.ClassifierModel) error
	// Topics are the topics a decision was made among: the classifier
	// checks what it would have said before it learns a decision, to
	// calibrate its confidence (classify.Example.Among).
	Topics(ctx context.Context, userID string) ([]store.Topic, error)
}

// modelKeeper keeps one user's builtin classifier model over its life: it
// loads the model on first use (rebuilding it from the decisions in the
// database when the stored one is missing, unreadable or stale), learns
// and unlearns as the person decides, saves a burst of learning once,
// picks up a model another process sharing the store saved, and saves
// what is pending when the library closes.
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

	mu        sync.Mutex
	model     *classify.Builtin // nil until loaded
	savedAt   time.Time         // when this process last saved or loaded the model
	checkedAt time.Time         // when it last looked for a newer one
	saveTimer Timer             // the pending save of a burst of learning
	dirty     bool              // learning not saved yet
}

func newModelKeeper(st modelStore, userID string, clock Clock, log *slog.Logger) *modelKeeper {
	return &modelKeeper{store: st, userID: userID, clock: clock, log: log}
}

// load returns the builtin classifier, loading it on first use: the
// stored model when it matches the decisions in the database, otherwise
// one rebuilt from them (a missing model, an older format, or learning
// that was not saved before a crash).
func (k *modelKeeper) load(ctx context.Context) (*classify.Builtin, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.model != nil {
		return k.model, nil
	}
	var want uint64
	err := k.store.TrainingExamples(ctx, store.TrainingQuery{UserID: k.userID}, func(ex store.TrainingExample) error {
		want ^= classify.ExampleFingerprint(ex.DocumentID, ex.Topics, ex.Rejected)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load the classifier: %w", err)
	}
	m, err := k.store.ClassifierModel(ctx, k.userID, builtinModelName)
	if err == nil {
		b, lerr := classify.LoadBuiltin(m.Data)
		switch {
		case lerr != nil:
			k.log.Info("rebuilding the builtin classifier", "reason", lerr)
		case b.Fingerprint() != want:
			k.log.Info("rebuilding the builtin classifier", "reason", "the stored model does not match the decisions in the database")
		default:
			k.model, k.savedAt = b, k.clock.Now()
			return b, nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("load the classifier: %w", err)
	}
	return k.rebuildLocked(ctx)
}

// rebuildLocked learns every decision in the database into a new model
// and saves it; k.mu is held. A failed save is only logged: the model is
// usable, and the next load rebuilds it again.
func (k *modelKeeper) rebuildLocked(ctx context.Context) (*classify.Builtin, error) {
	b := classify.NewBuiltin()
	among, err := k.topics(ctx)
	if err != nil {
		return nil, fmt.Errorf("rebuild the classifier: %w", err)
	}
	err = k.store.TrainingExamples(ctx, store.TrainingQuery{UserID: k.userID, WithText: true}, func(ex store.TrainingExample) error {
		b.Learn(classify.Example{DocumentID: ex.DocumentID, Text: ex.Text, Topics: ex.Topics, Rejected: ex.Rejected, Among: among})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rebuild the classifier: %w", err)
	}
	k.model = b
	if err := k.saveLocked(ctx); err != nil {
		k.log.Warn("save the rebuilt classifier", "err", err)
	}
	return b, nil
}

// saveLocked persists the model; k.mu is held. The row is stamped with
// the keeper's clock, the same time savedAt records, so that sync compares
// times of one clock.
func (k *modelKeeper) saveLocked(ctx context.Context) error {
	data, err := k.model.MarshalBinary()
	if err != nil {
		return err
	}
	now := k.clock.Now()
	err = k.store.SaveClassifierModel(ctx, store.ClassifierModel{
		UserID: k.userID, Name: builtinModelName, Fingerprint: k.model.Fingerprint(), Data: data, UpdatedAt: now,
	})
	if err != nil {
		return err
	}
	k.savedAt, k.dirty = now, false
	return nil
}

// scheduleSave persists the model soon, once per burst of learning: the
// first change starts the wait, later ones ride along with it.
func (k *modelKeeper) scheduleSave() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.dirty = true
	if k.saveTimer != nil {
		return
	}
	k.saveTimer = k.clock.AfterFunc(modelSaveDelay, func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		k.saveTimer = nil
		if !k.dirty || k.model == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := k.saveLocked(ctx); err != nil {
			k.log.Warn("save the classifier's learning", "err", err)
		}
	})
}

// flush saves pending learning now (the library is closing).
func (k *modelKeeper) flush(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.saveTimer != nil {
		k.saveTimer.Stop()
		k.saveTimer = nil
	}
	if !k.dirty || k.model == nil {
		return nil
	}
	return k.saveLocked(ctx)
}

// sync picks up learning another process saved (server profile: the
// person edits through serve, a separate worker classifies). It looks at
// most every modelSyncEvery, and never while learning of its own is
// unsaved, which the other model would lose.
func (k *modelKeeper) sync(ctx context.Context) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clock.Now()
	if k.model == nil || k.dirty || now.Sub(k.checkedAt) < modelSyncEvery {
		return
	}
	k.checkedAt = now
	m, err := k.store.ClassifierModel(ctx, k.userID, builtinModelName)
	if err != nil || m.Fingerprint == k.model.Fingerprint() || !m.UpdatedAt.After(k.savedAt) {
		return
	}
	b, err := classify.LoadBuiltin(m.Data)
	if err != nil {
		return
	}
	k.model, k.savedAt = b, k.clock.Now()
}

// learn teaches the model what the person decided about a document: its
// topics linked by them (or a rule) and the suggestions they rejected. A
// document with no decision left is unlearned. Failures are logged: the
// decision is in the database, and the next rebuild learns it.
func (k *modelKeeper) learn(ctx context.Context, documentID string) {
	b, err := k.load(ctx)
	if err != nil {
		k.log.Warn("learn from a topic change", "document_id", documentID, "err", err)
		return
	}
	var ex *store.TrainingExample
	err = k.store.TrainingExamples(ctx, store.TrainingQuery{UserID: k.userID, DocumentID: documentID, WithText: true},
		func(e store.TrainingExample) error {
			ex = &e
			return nil
		})
	switch {
	case errors.Is(err, store.ErrNotFound):
		b.Forget(documentID)
	case err != nil:
		k.log.Warn("learn from a topic change", "document_id", documentID, "err", err)
		return
	case len(ex.Topics) == 0 && len(ex.Rejected) == 0:
		b.Forget(documentID)
	default:
		among, err := k.topics(ctx)
		if err != nil {
			// Learned without a held-out check: the decision still counts.
			k.log.Warn("read the topics to check the classifier against", "err", err)
		}
		b.Learn(classify.Example{DocumentID: ex.DocumentID, Text: ex.Text, Topics: ex.Topics, Rejected: ex.Rejected, Among: among})
	}
	k.scheduleSave()
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

// forget unlearns a deleted document.
func (k *modelKeeper) forget(documentID string) {
	k.mu.Lock()
	b := k.model
	k.mu.Unlock()
	if b == nil {
		return // not loaded: the next load rebuilds without it
	}
	b.Forget(documentID)
	k.scheduleSave()
}
