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
	l := newLocal(b)
	dir, staging := b.TempDir(), b.TempDir()
	w, err := watch.New(l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}}) // default timings
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	waitFor(b, "watching", func() bool { return status(w).State == watch.StateWatching })

	var lat []time.Duration
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
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	p := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.95), "p95-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.Logf("rename → listed over %d files: p50 %.0f ms, p95 %.0f ms, max %.0f ms", len(lat), p(0.5), p(0.95), float64(lat[len(lat)-1].Microseconds())/1000)
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
