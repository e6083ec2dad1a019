package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/watch"
)

// BenchmarkRenameToListed measures, with the default timings on the local
// profile, the latency from an atomic rename of a 3 KB file into the
// watched folder to the document being listed by the library. It reports
// p50 and p95 in milliseconds; run with -benchtime=50x. Figures are
// printed, never asserted.
func BenchmarkRenameToListed(b *testing.B) {
	renameToListed(b, watch.Options{})
}

// BenchmarkRenameToListedWithoutLeases is BenchmarkRenameToListed where
// the open-for-writing check cannot tell (another user's files, a network
// share): the Unguarded wait comes before the listing and again before the
// move, so it also reports when the file left the folder. Run with
// -benchtime=10x.
func BenchmarkRenameToListedWithoutLeases(b *testing.B) {
	renameToListed(b, watch.WithoutLeases(watch.Options{}))
}

// renameToListed runs the rename-to-listed benchmark with opt (its folder
// is set here; default timings).
func renameToListed(b *testing.B, opt watch.Options) {
	l := newLocal(b)
	dir, staging := b.TempDir(), b.TempDir()
	opt.Folders = []watch.Folder{{Path: dir}}
	w, err := watch.New(l.lib, opt)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	waitFor(b, "watching", func() bool { return status(w).State == watch.StateWatching })

	var lat, moved []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		name := "latency-" + strconv.Itoa(i) + ".txt"
		src := filepath.Join(staging, name)
		write(b, src, body(i, 3072))
		b.StartTimer()
		t0 := time.Now()
		if err := os.Rename(src, filepath.Join(dir, name)); err != nil {
			b.Fatal(err)
		}
		waitListed(b, l.lib, name)
		lat = append(lat, time.Since(t0))
		b.StopTimer()
		waitFor(b, "idle", func() bool { return status(w).Pending == 0 })
		moved = append(moved, time.Since(t0))
		b.StartTimer()
	}
	b.StopTimer()
	p := func(ds []time.Duration, q float64) float64 {
		ds = slices.Sorted(slices.Values(ds))
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(p(lat, 0.50), "p50-ms")
	b.ReportMetric(p(lat, 0.95), "p95-ms")
	b.ReportMetric(p(lat, 1), "max-ms")
	b.ReportMetric(p(moved, 0.50), "p50-moved-ms")
	b.Logf("rename → listed over %d files: p50 %.0f ms, p95 %.0f ms, max %.0f ms; → moved to done/: p50 %.0f ms",
		len(lat), p(lat, 0.5), p(lat, 0.95), p(lat, 1), p(moved, 0.5))
}

// waitListed polls the library's listing until name appears.
func waitListed(b *testing.B, lib *library.Library, name string) {
	end := time.Now().Add(deadline)
	for {
		page, err := lib.Documents(context.Background(), library.Filter{Query: name, Limit: 1})
		if err != nil {
			b.Fatal(err)
		}
		if page.Total > 0 {
			return
		}
		if time.Now().After(end) {
			b.Fatalf("%s never listed", name)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// BenchmarkBurst1000 drops 1,000 files of 3 KB into a watched folder at
// once (renamed in from a staging folder on the same disk) and reports how
// long until all are listed, with the default timings and pool, on the
// local profile. Run with -benchtime=1x; figures are printed, never
// asserted.
func BenchmarkBurst1000(b *testing.B) {
	const n = 1000
	for range b.N {
		b.StopTimer()
		l := newLocal(b)
		dir, staging := b.TempDir(), b.TempDir()
		for i := range n {
			write(b, filepath.Join(staging, "burst-"+strconv.Itoa(i)+".txt"), body(i, 3072))
		}
		w, err := watch.New(l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		waitFor(b, "watching", func() bool { return status(w).State == watch.StateWatching })
		b.StartTimer()
		t0 := time.Now()
		for i := range n {
			name := "burst-" + strconv.Itoa(i) + ".txt"
			if err := os.Rename(filepath.Join(staging, name), filepath.Join(dir, name)); err != nil {
				b.Fatal(err)
			}
		}
		dropped := time.Since(t0)
		for docCount(b, l.lib) < n {
			time.Sleep(10 * time.Millisecond)
		}
		listed := time.Since(t0)
		waitFor(b, "all moved to done/", func() bool { return status(w).Pending == 0 })
		allDone := time.Since(t0)
		b.StopTimer()
		w.Close()
		b.ReportMetric(listed.Seconds(), "s-all-listed")
		b.ReportMetric(allDone.Seconds(), "s-all-in-done")
		b.ReportMetric(n/listed.Seconds(), "files/s")
		b.Logf("1,000 files: renamed in %.2f s; all listed after %.2f s; all in done/ after %.2f s (%.0f files/s)",
			dropped.Seconds(), listed.Seconds(), allDone.Seconds(), n/listed.Seconds())
	}
}
