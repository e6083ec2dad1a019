package store_test

import (
	"errors"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

func TestCheckFolderMove(t *testing.T) {
	// a ─ b ─ c, and a damaged loop x → y → x.
	parents := map[string]string{"b": "a", "c": "b", "x": "y", "y": "x"}
	parentOf := func(id string) (*string, error) {
		if p, ok := parents[id]; ok {
			return &p, nil
		}
		return nil, nil
	}
	ptr := func(s string) *string { return &s }
	tests := []struct {
		name   string
		id     string
		parent *string
		err    error
	}{
		{"to the top", "c", nil, nil},
		{"under a sibling's child", "x", ptr("c"), nil},
		{"under its parent's parent", "c", ptr("a"), nil},
		{"a missing parent is not a cycle", "a", ptr("gone"), nil},
		{"under itself", "b", ptr("b"), store.ErrConflict},
		{"under its child", "a", ptr("b"), store.ErrConflict},
		{"under its grandchild", "a", ptr("c"), store.ErrConflict},
		{"a damaged tree ends the walk", "a", ptr("x"), nil},
	}
	for _, tt := range tests {
		err := store.CheckFolderMove(tt.id, tt.parent, parentOf)
		if !errors.Is(err, tt.err) || (err != nil) != (tt.err != nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
		}
	}
	broken := errors.New("disk on fire")
	err := store.CheckFolderMove("a", ptr("a"), func(string) (*string, error) { return nil, broken })
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("moving under itself reads nothing; err = %v, want ErrConflict", err)
	}
	err = store.CheckFolderMove("a", ptr("c"), func(string) (*string, error) { return nil, broken })
	if !errors.Is(err, broken) {
		t.Errorf("a failing read: err = %v, want it passed on", err)
	}
}

func TestCheckName(t *testing.T) {
	for name, ok := range map[string]bool{"Tax": true, " a ": true, "": false, "  ": false, "\t\n": false} {
		if err := store.CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok %v", name, err, ok)
		}
	}
}

func TestNewStatus(t *testing.T) {
	for in, want := range map[store.Status]store.Status{"": store.StatusStored, store.StatusReady: store.StatusReady} {
		if got, err := store.NewStatus(in); err != nil || got != want {
			t.Errorf("NewStatus(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := store.NewStatus("busy"); err == nil {
		t.Error(`NewStatus("busy"): no error`)
	}
}

func TestDocumentPatchCheck(t *testing.T) {
	ready, busy := store.StatusReady, store.Status("busy")
	if err := (store.DocumentPatch{}).Check(); err != nil {
		t.Errorf("an empty patch: %v", err)
	}
	if err := (store.DocumentPatch{Status: &ready}).Check(); err != nil {
		t.Errorf("a ready patch: %v", err)
	}
	if err := (store.DocumentPatch{Status: &busy}).Check(); err == nil {
		t.Error("a patch to an unknown status: no error")
	}
}
