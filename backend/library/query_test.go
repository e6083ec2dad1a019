package library

import (
	"errors"
	"reflect"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

func w(s string) store.SearchTerm { return store.SearchTerm{Text: s} }

func TestParseQuery(t *testing.T) {
	cases := []struct {
		in   string
		must [][]store.SearchTerm
		not  []store.SearchTerm
	}{
		{"invoice", [][]store.SearchTerm{{w("invoice")}}, nil},
		{"tax  2025", [][]store.SearchTerm{{w("tax")}, {w("2025")}}, nil},
		{`"health insurance" claim`, [][]store.SearchTerm{{{Text: "health insurance", Phrase: true}}, {w("claim")}}, nil},
		{"invo*", [][]store.SearchTerm{{{Text: "invo", Prefix: true}}}, nil},
		{"bank -loan", [][]store.SearchTerm{{w("bank")}}, []store.SearchTerm{w("loan")}},
		{"car OR bike insurance", [][]store.SearchTerm{{w("car"), w("bike")}, {w("insurance")}}, nil},
		{"e-mail", [][]store.SearchTerm{{{Text: "e mail", Phrase: true}}}, nil},
		{"Müller café", [][]store.SearchTerm{{w("Müller")}, {w("café")}}, nil},
		{"at 10:30", [][]store.SearchTerm{{w("at")}, {{Text: "10 30", Phrase: true}}}, nil},
		{"a ... b", [][]store.SearchTerm{{w("a")}, {w("b")}}, nil},
	}
	for _, c := range cases {
		q, err := ParseQuery(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(q.Must, c.must) || !reflect.DeepEqual(q.Not, c.not) {
			t.Errorf("%q: must %+v not %+v", c.in, q.Must, q.Not)
		}
	}
}

func TestParseQueryFilters(t *testing.T) {
	q, err := ParseQuery(`rent topic:"Health Insurance" folder:Work type:pdf after:2025-01-01 before:2026-01-01`)
	if err != nil {
		t.Fatal(err)
	}
	if q.Topic != "Health Insurance" || q.Folder != "Work" || q.ContentType != "application/pdf" {
		t.Errorf("filters %+v", q)
	}
	if q.After == nil || q.After.Year() != 2025 || q.Before == nil || q.Before.Year() != 2026 {
		t.Errorf("dates %v %v", q.After, q.Before)
	}
	if len(q.Must) != 1 || q.Must[0][0].Text != "rent" {
		t.Errorf("terms %+v", q.Must)
	}
	if q, err := ParseQuery("type:pdf"); err != nil || !q.Empty() {
		t.Errorf("filter-only query: %+v %v", q, err)
	}
}

func TestParseQueryErrors(t *testing.T) {
	for _, in := range []string{`"unterminated`, "OR tax", "tax OR", "a OR OR b", "type:banana", "after:yesterday", "-only", "a OR -b"} {
		if _, err := ParseQuery(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: got %v, want an invalid-input error", in, err)
		}
	}
	long := ""
	for range 40 {
		long += "word "
	}
	if _, err := ParseQuery(long); !errors.Is(err, ErrInvalid) {
		t.Errorf("40 words: %v", err)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`"a b" c* -d OR e topic:x type:pdf`, `"`, "OR", "-", "a:b:c", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			return
		}
		for _, g := range q.Must {
			if len(g) == 0 {
				t.Fatalf("empty OR group from %q", s)
			}
			for _, term := range g {
				if term.Text == "" {
					t.Fatalf("empty term from %q", s)
				}
			}
		}
	})
}
