package library

import (
	"reflect"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

func TestSplitHighlights(t *testing.T) {
	s := "the " + store.HighlightStart + "café" + store.HighlightEnd + " bill " + store.HighlightStart + "paid" + store.HighlightEnd
	got, marks := splitHighlights(s)
	if got != "the café bill paid" {
		t.Fatalf("text %q", got)
	}
	want := []Highlight{{4, 9}, {15, 19}}
	if !reflect.DeepEqual(marks, want) {
		t.Fatalf("marks %v, want %v", marks, want)
	}
	if got[4:9] != "café" || got[15:19] != "paid" {
		t.Errorf("offsets point at %q and %q", got[4:9], got[15:19])
	}
	if got, marks := splitHighlights("unclosed " + store.HighlightStart + "x"); got != "unclosed x" || len(marks) != 0 {
		t.Errorf("unclosed marker: %q %v", got, marks)
	}
}
