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

// minSuggestion is the lowest confidence shown as a suggestion; below it a
// provider's answer is noise.
const minSuggestion = 0.3

// classifyAttempts is how many tries a temporarily failing provider gets
// before the document is made ready unclassified, with the reason.
const classifyAttempts = 3

// providerCache holds the LLM provider built from the current settings,
// and the signature of the settings that shaped it.
type providerCache struct {
	mu  sync.Mutex
	c   classify.Classifier
	key string
}

// learn teaches the builtin classifier what the person decided about a
// document (modelKeeper.learn).
func (l *Library) learn(ctx context.Context, documentID string) { l.model.learn(ctx, documentID) }

// forget unlearns a deleted document.
func (l *Library) forget(ctx context.Context, documentID string) { l.model.forget(ctx, documentID) }

// classifierFor returns the classifier the settings choose: the builtin
// model the library keeps (which learns whatever provider is chosen, so
// switching back to it loses nothing), or the LLM provider, reused while
// the settings that shape it do not change.
func (l *Library) classifierFor(ctx context.Context, s Settings) (classify.Classifier, error) {
	if s.AIProvider == classify.ProviderBuiltin || s.AIProvider == "" {
		b, err := l.model.load(ctx)
		if err != nil {
			return nil, err
		}
		return l.classifiers(classify.Settings{Provider: classify.ProviderBuiltin, Builtin: b})
	}
	key, err := l.APIKey()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(key))
	sig := strings.Join([]string{s.AIProvider, s.AIModel, s.AIBaseURL, hex.EncodeToString(sum[:8]),
		strconv.Itoa(s.AIMaxChars), strconv.FormatBool(s.CreateSuggestedTopics)}, "\x00")
	c := &l.provider
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.c != nil && c.key == sig {
		return c.c, nil
	}
	p, err := l.classifiers(classify.Settings{
		Provider: s.AIProvider, Model: s.AIModel, BaseURL: s.AIBaseURL, APIKey: key,
		MaxChars: s.AIMaxChars, AllowNewTopic: true, HTTPClient: l.httpClient,
	})
	if err != nil {
		return nil, err
	}
	c.c, c.key = p, sig
	return p, nil
}

// ClassifyDocument runs the configured classifier over an extracted
// document (jobs.Classifier): topics the classifier is sure enough of at
// the auto-apply threshold are applied (classify.AutoApply: the builtin
// classifier asks for more than the threshold), others down to
// minSuggestion become suggestions. A provider
// failure a person must fix (a wrong key) leaves the document ready with
// the reason as its note; a temporary one is retried, a few times.
//
// Workers claim every user's jobs: a document of another user than l's is
// classified by that user's library (As), with their settings, topics and
// model.
func (l *Library) ClassifyDocument(ctx context.Context, job store.Job, doc store.Document) (*store.ClassificationOutcome, *string, error) {
	owner, err := l.forJob(ctx, doc)
	if err != nil {
		return nil, nil, err
	}
	if owner != l {
		return owner.ClassifyDocument(ctx, job, doc)
	}
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
		l.model.sync(ctx)
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
		case classify.AutoApply(res, m, s.AutoApplyThreshold):
			out.Applied = append(out.Applied, link)
		case m.Confidence >= minSuggestion:
			out.Suggested = append(out.Suggested, link)
		default:
			continue
		}
		out.Record.Reasons = withReasons(out.Record.Reasons, m)
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

// withReasons adds m's reasons, when it has some, to reasons (by topic id).
func withReasons(reasons map[string][]string, m classify.Match) map[string][]string {
	if len(m.Reasons) == 0 {
		return reasons
	}
	if reasons == nil {
		reasons = map[string][]string{}
	}
	reasons[m.TopicID] = m.Reasons
	return reasons
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
	if owner, sh, err := l.viaShare(ctx, documentID); err != nil {
		return Document{}, err
	} else if owner != nil {
		d, err := owner.AcceptSuggestion(ctx, documentID, topicID)
		return markShared(d, sh), err
	}
	if _, err := l.Document(ctx, documentID); err != nil {
		return Document{}, err
	}
	if err := l.store.AcceptSuggestion(ctx, l.user.ID, documentID, topicID); errors.Is(err, store.ErrNotFound) {
		return Document{}, fmt.Errorf("that topic is not suggested for this document: %w", ErrNotFound)
	} else if err != nil {
		return Document{}, fmt.Errorf("accept the suggestion: %w", err)
	}
	l.learn(ctx, documentID)
	l.bus.Publish(events.Event{Type: events.DocumentUpdated, DocumentID: documentID, UserID: l.user.ID})
	return l.Document(ctx, documentID)
}

// RejectSuggestion refuses a suggested (or automatically applied) topic
// for a document: it is not suggested again, and the builtin classifier
// learns from it.
func (l *Library) RejectSuggestion(ctx context.Context, documentID, topicID string) (Document, error) {
	if owner, sh, err := l.viaShare(ctx, documentID); err != nil {
		return Document{}, err
	} else if owner != nil {
		d, err := owner.RejectSuggestion(ctx, documentID, topicID)
		return markShared(d, sh), err
	}
	if _, err := l.Document(ctx, documentID); err != nil {
		return Document{}, err
	}
	if err := l.store.RejectSuggestion(ctx, l.user.ID, documentID, topicID); errors.Is(err, store.ErrNotFound) {
		return Document{}, fmt.Errorf("that topic is not suggested for this document: %w", ErrNotFound)
	} else if err != nil {
		return Document{}, fmt.Errorf("reject the suggestion: %w", err)
	}
	l.learn(ctx, documentID)
	l.bus.Publish(events.Event{Type: events.DocumentUpdated, DocumentID: documentID, UserID: l.user.ID})
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
	if err := l.store.EnqueueJob(ctx, &store.Job{Kind: jobs.KindClassify, DocumentID: id, UserID: l.user.ID}); err != nil {
		return Document{}, fmt.Errorf("queue %s: %w", id, err)
	}
	l.bus.Publish(events.Event{Type: events.JobsQueued, DocumentID: id, UserID: l.user.ID})
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
		l.bus.Publish(events.Event{Type: events.JobsQueued, UserID: l.user.ID})
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
	c, err := l.classifiers(classify.Settings{
		Provider: cur.AIProvider, Model: cur.AIModel, BaseURL: cur.AIBaseURL, APIKey: strings.TrimSpace(cur.APIKey),
		MaxChars: cur.AIMaxChars, HTTPClient: l.httpClient,
	})
	if err != nil {
		return err
	}
	return c.HealthCheck(ctx)
}
