package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/docsift/docsift/backend/bench/corpus"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/wire"
)

// runDrop measures the drop folder inside `docsift serve` (the watched
// folder comes from the settings, with the default timings): the latency
// from an atomic rename of a file into the folder until the API lists it,
// one file at a time, then a burst of files renamed in at once until all
// are listed.
func runDrop(ctx context.Context, h *harness, profile string) error {
	if err := h.warmCache(ctx); err != nil {
		return err
	}
	t, err := h.newTarget(ctx, profile)
	if err != nil {
		return err
	}
	defer t.remove()
	drop, staging := filepath.Join(t.dataDir, "drop"), filepath.Join(t.dataDir, "staging")
	for _, d := range []string{drop, staging} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	lib, err := wire.Open(ctx, t.cfg, library.Deps{})
	if err != nil {
		return err
	}
	settings, err := lib.Settings(ctx)
	if err == nil {
		settings.WatchedFolders = []library.WatchedFolder{{Path: drop}}
		_, err = lib.SaveSettings(ctx, settings)
	}
	lib.Close()
	if err != nil {
		return fmt.Errorf("set the watched folder: %w", err)
	}
	srv, err := h.startServe(ctx, t)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: time.Minute}
	listed := func() (int, error) {
		body, err := srv.get(ctx, client, "/api/documents?limit=1")
		if err != nil {
			return 0, err
		}
		var page struct {
			Total int `json:"total"`
		}
		return page.Total, json.Unmarshal(body, &page)
	}
	waitListed := func(want int, limit time.Duration) error {
		end := time.Now().Add(limit)
		for {
			got, err := listed()
			if err != nil {
				return err
			}
			if got >= want {
				return nil
			}
			if time.Now().After(end) {
				return fmt.Errorf("%d of %d documents listed after %s\n%s", got, want, limit, srv.lastLog())
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	// done waits until the watcher has moved name to done/.
	done := func(name string) {
		for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(drop, "done", name)); err == nil {
				return
			}
		}
	}
	fail := func(err error) error { srv.stop(); return err }
	time.Sleep(500 * time.Millisecond) // the watcher's start-up scan of the empty folder

	c := &corpus.Corpus{Vocab: h.vocab, Seed: 14, Batch: "drop"}
	var lat []time.Duration
	for i := range h.size.dropFiles {
		d := c.Doc(i)
		src := filepath.Join(staging, d.Name)
		if err := os.WriteFile(src, d.Body, 0o644); err != nil {
			return fail(err)
		}
		t0 := time.Now()
		if err := os.Rename(src, filepath.Join(drop, d.Name)); err != nil {
			return fail(err)
		}
		if err := waitListed(i+1, time.Minute); err != nil {
			return fail(err)
		}
		lat = append(lat, time.Since(t0))
		done(d.Name)
	}
	f := Figure{Scenario: "drop", Profile: profile, Measure: "rename into folder → listed", Unit: "ms", Summary: summarize(millis(lat))}
	f.check(goal{stat: "median", le: true, bound: 400, text: "p50 ≤ 400 ms", docs: 50}, len(lat))
	g := f
	g.Measure += " (p95)"
	g.check(goal{stat: "p95", le: true, bound: 1000, text: "p95 ≤ 1 s", docs: 50}, len(lat))
	f.Note = "p95: " + g.Result + " (≤ 1 s)"

	// The burst.
	first := h.size.dropFiles
	var names []string
	for i := first; i < first+h.size.dropBurst; i++ {
		d := c.Doc(i)
		if err := os.WriteFile(filepath.Join(staging, d.Name), d.Body, 0o644); err != nil {
			return fail(err)
		}
		names = append(names, d.Name)
	}
	t0 := time.Now()
	for _, name := range names {
		if err := os.Rename(filepath.Join(staging, name), filepath.Join(drop, name)); err != nil {
			return fail(err)
		}
	}
	if err := waitListed(first+len(names), 10*time.Minute); err != nil {
		return fail(err)
	}
	burst := time.Since(t0).Seconds()
	u, err := srv.stop()
	if err != nil {
		return err
	}
	f.withUsage(u)
	h.add(f)
	b := Figure{Scenario: "drop", Profile: profile, Measure: fmt.Sprintf("burst of %s files renamed in → all listed", count(len(names))),
		Unit: "s", Summary: Summary{N: 1, Median: burst, P95: burst, Max: burst},
		Note: fmt.Sprintf("%.0f files/s", float64(len(names))/burst)}
	b.check(goal{stat: "median", le: true, bound: 10, text: "≤ 10 s", docs: 1000}, len(names))
	h.add(b)
	return nil
}
