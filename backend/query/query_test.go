package query

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// TestParse reads each query and writes it back in canonical form: the
// tree's shape shows in the parentheses.
func TestParse(t *testing.T) {
	cases := []struct{ in, want string }{
		{"invoice", "invoice"},
		{"tax  2025", "tax 2025"},
		{`"health insurance" claim`, `"health insurance" claim`},
		{"invo*", "invo*"},
		{"bank -loan", "bank -loan"},
		{"car OR bike insurance", "(car OR bike) insurance"},
		{"car OR bike AND insurance", "(car OR bike) insurance"},
		{"(invoice OR receipt) 2024", "(invoice OR receipt) 2024"},
		{"((a OR b) c) OR d", "((a OR b) c) OR d"},
		{"a b OR c d", "a (b OR c) d"},
		{"a OR b", "a OR b"},
		{"a (b (c d))", "a b c d"},
		{"-(a OR b) c", "-(a OR b) c"},
		{"-(a -b) c", "-(a -b) c"},
		{"x -(-a -b)", "x (a OR b)"},
		{"--a b", "a b"},
		{"-a -b", "-a -b"},
		{"e-mail", `"e mail"`},
		{"Müller café", "Müller café"},
		{"at 10:30", `at "10 30"`},
		{"a ... b", "a b"},
		{`"OR" and`, `"OR" and`},
		{"name:report text:tax", "name:report text:tax"},
		{`name:"annual report" name:inv*`, `name:"annual report" name:inv*`},
		{"name:(a OR b) c", "(name:a OR name:b) c"},
		{"text:(a -name:b)", "text:a -name:b"},
		{"manual -type:pdf", `manual -type:pdf`},
		{"type:pdf", "type:pdf"},
		{`topic:"Health Insurance" tag:Tax -folder:Old`, `topic:"Health Insurance" topic:Tax -folder:Old`},
		{"topic:Tax after:2024-01-01", "topic:Tax after:2024-01-01"},
		{"-(topic:Tax)", "-topic:Tax"},
		{"smile :)", "" /* an error, see TestParseErrors */},
	}
	for _, c := range cases {
		if c.want == "" {
			continue
		}
		q, err := Parse(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := q.String(); got != c.want {
			t.Errorf("%q reads as %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseFilters(t *testing.T) {
	day := func(s string) *time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	q, err := Parse(`rent -type:image after:2024 before:2024-05 date:2024-05-03 -date:2023-02 type:.PDF type:text/x-go`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Filter{
		{Name: "type", Value: "image", Not: true, Kind: store.FilterType, TypePrefix: "image/"},
		{Name: "after", Value: "2024", Kind: store.FilterCreated, From: day("2024-01-01")},
		{Name: "before", Value: "2024-05", Kind: store.FilterCreated, To: day("2024-05-01")},
		{Name: "date", Value: "2024-05-03", Kind: store.FilterCreated, From: day("2024-05-03"), To: day("2024-05-04")},
		{Name: "date", Value: "2023-02", Not: true, Kind: store.FilterCreated, From: day("2023-02-01"), To: day("2023-03-01")},
		{Name: "type", Value: ".PDF", Kind: store.FilterType, TypePrefix: "application/pdf"},
		{Name: "type", Value: "text/x-go", Kind: store.FilterType, TypePrefix: "text/x-go"},
	}
	if !reflect.DeepEqual(q.Filters, want) {
		t.Errorf("filters\n got %+v\nwant %+v", q.Filters, want)
	}
	if q.Text == nil || q.Text.Op != store.OpTerm || q.Text.Term.Text != "rent" {
		t.Errorf("text %+v", q.Text)
	}
	q, err = Parse("type:pdf")
	if err != nil || q.Text != nil || len(q.Filters) != 1 {
		t.Errorf("a filter alone: %+v %v", q, err)
	}
	if q, err := Parse("  ...  "); err != nil || !q.Empty() {
		t.Errorf("only punctuation: %+v %v", q, err)
	}
}

// TestParseErrors: every mistake is an *Error whose sentence names the
// position (or the rule) it broke.
func TestParseErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{`"unterminated`, "quote at position 1 is never closed"},
		{`a "b`, "quote at position 3 is never closed"},
		{"OR tax", "OR at position 1 needs something to search for before it"},
		{"tax OR", "OR at position 5 needs something to search for after it"},
		{"a OR OR b", "OR at position 3 needs something to search for after it"},
		{"a AND", "AND at position 3 needs"},
		{"(a OR b", "parenthesis at position 1 is never closed"},
		{"a) b", "closing parenthesis at position 2 has no opening one"},
		{"smile :)", "closing parenthesis at position 8 has no opening one"},
		{"a () b", "parentheses at position 3 hold nothing"},
		{"type:banana", "type:banana at position 1 is not a type"},
		{"after:yesterday", `after: at position 1 needs a date like 2024, 2024-05 or 2024-05-03, not "yesterday"`},
		{"date:2024-13", "needs a date like"},
		{"before:24", "needs a date like"},
		{`topic:""`, "topic: at position 1 needs a value"},
		{"a OR -b", "-b at position 6 only excludes: it cannot be one of the choices of OR"},
		{"a OR (-b -c)", "at position 6 only excludes"},
		{"(a OR type:pdf)", "type:pdf at position 7 is a filter"},
		{"a OR topic:Tax", "topic:Tax at position 6 is a filter"},
		{"name:(type:pdf)", "type:pdf at position 7 is a filter: it cannot be inside name:("},
		{"a -", ""}, // not an error: a lone - is punctuation
		{strings.Repeat("(", 20) + "a" + strings.Repeat(")", 20), "nest deeper than 16"},
		{strings.Repeat("word ", 40), "at most 32 words, this one has 40"},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v, want no error", c.in, err)
			}
			continue
		}
		var qe *Error
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, c.want) {
			t.Errorf("%q: got %v, want an error saying %q", c.in, err, c.want)
		}
	}
}

