package app

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWindowGeometryKept saves the window's geometry on close and reads
// it back; a file out of bounds or corrupted opens the default window.
func TestWindowGeometryKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docsift", "window.json")
	if _, ok := loadGeometry(path); ok {
		t.Fatal("a geometry was read before any was saved")
	}
	a := New(t.Context(), Options{StateFile: path})
	rt := &fakeRuntime{geometry: Geometry{X: 30, Y: 40, Width: 1000, Height: 700}}
	a.startup(rt)
	a.closing()
	g, ok := loadGeometry(path)
	if !ok || g != (Geometry{X: 30, Y: 40, Width: 1000, Height: 700}) {
		t.Fatalf("read back %+v %v", g, ok)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", st, err)
	}

	// Maximised: the size before is kept, and the window opens maximised.
	a = New(t.Context(), Options{StateFile: path})
	a.startup(&fakeRuntime{geometry: Geometry{Width: 1920, Height: 1080, Maximised: true}})
	a.closing()
	if g, ok = loadGeometry(path); !ok || g != (Geometry{X: 30, Y: 40, Width: 1000, Height: 700, Maximised: true}) {
		t.Fatalf("after closing maximised: %+v %v", g, ok)
	}

	for name, body := range map[string]string{
		"too small": `{"x":0,"y":0,"width":10,"height":10}`,
		"too large": `{"x":0,"y":0,"width":900000,"height":700}`,
		"far off":   `{"x":99999999,"y":0,"width":1000,"height":700}`,
		"corrupted": `{"x":`,
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if g, ok := loadGeometry(path); ok {
			t.Errorf("%s: restored %+v", name, g)
		}
	}
}
