package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/library"
)

// SmokeEvent is the Wails event the page emits (from the JavaScript the
// walk runs in it) when a screen of the walk is on display.
const SmokeEvent = "docsift:smoke"

// smokeStep is one screen of the walk: the address it goes to, the
// JavaScript expression that is truthy once the screen shows what it
// should, and the bound method the screen must have called through the
// bridge ("" when the screen only shows what was already loaded).
type smokeStep struct {
	name, hash, shown, call string
}

// smokeCalls counts the bound calls the walk checks, by method.
type smokeCalls struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *smokeCalls) add(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[method]++
}

func (c *smokeCalls) count(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[method]
}

// noteCall records a bound call for the walk (smoke mode only).
func (a *App) noteCall(method string) {
	if a.opt.Smoke {
		a.calls.add(method)
	}
}

// smokeWalk walks the real window through every screen: library, a
// search, a document, topics and settings. For each, it sets the page's
// address, waits until the page reports (SmokeEvent) that the screen
// shows its content and, where the screen loads data, that it called Go
// over the bridge for it, then prints "smoke: screen NAME shown" and waits
// for the smoke test to take its screenshot (the file NAME.done in dir).
// It starts when the file "start" appears in dir.
func (a *App) smokeWalk(rt Runtime, dir string) error {
	if err := a.smokeWaitFile(filepath.Join(dir, "start"), 10*time.Minute); err != nil {
		return err
	}
	page, err := a.lib.Documents(a.ctx, library.Filter{Limit: 1})
	if err != nil {
		return err
	}
	if len(page.Documents) == 0 {
		return errors.New("the library is empty: the walk needs a document")
	}
	doc := page.Documents[0]
	// Its text must be extracted before a search can find it.
	wctx, cancel := context.WithTimeout(a.ctx, time.Minute)
	err = a.lib.WaitProcessed(wctx, []string{doc.ID}, nil)
	cancel()
	if err != nil {
		return fmt.Errorf("the newest document was not processed: %w", err)
	}
	link := fmt.Sprintf(`document.querySelector('a[href="#/documents/%s"]')`, doc.ID)
	name, _ := json.Marshal(doc.Filename)
	steps := []smokeStep{
		{"library", "#/", `document.querySelector('a[href^="#/documents/"]')`, ""},
		// Only a search's results have snippets with the words marked.
		{"search", "#/search?q=smoke", link + ` && document.querySelector('.snippet mark')`, "SearchDocuments"},
		{"document", "#/documents/" + doc.ID, `Array.from(document.querySelectorAll('h1')).some(h => h.textContent.trim() === ` + string(name) + `)`, "GetDocument"},
		{"topics", "#/topics", `document.getElementById('topics-title')`, ""},
		{"settings", "#/settings", `document.getElementById('settings-title')`, ""},
	}
	shown := make(chan map[string]any, 1)
	rt.On(SmokeEvent, func(data ...any) {
		if len(data) > 0 {
			if m, ok := data[0].(map[string]any); ok {
				select {
				case shown <- m:
				default:
				}
			}
		}
	})
	for _, s := range steps {
		before := a.calls.count(s.call)
		rt.ExecJS(smokeJS(s))
		select {
		case m := <-shown:
			if m["screen"] != s.name || m["error"] != nil {
				return fmt.Errorf("screen %s: the page answered %v", s.name, m)
			}
		case <-time.After(30 * time.Second):
			return fmt.Errorf("screen %s: the page did not show it within 30 s", s.name)
		case <-a.ctx.Done():
			return a.ctx.Err()
		}
		if s.call != "" {
			// The call is answered before the page shows its result, so
			// it has been counted by now.
			if a.calls.count(s.call) == before {
				return fmt.Errorf("screen %s: shown without a %s call over the bridge", s.name, s.call)
			}
		}
		// Let it paint (a thumbnail, a late style) before the screenshot.
		time.Sleep(500 * time.Millisecond)
		fmt.Fprintf(a.opt.Stderr, "smoke: screen %s shown\n", s.name)
		if err := a.smokeWaitFile(filepath.Join(dir, s.name+".done"), time.Minute); err != nil {
			return err
		}
	}
	fmt.Fprintln(a.opt.Stderr, "smoke: walk done")
	return nil
}

// smokeJS goes to s's address and polls (every 50 ms, for 20 s) until s
// is shown, then tells Go.
func smokeJS(s smokeStep) string {
	name, _ := json.Marshal(s.name)
	hash, _ := json.Marshal(s.hash)
	return `(function () {
  var t0 = Date.now();
  location.hash = ` + string(hash) + `;
  (function poll() {
    var ok = false;
    try { ok = !!(` + s.shown + `); } catch (e) {}
    if (ok) { window.runtime.EventsEmit("` + SmokeEvent + `", {screen: ` + string(name) + `}); return; }
    if (Date.now() - t0 > 20000) { window.runtime.EventsEmit("` + SmokeEvent + `", {screen: ` + string(name) + `, error: "not shown"}); return; }
    setTimeout(poll, 50);
  })();
})();`
}

// smokeWaitFile waits until path exists.
func (a *App) smokeWaitFile(path string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not appear within %s", filepath.Base(path), limit)
		}
		select {
		case <-a.ctx.Done():
			return a.ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
