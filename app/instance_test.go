package app

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/docsift/docsift/internal/teststores"
	"github.com/wailsapp/wails/v2/pkg/options"
)

// TestSecondInstanceFiles checks which of a second docsift's arguments
// are imported: HandOff's list as sent; a raw command line (two started
// at once, Wails' own lock) only its existing regular files, relative
// ones resolved in its working folder — never a flag's folder.
func TestSecondInstanceFiles(t *testing.T) {
	wd := t.TempDir()
	if err := os.WriteFile(filepath.Join(wd, "a.pdf"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	abs := filepath.Join(wd, "a.pdf")
	for _, c := range []struct {
		name string
		in   options.SecondInstanceData
		want []string
	}{
		{"hand-off", options.SecondInstanceData{Args: []string{handOffMarker, "", abs, data}, WorkingDirectory: "/"}, []string{abs, data}},
		{"raw", options.SecondInstanceData{Args: []string{"--data-dir", data, "a.pdf", "missing.pdf", "file://" + abs}, WorkingDirectory: wd}, []string{abs, abs}},
		{"nothing", options.SecondInstanceData{Args: nil}, nil},
	} {
		if got, _ := instanceFiles(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if InstanceID(data) == InstanceID(t.TempDir()) || InstanceID(data) != InstanceID(data+"/") {
		t.Error("the instance id does not follow the library's folder")
	}
}

// TestSecondInstanceImports: files from a second docsift are imported
// with progress, and the window is raised.
func TestSecondInstanceImports(t *testing.T) {
	st, bs, _ := teststores.Local(t)
	e := newEnv(t, st, bs)
	dir := t.TempDir()
	p := filepath.Join(dir, "handed.txt")
	if err := os.WriteFile(p, []byte("handed over by another docsift"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.app.secondInstance(options.SecondInstanceData{Args: []string{handOffMarker, "#/settings", p}})
	e.rt.waitEvent(t, EventImportFinished)
	if len(e.rt.events(EventImportProgress)) == 0 {
		t.Fatal("no import.progress event")
	}
	e.rt.mu.Lock()
	raised := e.rt.raised
	e.rt.mu.Unlock()
	if raised != 1 {
		t.Fatalf("raised %d times", raised)
	}
	if nav := e.rt.events(EventNavigate); len(nav) != 1 || nav[0].Data.(Navigate).Hash != "#/settings" {
		t.Fatalf("navigate events %+v", nav)
	}
}

// TestRoutesRaiseTheWindow: a clicked notification's route brings the
// window up on that screen (once the page listens), as does --show.
func TestRoutesRaiseTheWindow(t *testing.T) {
	st, bs, _ := teststores.Local(t)
	e := newEnv(t, st, bs)
	routes := make(chan string, 1)
	a := New(t.Context(), Options{Library: e.lib, Show: "#/settings", Routes: routes})
	rt := &fakeRuntime{}
	a.startup(rt)
	defer a.shutdown()
	if _, err := a.ListDocuments(ListQuery{}); err != nil { // the page's first call
		t.Fatal(err)
	}
	rt.waitEvent(t, EventNavigate)
	routes <- "#/documents/abc"
	deadline := time.Now().Add(20 * time.Second)
	for {
		nav := rt.events(EventNavigate)
		rt.mu.Lock()
		raised := rt.raised
		rt.mu.Unlock()
		if len(nav) == 2 && raised == 1 {
			if nav[0].Data.(Navigate).Hash != "#/settings" || nav[1].Data.(Navigate).Hash != "#/documents/abc" {
				t.Fatalf("navigated to %+v", nav)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("navigate events %+v, raised %d", nav, raised)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