// checkShape fails unless e has the shape store.SearchExpr promises.
func checkShape(t *testing.T, in string, e store.SearchExpr, root bool) {
	t.Helper()
	switch e.Op {
	case store.OpTerm:
		if e.Term.Text == "" || len(e.Args) != 0 {
			t.Fatalf("%q: bad term %+v", in, e)
		}
		return
	case store.OpNot:
		if len(e.Args) != 1 || e.Args[0].Op == store.OpNot {
			t.Fatalf("%q: bad not %+v", in, e)
		}
	case store.OpAnd, store.OpOr:
		if len(e.Args) < 2 {
			t.Fatalf("%q: %v with %d args", in, e.Op, len(e.Args))
		}
		positive := false
		for _, a := range e.Args {
			if a.Op == e.Op {
				t.Fatalf("%q: nested %v not flattened", in, e.Op)
			}
			if a.Op != store.OpNot {
				positive = true
			} else if e.Op == store.OpOr {
				t.Fatalf("%q: a Not among the choices of an Or", in)
			}
		}
		if !positive && !root {
			t.Fatalf("%q: an And of Nots below the root", in)
		}
	default:
		t.Fatalf("%q: unknown op %v", in, e.Op)
	}
	for _, a := range e.Args {
		checkShape(t, in, a, false)
	}
}

// FuzzParse: Parse never panics; what it reads has the promised shape
// and reads back the same from its String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`"a b" c* -d OR e topic:x type:pdf`, `"`, "OR", "-", "a:b:c", "\xff\xfe",
		"(invoice OR receipt) 2024 -(a OR b)", "name:(a OR -b) text:c", "-(-a -b) date:2024-05", `topic:"x y" -folder:Old`,
		"((a)) OR (b c) -(d OR e f)", `x "OR" AND y`, "a -- -b -(-c)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) || qe.Msg == "" {
				t.Fatalf("%q: error %v is not a sentence", s, err)
			}
			return
		}
		if q.Text != nil {
			checkShape(t, s, *q.Text, true)
		}
		again, err := Parse(q.String())
		if err != nil {
			t.Fatalf("%q reads as %q, which does not parse: %v", s, q.String(), err)
		}
		if !reflect.DeepEqual(again, q) {
			t.Fatalf("%q reads as %q, which reads back differently:\n%+v\n%+v", s, q.String(), q, again)
		}
	})
}
