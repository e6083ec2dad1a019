package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/docsift/docsift/internal/teststores"
	"github.com/wailsapp/wails/v2/pkg/menu"
)

// TestFileMenu clicks the File menu's items as GTK would: Add Folder
// imports the folder chosen, Settings shows the settings, Quit quits.
func TestFileMenu(t *testing.T) {
	st, bs, _ := teststores.Local(t)
	e := newEnv(t, st, bs)
	dir := t.TempDir()
	for _, n := range []string{"one.txt", "two.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("menu "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.rt.mu.Lock()
	e.rt.dir = dir
	e.rt.mu.Unlock()

	items := map[string]*menu.MenuItem{}
	m := e.app.appMenu()
	if len(m.Items) != 1 || m.Items[0].Label != "File" {
		t.Fatalf("the menu bar is %+v", m.Items)
	}
	for _, it := range m.Items[0].SubMenu.Items {
		if it.Label != "" {
			items[it.Label] = it
		}
	}
	for _, want := range []string{"Add Files…", "Add Folder…", "Settings", "Quit"} {
		if items[want] == nil || items[want].Click == nil {
			t.Fatalf("no %q item in %v", want, items)
		}
	}

	items["Add Folder…"].Click(&menu.CallbackData{})
	done := e.rt.waitEvent(t, EventImportFinished)
	if res := done.Data.(map[string]any)["results"].([]UploadResult); len(res) != 2 {
		t.Fatalf("Add Folder imported %+v", res)
	}
	items["Settings"].Click(&menu.CallbackData{})
	if nav := e.rt.waitEvent(t, EventNavigate); nav.Data.(Navigate).Hash != "#/settings" {
		t.Fatalf("Settings navigated to %+v", nav.Data)
	}
	items["Quit"].Click(&menu.CallbackData{})
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.rt.mu.Lock()
		quit := e.rt.quit
		e.rt.mu.Unlock()
		if quit {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Quit did not quit")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
