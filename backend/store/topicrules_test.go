package store_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

// Short names for the rows of the tables below.
func user(id string, conf float64) store.TopicLink {
	return store.TopicLink{TopicID: id, Source: store.SourceUser, Confidence: conf}
}

func rule(id string, conf float64) store.TopicLink {
	return store.TopicLink{TopicID: id, Source: store.SourceRule, Confidence: conf}
}

func auto(id string, conf float64) store.TopicLink {
	return store.TopicLink{TopicID: id, Source: store.SourceClassifier, Confidence: conf}
}

func pending(id string, conf float64) store.SuggestionRow {
	return store.SuggestionRow{TopicID: id, State: store.SuggestionPending, Confidence: conf}
}

func rejected(id string, conf float64) store.SuggestionRow {
	return store.SuggestionRow{TopicID: id, State: store.SuggestionRejected, Confidence: conf}
}

// doc builds the rows of one document from links and suggestion rows.
func doc(rows ...any) store.TopicRows {
	var r store.TopicRows
	for _, row := range rows {
		switch row := row.(type) {
		case store.TopicLink:
			r.AddLink(row)
		case store.SuggestionRow:
			r.AddSuggestion(row)
		}
	}
	return r
}

func owns(ids ...string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func checkChange(t *testing.T, got, want store.TopicChange) {
	t.Helper()
	// nil and empty lists are the same change.
	norm := func(c store.TopicChange) store.TopicChange {
		if len(c.DeleteLinks) == 0 {
			c.DeleteLinks = nil
		}
		if len(c.PutLinks) == 0 {
			c.PutLinks = nil
		}
		if len(c.DeleteSuggestions) == 0 {
			c.DeleteSuggestions = nil
		}
		if len(c.PutSuggestions) == 0 {
			c.PutSuggestions = nil
		}
		return c
	}
	if got, want := norm(got), norm(want); !reflect.DeepEqual(got, want) {
		t.Errorf("change:\n got %+v\nwant %+v", got, want)
	}
}

func TestCleanLinks(t *testing.T) {
	got, err := store.CleanLinks([]store.TopicLink{
		{TopicID: "a", Confidence: 1},
		auto("b", 0.5),
		rule("a", 0.7),
		auto("c", 0.2),
		user("b", 0.9),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.TopicLink{rule("a", 0.7), user("b", 0.9), auto("c", 0.2)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CleanLinks = %+v, want %+v (an empty source is the user's; the last link of a topic wins, at its first place)", got, want)
	}
	if _, err := store.CleanLinks([]store.TopicLink{{TopicID: "a", Source: "robot"}}); err == nil {
		t.Error("CleanLinks with an unknown source: no error")
	}
	if got, err := store.CleanLinks(nil); err != nil || len(got) != 0 {
		t.Errorf("CleanLinks(nil) = %v, %v; want no links", got, err)
	}
}

func TestPlanSetTopics(t *testing.T) {
	tests := []struct {
		name  string
		cur   store.TopicRows
		links []store.TopicLink
		owned map[string]bool
		want  store.TopicChange
		err   error
	}{
		{
			name:  "links replace links",
			cur:   doc(user("a", 1), auto("b", 0.8)),
			links: []store.TopicLink{user("c", 1)},
			owned: owns("c"),
			want:  store.TopicChange{DeleteLinks: []string{"a", "b"}, PutLinks: []store.TopicLink{user("c", 1)}},
		},
		{
			name:  "an unchanged link is not written",
			cur:   doc(user("a", 1), auto("b", 0.8)),
			links: []store.TopicLink{user("a", 1), user("b", 0.8)},
			owned: owns("a", "b"),
			want:  store.TopicChange{PutLinks: []store.TopicLink{user("b", 0.8)}},
		},
		{
			name:  "a linked topic leaves the suggestions, pending or rejected",
			cur:   doc(pending("a", 0.4), rejected("b", 0.3), pending("c", 0.2)),
			links: []store.TopicLink{user("a", 1), user("b", 1)},
			owned: owns("a", "b"),
			want: store.TopicChange{PutLinks: []store.TopicLink{user("a", 1), user("b", 1)},
				DeleteSuggestions: []string{"a", "b"}},
		},
		{
			name:  "no links clears the links, suggestions stay",
			cur:   doc(rule("a", 1), pending("b", 0.4)),
			links: nil,
			owned: owns(),
			want:  store.TopicChange{DeleteLinks: []string{"a"}},
		},
		{
			name:  "another user's or a missing topic is not found",
			cur:   doc(user("a", 1)),
			links: []store.TopicLink{user("a", 1), user("x", 1)},
			owned: owns("a"),
			err:   store.ErrNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.PlanSetTopics(tt.cur, tt.links, tt.owned)
			if !errors.Is(err, tt.err) || (err != nil) != (tt.err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			checkChange(t, got, tt.want)
		})
	}
}

func TestPlanAccept(t *testing.T) {
	tests := []struct {
		name string
		cur  store.TopicRows
		want store.TopicChange
		err  error
	}{
		{
			name: "a pending suggestion becomes the user's link, with its confidence",
			cur:  doc(pending("a", 0.55), pending("b", 0.4)),
			want: store.TopicChange{PutLinks: []store.TopicLink{user("a", 0.55)}, DeleteSuggestions: []string{"a"}},
		},
		{
			name: "a link the topic already has keeps its confidence",
			cur:  doc(rule("a", 0.9), pending("a", 0.55)),
			want: store.TopicChange{PutLinks: []store.TopicLink{user("a", 0.9)}, DeleteSuggestions: []string{"a"}},
		},
		{
			name: "a classifier link becomes the user's",
			cur:  doc(auto("a", 0.93)),
			want: store.TopicChange{PutLinks: []store.TopicLink{user("a", 0.93)}},
		},
		{
			name: "a classifier link with a rejected row: the row stays",
			cur:  doc(auto("a", 0.93), rejected("a", 0.2)),
			want: store.TopicChange{PutLinks: []store.TopicLink{user("a", 0.93)}},
		},
		{name: "the user's link is not a suggestion", cur: doc(user("a", 1)), err: store.ErrNotFound},
		{name: "a rule's link is not a suggestion", cur: doc(rule("a", 1)), err: store.ErrNotFound},
		{name: "a rejected suggestion is not pending", cur: doc(rejected("a", 0.5)), err: store.ErrNotFound},
		{name: "nothing about the topic", cur: doc(pending("b", 0.5)), err: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.PlanAccept(tt.cur, "a")
			if !errors.Is(err, tt.err) || (err != nil) != (tt.err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			checkChange(t, got, tt.want)
		})
	}
}

func TestPlanReject(t *testing.T) {
	tests := []struct {
		name string
		cur  store.TopicRows
		want store.TopicChange
		err  error
	}{
		{
			name: "a pending suggestion is remembered as rejected",
			cur:  doc(pending("a", 0.55)),
			want: store.TopicChange{PutSuggestions: []store.SuggestionRow{rejected("a", 0.55)}},
		},
		{
			name: "a pending suggestion first: a classifier link of the topic stays",
			cur:  doc(auto("a", 0.9), pending("a", 0.55)),
			want: store.TopicChange{PutSuggestions: []store.SuggestionRow{rejected("a", 0.55)}},
		},
		{
			name: "a classifier link goes and is rejected with its confidence",
			cur:  doc(auto("a", 0.93), user("b", 1)),
			want: store.TopicChange{DeleteLinks: []string{"a"}, PutSuggestions: []store.SuggestionRow{rejected("a", 0.93)}},
		},
		{
			name: "a classifier link with a rejected row: the row stays as it is",
			cur:  doc(auto("a", 0.93), rejected("a", 0.2)),
			want: store.TopicChange{DeleteLinks: []string{"a"}},
		},
		{name: "the user's link is not a suggestion", cur: doc(user("a", 1)), err: store.ErrNotFound},
		{name: "rejected twice", cur: doc(rejected("a", 0.5)), err: store.ErrNotFound},
		{name: "nothing about the topic", cur: doc(), err: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.PlanReject(tt.cur, "a")
			if !errors.Is(err, tt.err) || (err != nil) != (tt.err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			checkChange(t, got, tt.want)
		})
	}
}

func TestPlanClassification(t *testing.T) {
	tests := []struct {
		name    string
		cur     store.TopicRows
		outcome store.ClassificationOutcome
		owned   map[string]bool
		want    store.TopicChange
	}{
		{
			name: "a first run applies and suggests",
			cur:  doc(),
			outcome: store.ClassificationOutcome{
				Applied:   []store.TopicLink{auto("a", 0.93)},
				Suggested: []store.TopicLink{auto("c", 0.41), auto("b", 0.62)},
			},
			owned: owns("a", "b", "c"),
			want: store.TopicChange{PutLinks: []store.TopicLink{auto("a", 0.93)},
				PutSuggestions: []store.SuggestionRow{pending("b", 0.62), pending("c", 0.41)}},
		},
		{
			name: "a rerun replaces the classifier's work and keeps the person's",
			cur:  doc(auto("tax", 0.9), user("home", 1), rule("bank", 1), pending("old", 0.5), rejected("no", 0.3)),
			outcome: store.ClassificationOutcome{
				Applied:   []store.TopicLink{auto("travel", 0.85), auto("home", 0.99), auto("no", 0.97)},
				Suggested: []store.TopicLink{auto("tax", 0.3), auto("bank", 0.4), auto("no", 0.6)},
			},
			owned: owns("tax", "home", "bank", "old", "no", "travel"),
			want: store.TopicChange{
				DeleteLinks:       []string{"tax"},
				PutLinks:          []store.TopicLink{auto("travel", 0.85)},
				DeleteSuggestions: []string{"old"},
				PutSuggestions:    []store.SuggestionRow{pending("tax", 0.3)},
			},
		},
		{
			name: "the same work again writes nothing",
			cur:  doc(auto("a", 0.9), pending("b", 0.5)),
			outcome: store.ClassificationOutcome{
				Applied: []store.TopicLink{auto("a", 0.9)}, Suggested: []store.TopicLink{auto("b", 0.5)},
			},
			owned: owns("a", "b"),
			want:  store.TopicChange{},
		},
		{
			name: "another user's topic is neither applied nor suggested",
			cur:  doc(),
			outcome: store.ClassificationOutcome{
				Applied: []store.TopicLink{auto("x", 0.99)}, Suggested: []store.TopicLink{auto("y", 0.5)},
			},
			owned: owns(),
			want:  store.TopicChange{},
		},
		{
			name: "the first of a topic wins, applied before suggested",
			cur:  doc(),
			outcome: store.ClassificationOutcome{
				Applied:   []store.TopicLink{auto("a", 0.9), auto("a", 0.95)},
				Suggested: []store.TopicLink{auto("a", 0.4), auto("b", 0.3), auto("b", 0.35)},
			},
			owned: owns("a", "b"),
			want: store.TopicChange{PutLinks: []store.TopicLink{auto("a", 0.9)},
				PutSuggestions: []store.SuggestionRow{pending("b", 0.3)}},
		},
		{
			name: "an applied link is always the classifier's",
			cur:  doc(),
			outcome: store.ClassificationOutcome{
				Applied: []store.TopicLink{user("a", 0.9)},
			},
			owned: owns("a"),
			want:  store.TopicChange{PutLinks: []store.TopicLink{auto("a", 0.9)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkChange(t, store.PlanClassification(tt.cur, tt.outcome, tt.owned), tt.want)
		})
	}
}

func TestOutcomeTopics(t *testing.T) {
	got := store.OutcomeTopics(store.ClassificationOutcome{
		Applied:   []store.TopicLink{auto("a", 1), auto("b", 1)},
		Suggested: []store.TopicLink{auto("b", 0.5), auto("c", 0.5)},
	})
	if want := []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("OutcomeTopics = %v, want %v", got, want)
	}
}
