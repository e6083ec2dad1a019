package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/bench/corpus"
)

// runImport measures `docsift import --no-wait` of small files (bytes and
// rows committed; extraction is the ingest scenario's) in files/s, and in
// the same run the physical limit: copying the same files into a folder
// with one fsync per file. The ratio is import/raw per run.
func runImport(ctx context.Context, h *harness, profile string) error {
	n := h.size.importFiles
	src := filepath.Join(h.tmp, "import-src")
	if _, err := os.Stat(src); err != nil {
		c := &corpus.Corpus{Vocab: h.vocab, Seed: 11, Batch: "imp"}
		if err := os.MkdirAll(src, 0o755); err != nil {
			return err
		}
		for i := range n {
			d := c.Doc(i)
			if err := os.WriteFile(filepath.Join(src, d.Name), d.Body, 0o644); err != nil {
				return err
			}
		}
	}
	var rates, raws, ratios []float64
	var use Usage
	for run := range h.size.importRuns {
		t, err := h.newTarget(ctx, profile)
		if err != nil {
			return err
		}
		start := time.Now()
		u, out, err := h.run(ctx, t, "import", "--no-wait", src)
		elapsed := time.Since(start)
		t.remove()
		if err != nil {
			return err
		}
		if !strings.Contains(out, fmt.Sprintf("imported %d,", n)) {
			return fmt.Errorf("unexpected import result: %s", lastLines(out, 5))
		}
		raw, err := rawCopy(src, filepath.Join(h.tmp, fmt.Sprintf("raw-%d", run)))
		if err != nil {
			return err
		}
		rate, rawRate := float64(n)/elapsed.Seconds(), float64(n)/raw.Seconds()
		rates, raws, ratios = append(rates, rate), append(raws, rawRate), append(ratios, rate/rawRate)
		use = use.add(u)
		h.logf("  run %d: %.0f files/s, raw copy+fsync %.0f files/s", run+1, rate, rawRate)
	}
	base := summarize(raws)
	f := Figure{Scenario: "import", Profile: profile, Measure: fmt.Sprintf("import --no-wait, %s files of ~2 KB", count(n)),
		Unit: "files/s", Summary: summarize(rates), Baseline: &base, Ratio: summarize(ratios).Median}
	f.withUsage(use)
	f.check(goal{stat: "ratio", bound: 0.5, text: "≥ 0.5× raw", docs: 10_000}, n)
	h.add(f)
	return nil
}

// rawCopy copies every file of src into a new folder dst, one fsync per
// file (and one for the folder at the end), then removes dst: the disk's
// limit for storing these files one by one.
func rawCopy(src, dst string) (time.Duration, error) {
	entries, err := os.ReadDir(src)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return 0, err
	}
	defer os.RemoveAll(dst)
	start := time.Now()
	for _, e := range entries {
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return 0, err
		}
	}
	d, err := os.Open(dst)
	if err != nil {
		return 0, err
	}
	err = d.Sync()
	d.Close()
	return time.Since(start), err
}

// copyFile copies one file and fsyncs the copy.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// runStream imports one file per size (1 KB to 50 MB) with `docsift
// import --no-wait` and reports MB/s and the process's peak RSS: storing
// streams, so the peak should not grow with the file. The baseline is the
// same file copied with one fsync.
func runStream(ctx context.Context, h *harness, profile string) error {
	c := &corpus.Corpus{Vocab: h.vocab, Seed: 12, Batch: "big"}
	for _, size := range h.size.streamSizes {
		path := filepath.Join(h.tmp, fmt.Sprintf("stream-%d.txt", size))
		if _, err := os.Stat(path); err != nil {
			if err := c.WriteSized(path, size); err != nil {
				return err
			}
		}
		t, err := h.newTarget(ctx, profile)
		if err != nil {
			return err
		}
		start := time.Now()
		u, out, err := h.run(ctx, t, "import", "--no-wait", path)
		elapsed := time.Since(start)
		t.remove()
		if err != nil {
			return err
		}
		if !strings.Contains(out, "imported 1,") {
			return fmt.Errorf("unexpected import result: %s", lastLines(out, 5))
		}
		dir := filepath.Join(h.tmp, "stream-raw")
		os.MkdirAll(dir, 0o755)
		rstart := time.Now()
		err = copyFile(path, filepath.Join(dir, "copy"))
		raw := time.Since(rstart)
		os.RemoveAll(dir)
		if err != nil {
			return err
		}
		mb := float64(size) / 1e6
		rate := mb / elapsed.Seconds()
		f := Figure{Scenario: "stream", Profile: profile, Measure: "import --no-wait of one " + humanBytes(size) + " file",
			Unit: "MB/s", Summary: Summary{N: 1, Median: rate, P95: rate, Max: rate},
			Note: fmt.Sprintf("whole process, %s; raw copy+fsync %s MB/s", elapsed.Round(time.Millisecond), num(mb/raw.Seconds()))}
		f.withUsage(u)
		if size >= 10<<20 {
			f.Target = "peak RSS flat (< 100 MB)"
			f.Result = map[bool]string{true: "pass", false: "miss"}[f.PeakRSSMiB < 100]
		}
		h.add(f)
	}
	return nil
}

// humanBytes prints 1 KB, 10 MB…
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
