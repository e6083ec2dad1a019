package store

import (
	"fmt"
	"slices"
	"strings"
)

// The rules of a document's topic links and suggestions, written once for
// every driver. Each rule is a pure function: it gets the rows one document
// carries (TopicRows), as the driver read them inside the transaction that
// changes them, and answers with the rows to write (TopicChange). The
// driver locks, reads and writes in its own dialect; what is decided is
// decided here, so the drivers cannot drift apart.

// SuggestionState says whether a suggestion waits for the person or was
// refused by them.
type SuggestionState string

// Suggestion states. A rejected suggestion is kept: the same topic is not
// suggested or applied to the document again, and the builtin classifier
// learns from it.
const (
	SuggestionPending  SuggestionState = "pending"
	SuggestionRejected SuggestionState = "rejected"
)

// SuggestionRow is one of a document's suggestion rows.
type SuggestionRow struct {
	TopicID    string
	State      SuggestionState
	Confidence float64
}

// TopicRows is what one document carries about topics: its links and its
// suggestion rows (pending and rejected), each keyed by topic id. A
// document has at most one link and one suggestion row per topic.
type TopicRows struct {
	Links       map[string]TopicLink
	Suggestions map[string]SuggestionRow
}

// AddLink adds a link row as a driver reads it.
func (r *TopicRows) AddLink(l TopicLink) {
	if r.Links == nil {
		r.Links = map[string]TopicLink{}
	}
	r.Links[l.TopicID] = l
}

// AddSuggestion adds a suggestion row as a driver reads it.
func (r *TopicRows) AddSuggestion(s SuggestionRow) {
	if r.Suggestions == nil {
		r.Suggestions = map[string]SuggestionRow{}
	}
	r.Suggestions[s.TopicID] = s
}

// Rows is the part of a driver's result rows ReadTopicRows needs
// (database/sql's *Rows and pgx's Rows both have it).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ReadTopicRows reads a driver's answer to "the document's links, then its
// suggestion rows": each row is (is a link, topic id, source or state,
// confidence). The caller closes rows.
func ReadTopicRows(rows Rows) (TopicRows, error) {
	var cur TopicRows
	for rows.Next() {
		var (
			link       bool
			id, kind   string
			confidence float64
		)
		if err := rows.Scan(&link, &id, &kind, &confidence); err != nil {
			return cur, err
		}
		if link {
			cur.AddLink(TopicLink{TopicID: id, Source: LinkSource(kind), Confidence: confidence})
		} else {
			cur.AddSuggestion(SuggestionRow{TopicID: id, State: SuggestionState(kind), Confidence: confidence})
		}
	}
	return cur, rows.Err()
}

// clone copies r, so a rule can change the copy and compare.
func (r TopicRows) clone() TopicRows {
	c := TopicRows{Links: make(map[string]TopicLink, len(r.Links)), Suggestions: make(map[string]SuggestionRow, len(r.Suggestions))}
	for id, l := range r.Links {
		c.Links[id] = l
	}
	for id, s := range r.Suggestions {
		c.Suggestions[id] = s
	}
	return c
}

// TopicChange is what a rule decided for one document: rows to delete and
// rows to put (insert, or overwrite source/state and confidence), per
// table, each in topic id order. Rows that stay as they were are not in
// it, so a driver writes (and fires its triggers for) real changes only.
type TopicChange struct {
	DeleteLinks       []string // topic ids
	PutLinks          []TopicLink
	DeleteSuggestions []string // topic ids
	PutSuggestions    []SuggestionRow
}

// diff is the change that turns before into after.
func diff(before, after TopicRows) TopicChange {
	var c TopicChange
	for id := range before.Links {
		if _, ok := after.Links[id]; !ok {
			c.DeleteLinks = append(c.DeleteLinks, id)
		}
	}
	for id, l := range after.Links {
		if old, ok := before.Links[id]; !ok || old != l {
			c.PutLinks = append(c.PutLinks, l)
		}
	}
	for id := range before.Suggestions {
		if _, ok := after.Suggestions[id]; !ok {
			c.DeleteSuggestions = append(c.DeleteSuggestions, id)
		}
	}
	for id, s := range after.Suggestions {
		if old, ok := before.Suggestions[id]; !ok || old != s {
			c.PutSuggestions = append(c.PutSuggestions, s)
		}
	}
	slices.Sort(c.DeleteLinks)
	slices.SortFunc(c.PutLinks, func(a, b TopicLink) int { return strings.Compare(a.TopicID, b.TopicID) })
	slices.Sort(c.DeleteSuggestions)
	slices.SortFunc(c.PutSuggestions, func(a, b SuggestionRow) int { return strings.Compare(a.TopicID, b.TopicID) })
	return c
}

// CleanLinks checks the links given to SetDocumentTopics or a BulkLoader
// and returns them as they are stored: an empty Source means SourceUser,
// any other unknown source is an error, and a topic given twice keeps its
// last link at the place of its first. Topic ids are compared as given: a
// driver whose ids have several spellings makes them canonical first.
func CleanLinks(links []TopicLink) ([]TopicLink, error) {
	out := make([]TopicLink, 0, len(links))
	index := make(map[string]int, len(links))
	for _, l := range links {
		switch l.Source {
		case "":
			l.Source = SourceUser
		case SourceUser, SourceClassifier, SourceRule:
		default:
			return nil, fmt.Errorf("unknown link source %q", l.Source)
		}
		if i, dup := index[l.TopicID]; dup {
			out[i] = l
			continue
		}
		index[l.TopicID] = len(out)
		out = append(out, l)
	}
	return out, nil
}

