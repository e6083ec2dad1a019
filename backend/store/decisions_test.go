package store_test

import (
	"reflect"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

func TestPersonDecisions(t *testing.T) {
	cur := doc(auto("a", 0.97), auto("b", 0.96), user("h", 1), pending("c", 0.5), pending("d", 0.4), rejected("r", 0.6))
	plan := func(f func(store.TopicRows, string) (store.TopicChange, error), id string) store.TopicChange {
		t.Helper()
		c, err := f(cur, id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	set := func(links ...store.TopicLink) store.TopicChange {
		t.Helper()
		owned := map[string]bool{"a": true, "b": true, "c": true, "d": true, "h": true, "r": true, "n": true}
		c, err := store.PlanSetTopics(cur, links, owned)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	d := func(id string, k store.DecisionKind) store.Decision { return store.Decision{TopicID: id, Kind: k} }
	for _, tc := range []struct {
		name   string
		change store.TopicChange
		want   []store.Decision
	}{
		{"accept an applied topic", plan(store.PlanAccept, "a"), []store.Decision{d("a", store.DecisionKept)}},
		{"reject an applied topic", plan(store.PlanReject, "a"), []store.Decision{d("a", store.DecisionRemoved)}},
		{"accept a suggestion", plan(store.PlanAccept, "c"), []store.Decision{d("c", store.DecisionAccepted)}},
		{"reject a suggestion", plan(store.PlanReject, "c"), []store.Decision{d("c", store.DecisionRejected)}},
		{"edit the topic list", set(user("a", 1), user("c", 1), user("h", 1), user("n", 1)),
			[]store.Decision{d("b", store.DecisionRemoved), d("a", store.DecisionKept), d("c", store.DecisionAccepted)}},
		{"give the classifier's links back as they were", set(auto("a", 0.97), auto("b", 0.96), user("h", 1)), nil},
		{"link a rejected topic, drop the person's own", set(auto("a", 0.97), auto("b", 0.96), user("r", 1)), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := store.PersonDecisions(cur, tc.change)
			want := tc.want
			// PersonDecisions sorts by topic id.
			if len(want) > 1 {
				want = sortDecisions(want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decisions = %v, want %v", got, want)
			}
		})
	}
}

func sortDecisions(ds []store.Decision) []store.Decision {
	out := append([]store.Decision(nil), ds...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].TopicID < out[j-1].TopicID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func TestReasonsEncoding(t *testing.T) {
	r := map[string][]string{"a": {"vat", "tax return"}, "b": nil}
	enc := store.EncodeReasons(r)
	if enc != `{"a":["vat","tax return"]}` {
		t.Errorf("EncodeReasons = %s", enc)
	}
	if got := store.DecodeReasons(enc); !reflect.DeepEqual(got, map[string][]string{"a": {"vat", "tax return"}}) {
		t.Errorf("DecodeReasons = %v", got)
	}
	for _, s := range []string{"{}", "", "not json", "[1]"} {
		if got := store.DecodeReasons(s); got != nil {
			t.Errorf("DecodeReasons(%q) = %v, want nil", s, got)
		}
	}
	if store.EncodeReasons(nil) != "{}" {
		t.Errorf("EncodeReasons(nil) = %s", store.EncodeReasons(nil))
	}
}
