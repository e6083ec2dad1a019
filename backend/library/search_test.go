package library_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

// TestSearchSentences: what the search syntax cannot find is said in a
// sentence — an unknown topic or folder gives no hits and a notice, never
// an error in a driver's words; a mistake is an invalid-input error that
// points at it; a capped page says so.
func TestSearchSentences(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a := importText(t, e, "manual-washer.txt", "1")
		b := importText(t, e, "manual-printer.txt", "2")
		c := importText(t, e, "other.txt", "3")
		if _, err := e.lib.SetTopics(ctx, a.ID, []string{"Tax"}); err != nil {
			t.Fatal(err)
		}
		search := func(q string, opt library.SearchOptions) library.SearchResult {
			t.Helper()
			res, err := e.lib.Search(ctx, q, opt)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return res
		}
		for _, c := range []struct {
			query, notice string
			want          []string
		}{
			{"manual topic:Foo", `There is no topic named "Foo", so nothing matches.`, nil},
			{"manual -topic:Foo", `There is no topic named "Foo", so -topic:Foo excludes nothing.`, []string{a.ID, b.ID}},
			{`topic:"No Such" folder:Old`, `There is no topic named "No Such", so nothing matches.`, nil},
			{"manual -folder:Old", `There is no folder named "Old", so -folder:Old excludes nothing.`, []string{a.ID, b.ID}},
			{"folder:Old", `There is no folder named "Old", so nothing matches.`, nil},
			{"manual -topic:tax", "", []string{b.ID}},
		} {
			res := search(c.query, library.SearchOptions{})
			if got := hitIDs(res); !sameIDs(got, c.want) || res.Total != len(c.want) {
				t.Errorf("%s: %v (total %d), want %v", c.query, got, res.Total, c.want)
			}
			if res.Notice != c.notice {
				t.Errorf("%s: notice %q, want %q", c.query, res.Notice, c.notice)
			}
		}

		// Filters alone list newest first.
		res := search("type:text", library.SearchOptions{})
		if got := hitIDs(res); !equal(got, []string{c.ID, b.ID, a.ID}) || res.Total != 3 {
			t.Errorf("type:text lists %v (total %d), want newest first", got, res.Total)
		}
		res = search("type:text -topic:Tax", library.SearchOptions{})
		if got := hitIDs(res); !equal(got, []string{c.ID, b.ID}) {
			t.Errorf("type:text -topic:Tax lists %v", got)
		}

		res = search("manual", library.SearchOptions{Filter: library.Filter{Limit: 2000}})
		if res.CappedAt != library.MaxSearchLimit || !strings.Contains(res.Notice, "at most 1,000 hits") || len(res.Hits) != 2 {
			t.Errorf("limit 2000: capped at %d, notice %q, %d hits", res.CappedAt, res.Notice, len(res.Hits))
		}
		if res := search("manual", library.SearchOptions{Filter: library.Filter{Limit: 1000}}); res.CappedAt != 0 || res.Notice != "" {
			t.Errorf("limit 1000: capped at %d, notice %q", res.CappedAt, res.Notice)
		}

		for q, want := range map[string]string{
			"(manual":        "the parenthesis at position 1 is never closed",
			"manual OR":      "OR at position 8 needs something to search for after it",
			"after:tomorrow": "after: at position 1 needs a date like 2024, 2024-05 or 2024-05-03",
			"":               "type a word or a filter",
			"a OR -b":        "-b at position 6 only excludes",
		} {
			_, err := e.lib.Search(ctx, q, library.SearchOptions{})
			if !errors.Is(err, library.ErrInvalid) || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: %v, want an invalid-input error saying %q", q, err, want)
			}
		}
		if _, err := e.lib.Search(ctx, "manual", library.SearchOptions{Filter: library.Filter{Limit: -1}}); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("a negative limit: %v", err)
		}
	})
}

func hitIDs(res library.SearchResult) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.Document.ID)
	}
	return out
}

func sameIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		if seen[x]--; seen[x] < 0 {
			return false
		}
	}
	return true
}
