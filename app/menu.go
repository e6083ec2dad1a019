package app

import (
	"github.com/docsift/docsift/backend/events"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
)

// EventNavigate asks the page to show a screen: {hash} is a route of
// frontend/src/lib/stores/router.svelte.ts ("#/settings"). The menu and
// a clicked notification send it.
const EventNavigate = "window.navigate"

// Navigate is the data of window.navigate.
type Navigate struct {
	Hash string `json:"hash"`
}

// appMenu is the window's menu: the actions a desktop application has
// in its File menu. Ctrl+O (add files) is the page's own shortcut, the
// same in a browser, so the menu does not claim it too (GTK would take
// the key before the page and both would open a dialog). Wails calls the
// items on GTK's main thread, so each action runs on its own goroutine (a
// dialog waits for that thread).
func (a *App) appMenu() *menu.Menu {
	m := menu.NewMenu()
	file := m.AddSubmenu("File")
	file.AddText("Add Files…", nil, func(*menu.CallbackData) { go a.menuAddFiles() })
	file.AddText("Add Folder…", keys.Combo("o", keys.CmdOrCtrlKey, keys.ShiftKey), func(*menu.CallbackData) { go a.menuAddFolder() })
	file.AddSeparator()
	file.AddText("Settings", nil, func(*menu.CallbackData) { a.navigate("#/settings") })
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) {
		if rt, err := a.runtime(); err == nil {
			go rt.Quit()
		}
	})
	return m
}

// menuAddFiles is File → Add Files: the native dialog, then the import
// with progress, as the page's Add files button.
func (a *App) menuAddFiles() {
	if _, err := a.ImportWithDialog(); err != nil {
		a.log.Error("add files from the menu failed", "err", err)
	}
}

// menuAddFolder is File → Add Folder: the folder chooser, then everything
// in the folder is imported with progress.
func (a *App) menuAddFolder() {
	rt, err := a.runtime()
	if err != nil {
		return
	}
	dir, err := rt.ChooseDirectory("Add a folder to Docsift")
	if err != nil {
		a.log.Error("folder dialog failed", "err", err)
		return
	}
	if dir != "" {
		_, _ = a.ImportPaths([]string{dir})
	}
}

// followRoutes shows Options.Show once the page listens, then brings the
// window up on each of Options.Routes, until the window closes.
func (a *App) followRoutes(rt Runtime) {
	select {
	case <-a.pageReady:
	case <-a.ctx.Done():
		return
	}
	if a.opt.Show != "" {
		a.navigate(a.opt.Show)
	}
	if a.opt.Routes == nil {
		return
	}
	for {
		select {
		case <-a.ctx.Done():
			return
		case route := <-a.opt.Routes:
			rt.Raise()
			a.navigate(route)
		}
	}
}

// navigate shows a screen of the page (window.navigate).
func (a *App) navigate(hash string) {
	a.emit(events.Event{Type: EventNavigate, Data: Navigate{Hash: hash}})
}