// PlanSetTopics is SetDocumentTopics: the document's links become links
// (as CleanLinks returns them), and a topic linked now is decided, so its
// suggestion goes, pending or rejected. Every topic must be one the
// document's owner owns (owned, by topic id); ErrNotFound otherwise.
func PlanSetTopics(cur TopicRows, links []TopicLink, owned map[string]bool) (TopicChange, error) {
	next := cur.clone()
	clear(next.Links)
	for _, l := range links {
		if !owned[l.TopicID] {
			return TopicChange{}, fmt.Errorf("topic %s: %w", l.TopicID, ErrNotFound)
		}
		next.Links[l.TopicID] = l
		delete(next.Suggestions, l.TopicID)
	}
	return diff(cur, next), nil
}

// errNoSuggestion is the ErrNotFound of PlanAccept and PlanReject.
func errNoSuggestion(topicID string) error {
	return fmt.Errorf("no suggestion of topic %q: %w", topicID, ErrNotFound)
}

// PlanAccept is AcceptSuggestion: a pending suggestion becomes a link with
// source user and the suggestion's confidence (a link the topic already
// has keeps its own confidence); otherwise a link the classifier applied
// becomes the user's. ErrNotFound when there is neither.
func PlanAccept(cur TopicRows, topicID string) (TopicChange, error) {
	next := cur.clone()
	link, linked := cur.Links[topicID]
	switch sug, ok := cur.Suggestions[topicID]; {
	case ok && sug.State == SuggestionPending:
		delete(next.Suggestions, topicID)
		if !linked {
			link = TopicLink{TopicID: topicID, Confidence: sug.Confidence}
		}
	case linked && link.Source == SourceClassifier:
	default:
		return TopicChange{}, errNoSuggestion(topicID)
	}
	link.Source = SourceUser
	next.Links[topicID] = link
	return diff(cur, next), nil
}

// PlanReject is RejectSuggestion: a pending suggestion is remembered as
// rejected; otherwise a link the classifier applied goes and is
// remembered as a rejected suggestion with the link's confidence (a
// rejected row the topic already has stays as it is). ErrNotFound when
// there is neither.
func PlanReject(cur TopicRows, topicID string) (TopicChange, error) {
	next := cur.clone()
	sug, suggested := cur.Suggestions[topicID]
	switch link, ok := cur.Links[topicID]; {
	case suggested && sug.State == SuggestionPending:
	case ok && link.Source == SourceClassifier:
		delete(next.Links, topicID)
		if !suggested {
			sug = SuggestionRow{TopicID: topicID, Confidence: link.Confidence}
		}
	default:
		return TopicChange{}, errNoSuggestion(topicID)
	}
	sug.State = SuggestionRejected
	next.Suggestions[topicID] = sug
	return diff(cur, next), nil
}

// PlanClassification is the topic part of a ClassificationOutcome: the
// previous run's work (classifier links, pending suggestions) goes; the
// person's decisions (links by the user or a rule, rejected suggestions)
// stay. A topic is then applied (source classifier) or suggested (pending)
// only when the document's owner owns it (owned, by topic id), it is not
// linked and has no suggestion row; the first of a topic wins, and
// Applied comes before Suggested.
func PlanClassification(cur TopicRows, c ClassificationOutcome, owned map[string]bool) TopicChange {
	next := cur.clone()
	for id, l := range next.Links {
		if l.Source == SourceClassifier {
			delete(next.Links, id)
		}
	}
	for id, s := range next.Suggestions {
		if s.State == SuggestionPending {
			delete(next.Suggestions, id)
		}
	}
	eligible := func(id string) bool {
		_, linked := next.Links[id]
		_, suggested := next.Suggestions[id]
		return owned[id] && !linked && !suggested
	}
	for _, l := range c.Applied {
		if eligible(l.TopicID) {
			next.Links[l.TopicID] = TopicLink{TopicID: l.TopicID, Source: SourceClassifier, Confidence: l.Confidence}
		}
	}
	for _, l := range c.Suggested {
		if eligible(l.TopicID) {
			next.Suggestions[l.TopicID] = SuggestionRow{TopicID: l.TopicID, State: SuggestionPending, Confidence: l.Confidence}
		}
	}
	return diff(cur, next)
}

// OutcomeTopics returns the topic ids an outcome applies or suggests, each
// once: the topics whose owner a driver looks up for PlanClassification.
func OutcomeTopics(c ClassificationOutcome) []string {
	var ids []string
	seen := map[string]bool{}
	for _, links := range [][]TopicLink{c.Applied, c.Suggested} {
		for _, l := range links {
			if !seen[l.TopicID] {
				seen[l.TopicID] = true
				ids = append(ids, l.TopicID)
			}
		}
	}
	return ids
}
