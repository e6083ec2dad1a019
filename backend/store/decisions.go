package store

import (
	"encoding/json"
	"slices"
	"strings"
)

// What the person decided about a classifier's work, and why the
// classifier chose what it did: the rules every driver shares.

// DecisionKind names one decision a person made on a classifier's work.
type DecisionKind string

// Decision kinds.
const (
	// DecisionKept: a topic the classifier applied was confirmed.
	DecisionKept DecisionKind = "kept"
	// DecisionRemoved: a topic the classifier applied was removed.
	DecisionRemoved DecisionKind = "removed"
	// DecisionAccepted: a suggestion was accepted.
	DecisionAccepted DecisionKind = "accepted"
	// DecisionRejected: a suggestion was rejected.
	DecisionRejected DecisionKind = "rejected"
)

// Decision is one decision on one topic of a document.
type Decision struct {
	TopicID string
	Kind    DecisionKind
}

// DecisionCounts counts the decisions among the last ones asked for.
type DecisionCounts struct {
	Kept, Removed, Accepted, Rejected int
}

// Total is how many decisions were counted.
func (c DecisionCounts) Total() int { return c.Kept + c.Removed + c.Accepted + c.Rejected }

// Add counts n decisions of kind k (an unknown kind is ignored).
func (c *DecisionCounts) Add(k DecisionKind, n int) {
	switch k {
	case DecisionKept:
		c.Kept += n
	case DecisionRemoved:
		c.Removed += n
	case DecisionAccepted:
		c.Accepted += n
	case DecisionRejected:
		c.Rejected += n
	}
}

// PersonDecisions returns the decisions a change made by the person
// (AcceptSuggestion, RejectSuggestion, SetDocumentTopics) stands for,
// given the rows before it: a classifier's link that goes is removed, one
// that becomes the person's is kept, a pending suggestion that becomes a
// link is accepted, one that becomes rejected is rejected. A driver
// writes them to its decision log in the change's transaction. A
// classifier's own run (PlanClassification) is no decision.
func PersonDecisions(cur TopicRows, c TopicChange) []Decision {
	var out []Decision
	byClassifier := func(id string) bool {
		l, ok := cur.Links[id]
		return ok && l.Source == SourceClassifier
	}
	pending := func(id string) bool {
		s, ok := cur.Suggestions[id]
		return ok && s.State == SuggestionPending
	}
	for _, id := range c.DeleteLinks {
		if byClassifier(id) {
			out = append(out, Decision{id, DecisionRemoved})
		}
	}
	for _, l := range c.PutLinks {
		_, linked := cur.Links[l.TopicID]
		switch {
		case byClassifier(l.TopicID) && l.Source != SourceClassifier:
			out = append(out, Decision{l.TopicID, DecisionKept})
		case !linked && pending(l.TopicID):
			out = append(out, Decision{l.TopicID, DecisionAccepted})
		}
	}
	for _, s := range c.PutSuggestions {
		if s.State == SuggestionRejected && pending(s.TopicID) && !byClassifier(s.TopicID) {
			out = append(out, Decision{s.TopicID, DecisionRejected})
		}
	}
	slices.SortFunc(out, func(a, b Decision) int {
		if c := strings.Compare(a.TopicID, b.TopicID); c != 0 {
			return c
		}
		return strings.Compare(string(a.Kind), string(b.Kind))
	})
	return out
}

// EncodeReasons is Classification.Reasons as a driver stores it: a JSON
// object, "{}" when there are none.
func EncodeReasons(r map[string][]string) string {
	clean := make(map[string][]string, len(r))
	for id, words := range r {
		if len(words) > 0 {
			clean[id] = words
		}
	}
	b, err := json.Marshal(clean)
	if err != nil { // a map of strings always encodes
		return "{}"
	}
	return string(b)
}

// DecodeReasons reads what EncodeReasons wrote; anything unreadable reads
// as no reasons (they explain, nothing depends on them).
func DecodeReasons(s string) map[string][]string {
	var r map[string][]string
	if err := json.Unmarshal([]byte(s), &r); err != nil || len(r) == 0 {
		return nil
	}
	return r
}
