package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// builtinModelName names the builtin classifier's row in the store.
const builtinModelName = "builtin"

// minSuggestion is the lowest confidence shown as a suggestion; below it a
// provider's answer is noise.
const minSuggestion = 0.3

// modelSaveDelay batches the persistence of learning: a burst of edits
// is saved once, shortly after it ends.
const modelSaveDelay = 2 * time.Second

// modelSyncEvery is how often a process that classifies checks whether
// another process (the one the person edits through) saved newer learning.
const modelSyncEvery = 5 * time.Second

// classifyAttempts is how many tries a temporarily failing provider gets
// before the document is made ready unclassified, with the reason.
const classifyAttempts = 3

// classifiers holds the builtin model (which learns whatever provider is
// chosen, so switching back to it loses nothing) and the LLM provider
// built from the current settings.
type classifiers struct {
	mu        sync.Mutex
	builtin   *classify.Builtin
	savedAt   time.Time // when this process last saved or loaded the model
	checkedAt time.Time // when it last looked for a newer one
	saveTimer *time.Timer
	dirty     bool

	provider    classify.Classifier
	providerKey string
}

// builtinModel returns the builtin classifier, loading it on first use: the
// stored model when it matches the decisions in the database, otherwise
// one rebuilt from them (a missing model, an older format, or learning
// that was not saved before a crash).
func (l *Library) builtinModel(ctx context.Context) (*classify.Builtin, error) {
	c := l.cls
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.builtin != nil {
		return c.builtin, nil
	}
	var want uint64
	err := l.store.TrainingExamples(ctx, store.TrainingQuery{UserID: l.user.ID}, func(ex store.TrainingExample) error {
		want ^= classify.ExampleFingerprint(ex.DocumentID, ex.Topics, ex.Rejected)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load the classifier: %w", err)
	}
	m, err := l.store.ClassifierModel(ctx, l.user.ID, builtinModelName)
	if err == nil {
		b, lerr := classify.LoadBuiltin(m.Data)
		switch {
		case lerr != nil:
			l.log.Info("rebuilding the builtin classifier", "reason", lerr)
		case b.Fingerprint() != want:
			l.log.Info("rebuilding the builtin classifier", "reason", "the stored model does not match the decisions in the database")
		default:
			c.builtin, c.savedAt = b, time.Now()
			return b, nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("load the classifier: %w", err)
	}
	b := classify.NewBuiltin()
	err = l.store.TrainingExamples(ctx, store.TrainingQuery{UserID: l.user.ID, WithText: true}, func(ex store.TrainingExample) error {
		b.Learn(classify.Example{DocumentID: ex.DocumentID, Text: ex.Text, Topics: ex.Topics, Rejected: ex.Rejected})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rebuild the classifier: %w", err)
	}
	c.builtin = b
	if err := l.saveModelLocked(ctx); err != nil {
		l.log.Warn("save the rebuilt classifier", "err", err)
	}
	return b, nil
}

// saveModelLocked persists the builtin model; c.mu is held.
func (l *Library) saveModelLocked(ctx context.Context) error {
	c := l.cls
	data, err := c.builtin.MarshalBinary()
	if err != nil {
		return err
	}
	err = l.store.SaveClassifierModel(ctx, store.ClassifierModel{
		UserID: l.user.ID, Name: builtinModelName, Fingerprint: c.builtin.Fingerprint(), Data: data,
	})
	if err != nil {
		return err
	}
	c.savedAt, c.dirty = time.Now(), false
	return nil
}

// scheduleSave persists the model soon, once per burst of learning.
func (l *Library) scheduleSave() {
	c := l.cls
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dirty = true
	if c.saveTimer != nil {
		return
	}
	c.saveTimer = time.AfterFunc(modelSaveDelay, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.saveTimer = nil
		if !c.dirty || c.builtin == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.saveModelLocked(ctx); err != nil {
			l.log.Warn("save the classifier's learning", "err", err)
		}
	})
}

// flushModel saves pending learning now (Close).
func (l *Library) flushModel(ctx context.Context) error {
	c := l.cls
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.saveTimer != nil {
		c.saveTimer.Stop()
		c.saveTimer = nil
	}
	if !c.dirty || c.builtin == nil {
		return nil
	}
	return l.saveModelLocked(ctx)
}

// syncModel picks up learning another process saved (server profile: the
// person edits through serve, a separate worker classifies).
func (l *Library) syncModel(ctx context.Context) {
	c := l.cls
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.builtin == nil || c.dirty || time.Since(c.checkedAt) < modelSyncEvery {
		return
	}
	c.checkedAt = time.Now()
	m, err := l.store.ClassifierModel(ctx, l.user.ID, builtinModelName)
	if err != nil || m.Fingerprint == c.builtin.Fingerprint() || !m.UpdatedAt.After(c.savedAt) {
		return
	}
	b, err := classify.LoadBuiltin(m.Data)
	if err != nil {
		return
	}
	c.builtin, c.savedAt = b, time.Now()
}

// learn teaches the builtin classifier what the person decided about a
// document: its topics linked by them (or a rule) and the suggestions they
// rejected. A document with no decision left is unlearned.
func (l *Library) learn(ctx context.Context, documentID string) {
	b, err := l.builtinModel(ctx)
	if err != nil {
		l.log.Warn("learn from a topic change", "document_id", documentID, "err", err)
		return
	}
	var ex *store.TrainingExample
	err = l.store.TrainingExamples(ctx, store.TrainingQuery{UserID: l.user.ID, DocumentID: documentID, WithText: true},
		func(e store.TrainingExample) error {
			ex = &e
			return nil
		})
	switch {
	case errors.Is(err, store.ErrNotFound):
		b.Forget(documentID)
	case err != nil:
		l.log.Warn("learn from a topic change", "document_id", documentID, "err", err)
		return
	case len(ex.Topics) == 0 && len(ex.Rejected) == 0:
		b.Forget(documentID)
	default:
		b.Learn(classify.Example{DocumentID: ex.DocumentID, Text: ex.Text, Topics: ex.Topics, Rejected: ex.Rejected})
	}
	l.scheduleSave()
}

// forget unlearns a deleted document.
func (l *Library) forget(documentID string) {
	c := l.cls
	c.mu.Lock()
	b := c.builtin
	c.mu.Unlock()
	if b == nil {
		return // not loaded: the next load rebuilds without it
	}
	b.Forget(documentID)
	l.scheduleSave()
}

// classifierFor returns the classifier the settings choose, reusing the
// provider while the settings that shape it do not change.
func (l *Library) classifierFor(ctx context.Context, s Settings) (classify.Classifier, error) {
	if s.AIProvider == classify.ProviderBuiltin || s.AIProvider == "" {
		return l.builtinModel(ctx)
	}
	key, err := l.APIKey()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(key))
	sig := strings.Join([]string{s.AIProvider, s.AIModel, s.AIBaseURL, hex.EncodeToString(sum[:8]),
		strconv.Itoa(s.AIMaxChars), strconv.FormatBool(s.CreateSuggestedTopics)}, "\x00")
	c := l.cls
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil && c.providerKey == sig {
		return c.provider, nil
	}
	p, err := classify.Open(classify.Settings{
		Provider: s.AIProvider, Model: s.AIModel, BaseURL: s.AIBaseURL, APIKey: key,
		MaxChars: s.AIMaxChars, AllowNewTopic: true, HTTPClient: l.httpClient,
	})
	if err != nil {
		return nil, err
	}
	c.provider, c.providerKey = p, sig
	return p, nil
}

// ClassifyDocument runs the configured classifier over an extracted
// document (jobs.Classifier): topics at or above the auto-apply threshold
// are applied, others down to minSuggestion become suggestions. A provider
// failure a person must fix (a wrong key) leaves the document ready with
// the reason as its note; a temporary one is retried, a few times.
func (l *Library) ClassifyDocument(ctx context.Context, job store.Job, doc store.Document) (*store.ClassificationOutcome, *string, error) {
	if hasDecision(doc) {
		// Topics given at import (a watched subfolder) are lessons as soon
		// as the text they go with exists.
		l.learn(ctx, doc.ID)
	}
	if strings.TrimSpace(doc.ExtractedText) == "" {
		return nil, nil, nil
	}
	s, err := l.loadSettings(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := l.classifierFor(ctx, s)
	if err != nil {
		return nil, notClassified(err), nil
	}
	if s.AIProvider == classify.ProviderBuiltin {
		l.syncModel(ctx)
	}
	topics, err := l.store.Topics(ctx, l.user.ID)
	if err != nil {
		return nil, nil, err
	}
	in := make([]classify.Topic, len(topics))
	for i, t := range topics {
		in[i] = classify.Topic{ID: t.ID, Name: t.Name, Description: t.Description}
	}
	res, err := c.Classify(ctx, doc.ExtractedText, in)
	if err != nil {
		ce, ok := classify.AsError(err)
		switch {
		case ctx.Err() != nil:
			return nil, nil, ctx.Err()
		case ok && ce.Temporary() && job.Attempts < classifyAttempts:
			if ce.RetryAfter > 0 {
				return nil, nil, &jobs.RetryLater{At: time.Now().Add(ce.RetryAfter), Err: err}
			}
			return nil, nil, err
		case ok:
			return nil, notClassified(err), nil
		}
		return nil, nil, err
	}
	if res.Dropped > 0 {
		l.log.Info("classifier answered topics that do not exist; dropped", "document_id", doc.ID,
			"provider", res.Provider, "dropped", res.Dropped)
	}
	out := &store.ClassificationOutcome{Record: store.Classification{
		Provider: res.Provider, Model: res.Model, Truncated: res.Truncated, Dropped: res.Dropped,
		ClassifiedAt: l.now(),
	}}
	for _, m := range res.Topics {
		link := store.TopicLink{TopicID: m.TopicID, Source: store.SourceClassifier, Confidence: m.Confidence}
		switch {
		case m.Confidence >= s.AutoApplyThreshold:
			out.Applied = append(out.Applied, link)
		case m.Confidence >= minSuggestion:
			out.Suggested = append(out.Suggested, link)
		}
	}
	if res.Suggested != nil && len(res.Topics) == 0 {
		if s.CreateSuggestedTopics {
			t, err := l.CreateTopic(ctx, TopicInput{Name: res.Suggested.Name, Description: res.Suggested.Description})
			if err != nil {
				l.log.Info("could not create the suggested topic", "name", res.Suggested.Name, "err", err)
				out.Record.NewTopic = &store.TopicProposal{Name: res.Suggested.Name, Description: res.Suggested.Description}
			} else {
				// The provider gave no confidence for a topic it invented;
				// it is applied as if at the threshold.
				out.Applied = append(out.Applied, store.TopicLink{TopicID: t.ID, Source: store.SourceClassifier, Confidence: s.AutoApplyThreshold})
			}
		} else {
			out.Record.NewTopic = &store.TopicProposal{Name: res.Suggested.Name, Description: res.Suggested.Description}
		}
	}
	var note *string
	if strings.HasPrefix(doc.Error, notClassifiedPrefix) {
		note = new(string) // classified now: the old reason goes
	}
	return out, note, nil
}

// notClassifiedPrefix starts the note of a document the classifier could
// not sort.
const notClassifiedPrefix = "not classified: "

// notClassified is the note of a document the classifier could not sort.
func notClassified(err error) *string {
	note := notClassifiedPrefix + err.Error()
	return &note
}

func hasDecision(d store.Document) bool {
	for _, t := range d.Topics {
		if t.Source == store.SourceUser || t.Source == store.SourceRule {
			return true
		}
	}
	return false
}

// AcceptSuggestion confirms a suggested (or automatically applied) topic
// for a document, and teaches the builtin classifier.
func (l *Library) AcceptSuggestion(ctx context.Context, documentID, topicID string) (Document, error) {
	if _, err := l.Document(ctx, documentID); err != nil {
		return Document{}, err
	}
	if err := l.store.AcceptSuggestion(ctx, documentID, topicID); errors.Is(err, store.ErrNotFound) {
		return Document{}, fmt.Errorf("that topic is not suggested for this document: %w", ErrNotFound)
	} else if err != nil {
		return Document{}, fmt.Errorf("accept the suggestion: %w", err)
	}
	l.learn(ctx, documentID)
	l.bus.Publish(events.Event{Type: events.DocumentUpdated, DocumentID: documentID})
	return l.Document(ctx, documentID)
}

// RejectSuggestion refuses a suggested (or automatically applied) topic
// for a document: it is not suggested again, and the builtin classifier
// learns from it.
func (l *Library) RejectSuggestion(ctx context.Context, documentID, topicID string) (Document, error) {
	if _, err := l.Document(ctx, documentID); err != nil {
		return Document{}, err
	}
	if err := l.store.RejectSuggestion(ctx, documentID, topicID); errors.Is(err, store.ErrNotFound) {
		return Document{}, fmt.Errorf("that topic is not suggested for this document: %w", ErrNotFound)
	} else if err != nil {
		return Document{}, fmt.Errorf("reject the suggestion: %w", err)
	}
	l.learn(ctx, documentID)
	l.bus.Publish(events.Event{Type: events.DocumentUpdated, DocumentID: documentID})
	return l.Document(ctx, documentID)
}

// Reclassify queues a document for classification again. A document whose
// text was never extracted goes back through extraction instead.
func (l *Library) Reclassify(ctx context.Context, id string) (Document, error) {
	d, err := l.Document(ctx, id)
	if err != nil {
		return Document{}, err
	}
	switch d.Status {
	case store.StatusStored, store.StatusExtracting, store.StatusClassifying:
		return d, nil // on its way already
	case store.StatusFailed:
		return l.Reprocess(ctx, id)
	}
	if err := l.store.EnqueueJob(ctx, &store.Job{Kind: jobs.KindClassify, DocumentID: id}); err != nil {
		return Document{}, fmt.Errorf("queue %s: %w", id, err)
	}
	l.bus.Publish(events.Event{Type: events.JobsQueued, DocumentID: id})
	return d, nil
}

// ReclassifyAll queues every ready document for classification (after the
// topics or the provider changed) and returns how many were queued.
// Progress shows as jobs.progress events.
func (l *Library) ReclassifyAll(ctx context.Context) (int, error) {
	n, err := l.store.EnqueueForAll(ctx, l.user.ID, jobs.KindClassify, []store.Status{store.StatusReady})
	if err != nil {
		return 0, fmt.Errorf("queue the library for classification: %w", err)
	}
	if n > 0 {
		l.bus.Publish(events.Event{Type: events.JobsQueued})
	}
	return n, nil
}

// TestConnection runs the health check of the provider the saved settings
// describe, with the changes in p (the form being edited) when p is not
// nil. A masked key means the stored one.
func (l *Library) TestConnection(ctx context.Context, p *SettingsPatch) error {
	cur, err := l.loadSettings(ctx)
	if err != nil {
		return err
	}
	if p != nil {
		stored := cur.APIKey
		p.apply(&cur)
		cur.APIKey = keepMaskedKey(p, stored, cur.APIKey)
		if err := cur.normalise(); err != nil {
			return err
		}
	}
	if cur.AIProvider == classify.ProviderBuiltin {
		return nil // offline: nothing to reach
	}
	c, err := classify.Open(classify.Settings{
		Provider: cur.AIProvider, Model: cur.AIModel, BaseURL: cur.AIBaseURL, APIKey: strings.TrimSpace(cur.APIKey),
		MaxChars: cur.AIMaxChars, HTTPClient: l.httpClient,
	})
	if err != nil {
		return err
	}
	return c.HealthCheck(ctx)
}
