package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Geometry is the window's size and position, kept between runs in a
// small state file (Options.StateFile).
type Geometry struct {
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	Maximised bool `json:"maximised,omitempty"`
}

// The window's size when nothing was saved, and its bounds.
const (
	defaultWidth, defaultHeight = 1200, 800
	minWidth, minHeight         = 720, 480
	// maxSide bounds a saved size: a corrupted file must not open a
	// window of a million pixels.
	maxSide = 16384
)

// usable reports whether g can be restored: a size within the window's
// bounds and a position not absurdly far off any screen.
func (g Geometry) usable() bool {
	return g.Width >= minWidth && g.Height >= minHeight && g.Width <= maxSide && g.Height <= maxSide &&
		g.X > -maxSide && g.X < maxSide && g.Y > -maxSide && g.Y < maxSide
}

// loadGeometry reads the saved geometry; false when there is none or it
// cannot be used (the window then opens at its default size).
func loadGeometry(path string) (Geometry, bool) {
	if path == "" {
		return Geometry{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Geometry{}, false
	}
	var g Geometry
	if json.Unmarshal(b, &g) != nil || !g.usable() {
		return Geometry{}, false
	}
	return g, true
}

// saveGeometry writes g to path (through a temporary file, so a crash
// leaves the old state or the new one, never half of one).
func saveGeometry(path string, g Geometry) error {
	if !g.usable() {
		return fmt.Errorf("window geometry %+v is out of bounds", g)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(g)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// rememberGeometry saves the window's geometry as it is now (on close).
func (a *App) rememberGeometry(rt Runtime) {
	if a.opt.StateFile == "" {
		return
	}
	g := rt.Geometry()
	if g.Maximised {
		// A maximised window reports the screen's size: keep the size it
		// had before, and open maximised again.
		if old, ok := loadGeometry(a.opt.StateFile); ok {
			old.Maximised = true
			g = old
		}
	}
	if err := saveGeometry(a.opt.StateFile, g); err != nil {
		a.log.Warn("could not remember the window's size", "err", err)
	}
}
