package store

import (
	"reflect"
	"testing"
)

// TestTextCondition: a term without a word matches nothing, excluding it
// excludes nothing, and what is left keeps the shape drivers translate.
func TestTextCondition(t *testing.T) {
	w := func(s string) SearchExpr { return Term(SearchTerm{Text: s}) }
	hasWord := func(t SearchTerm) bool { return t.Text != "-" }
	cases := []struct {
		name  string
		q     SearchQuery
		shape Shape
		expr  SearchExpr
	}{
		{"nothing", SearchQuery{}, ShapeAll, SearchExpr{}},
		{"legacy words", SearchQuery{Must: [][]SearchTerm{{{Text: "a"}, {Text: "b"}}, {{Text: "c"}}}, Not: []SearchTerm{{Text: "d"}}},
			ShapeMatch, And(Or(w("a"), w("b")), w("c"), Not(w("d")))},
		{"legacy exclusions only", SearchQuery{Not: []SearchTerm{{Text: "d"}, {Text: "e"}}}, ShapeExclude, Or(w("d"), w("e"))},
		{"a wordless term matches nothing", SearchQuery{Must: [][]SearchTerm{{{Text: "a"}}, {{Text: "-"}}}}, ShapeNone, SearchExpr{}},
		{"a wordless choice drops out", SearchQuery{Must: [][]SearchTerm{{{Text: "a"}, {Text: "-"}}}}, ShapeMatch, w("a")},
		{"excluding a wordless term excludes nothing", SearchQuery{Must: [][]SearchTerm{{{Text: "a"}}}, Not: []SearchTerm{{Text: "-"}}},
			ShapeMatch, w("a")},
		{"tree, nested ands flattened", SearchQuery{Text: ptr(And(w("a"), And(w("b"), Not(w("c")))))}, ShapeMatch,
			And(w("a"), w("b"), Not(w("c")))},
		{"tree, double negation", SearchQuery{Text: ptr(Not(Not(w("a"))))}, ShapeMatch, w("a")},
		{"tree, negative root", SearchQuery{Text: ptr(Not(Or(w("a"), w("b"))))}, ShapeExclude, Or(w("a"), w("b"))},
	}
	for _, c := range cases {
		shape, e := c.q.TextCondition(hasWord)
		if shape != c.shape || (shape == ShapeMatch || shape == ShapeExclude) && !reflect.DeepEqual(e, c.expr) {
			t.Errorf("%s: %v %+v, want %v %+v", c.name, shape, e, c.shape, c.expr)
		}
	}
}

func ptr[T any](v T) *T { return &v }
