package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/docsift/docsift/backend/bench/corpus"
	"github.com/docsift/docsift/backend/store"
)

// runImport measures `docsift import --no-wait` of small files (bytes and
// rows committed; extraction is the ingest scenario's) in files/s, with
// its default --jobs, and in the same run the physical limit at the same
// concurrency (as many files at once as the import said it took): on the
// local profile copying the files into a folder with one fsync per file,
// on the server profile putting them to the object store and inserting
// one row per file, each committed on its own. The ratio is import/raw
// per run.
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
	jobs := 0
	for run := range h.size.importRuns {
		t, err := h.newTarget(ctx, profile)
		if err != nil {
			return err
		}
		start := time.Now()
		u, out, err := h.run(ctx, t, "import", "--no-wait", src)
		elapsed := time.Since(start)
		if err != nil {
			t.remove()
			return err
		}
		m := importSummary.FindStringSubmatch(out)
		if m == nil || m[1] != strconv.Itoa(n) {
			t.remove()
			return fmt.Errorf("unexpected import result: %s", lastLines(out, 5))
		}
		jobs, _ = strconv.Atoi(m[2])
		var raw time.Duration
		if profile == profileServer {
			raw, err = h.rawServer(ctx, t, src, jobs)
		} else {
			raw, err = rawCopy(src, filepath.Join(h.tmp, fmt.Sprintf("raw-%d", run)), jobs)
		}
		t.remove()
		if err != nil {
			return err
		}
		rate, rawRate := float64(n)/elapsed.Seconds(), float64(n)/raw.Seconds()
		rates, raws, ratios = append(rates, rate), append(raws, rawRate), append(ratios, rate/rawRate)
		use = use.add(u)
		h.logf("  run %d: %.0f files/s (%d at once), raw %s %.0f files/s", run+1, rate, jobs, rawName(profile), rawRate)
	}
	base := summarize(raws)
	f := Figure{Scenario: "import", Profile: profile,
		Measure: fmt.Sprintf("import --no-wait (default --jobs: %d), %s files of ~2 KB", jobs, count(n)),
		Unit:    "files/s", Summary: summarize(rates), Baseline: &base, Ratio: summarize(ratios).Median,
		Note: fmt.Sprintf("baseline: %s, %d at once", rawName(profile), jobs)}
	f.withUsage(use)
	f.check(goal{stat: "ratio", bound: 0.5, text: "≥ 0.5× raw", docs: 10_000}, n)
	h.add(f)
	return nil
}

// importSummary reads `docsift import`'s summary: files imported, and how
// many it took at once.
var importSummary = regexp.MustCompile(`imported (\d+), duplicates \d+, failed \d+ \(\d+ files in [^,]+, (\d+) at once\)`)

// rawName says what the raw baseline of a profile does.
func rawName(profile string) string {
	if profile == profileServer {
		return "PUT to MinIO + one INSERT per file"
	}
	return "copy+fsync per file"
}

// rawCopy copies every file of src into a new folder dst, jobs files at
// once, one fsync per file (and one for the folder at the end), then
// removes dst: the disk's limit for storing these files.
func rawCopy(src, dst string, jobs int) (time.Duration, error) {
	entries, err := os.ReadDir(src)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return 0, err
	}
	defer os.RemoveAll(dst)
	start := time.Now()
	err = atOnce(len(entries), jobs, func(i int) error {
		return copyFile(filepath.Join(src, entries[i].Name()), filepath.Join(dst, entries[i].Name()))
	})
	if err != nil {
		return 0, err
	}
	d, err := os.Open(dst)
	if err != nil {
		return 0, err
	}
	err = d.Sync()
	d.Close()
	return time.Since(start), err
}

// rawServer puts every file of src into a bucket of its own on the
// target's MinIO and inserts one row per file into the target's
// database (store.InsertProbe), jobs files at once: the services' limit
// for storing these files.
func (h *harness) rawServer(ctx context.Context, t *target, src string, jobs int) (time.Duration, error) {
	entries, err := os.ReadDir(src)
	if err != nil {
		return 0, err
	}
	st, err := t.openStore(ctx)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	probe, ok := st.(store.InsertProbe)
	if !ok {
		return 0, fmt.Errorf("the %s store has no insert probe", st.Backend())
	}
	if err := probe.PrepareInsertProbe(ctx); err != nil {
		return 0, err
	}
	svc := h.services
	mc, err := minio.New(svc.s3Endpoint, &minio.Options{Creds: credentials.NewStaticV4(svc.s3Key, svc.s3Secret, "")})
	if err != nil {
		return 0, err
	}
	bucket := t.cfg.S3.Bucket + "-raw"
	if err := mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		return 0, fmt.Errorf("make the raw baseline's bucket: %w", err)
	}
	defer removeBucket(context.WithoutCancel(ctx), svc, bucket)
	start := time.Now()
	err = atOnce(len(entries), jobs, func(i int) error {
		name := entries[i].Name()
		body, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		if _, err := mc.PutObject(ctx, bucket, name, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
			return err
		}
		return probe.ProbeInsert(ctx, name, hex.EncodeToString(sum[:]), int64(len(body)))
	})
	return time.Since(start), err
}

// atOnce runs do(0..n-1), jobs at a time, and returns the first error.
func atOnce(n, jobs int, do func(i int) error) error {
	next := make(chan int)
	errs := make(chan error, jobs)
	var wg sync.WaitGroup
	for range max(jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := do(i); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
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
