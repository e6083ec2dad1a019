package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets benchmarks run `docsift` as a child process (the test
// binary re-executed), so peak RSS is measured for the command alone.
//
// Children see the real environment: their caches go to a folder of the
// test run, never the user's own cache folder.
func TestMain(m *testing.M) {
	os.Setenv("XDG_CACHE_HOME", filepath.Join(os.TempDir(), "docsift-cli-test-cache"))
	switch os.Getenv("DOCSIFT_CLI_CHILD") {
	case "1":
		os.Exit(Main(context.Background(), os.Args[1:], OSEnv()))
	case "dying-worker":
		os.Exit(dyingWorkerMain())
	}
	os.Exit(m.Run())
}

// child runs docsift args in a fresh process and returns its peak RSS.
func child(b *testing.B, args ...string) (maxRSSBytes int64, out string) {
	b.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DOCSIFT_CLI_CHILD=1")
	outb, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("docsift %v: %v\n%s", args, err, outb)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return ru.Maxrss * 1024, string(outb)
}

// BenchmarkImportSmallFiles imports 10,000 files of ~3 KB with `docsift
// import` on the local profile and reports files/s: "stored" with
// --no-wait (bytes and rows committed), "processed" waiting until text is
// extracted and the documents are ready. The baseline in the same run
// copies the same files with one fsync each (the disk's limit).
func BenchmarkImportSmallFiles(b *testing.B) {
	const n = 10_000
	src := b.TempDir()
	for i := range n {
		body := fmt.Sprintf("document %d\n%s", i, strings.Repeat(fmt.Sprintf("line of text %d ", i), 250))
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("doc-%05d.txt", i)), []byte(body[:3000]), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, mode := range []string{"stored", "processed"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				data := b.TempDir()
				copyDir := b.TempDir()
				args := []string{"import", "--data-dir", data, src}
				if mode == "stored" {
					args = append(args, "--no-wait")
				}
				b.StartTimer()
				start := time.Now()
				rss, out := child(b, args...)
				elapsed := time.Since(start)
				b.StopTimer()
				if !strings.Contains(out, fmt.Sprintf("imported %d,", n)) {
					b.Fatalf("unexpected import result: %s", out)
				}
				base := rawCopy(b, src, copyDir)
				b.ReportMetric(n/elapsed.Seconds(), "files/s")
				b.ReportMetric(n/base.Seconds(), "raw-copy-files/s")
				b.ReportMetric(base.Seconds()/elapsed.Seconds(), "ratio-vs-raw")
				b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
				b.StartTimer()
			}
		})
	}
}

// rawCopy copies every file of src into dst with one fsync per file.
func rawCopy(b *testing.B, src, dst string) time.Duration {
	entries, err := os.ReadDir(src)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for _, e := range entries {
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(out, in)
		out.Sync()
		out.Close()
		in.Close()
	}
	return time.Since(start)
}

// BenchmarkImportLargeFileRSS imports one 2 GiB file with `docsift import`
// and reports the process's peak RSS: streaming keeps it flat.
func BenchmarkImportLargeFileRSS(b *testing.B) {
	size := int64(2 << 30)
	if s := os.Getenv("DOCSIFT_BENCH_LARGE_BYTES"); s != "" {
		fmt.Sscan(s, &size)
	}
	path := filepath.Join(b.TempDir(), "large.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	chunk := make([]byte, 4<<20)
	for i := range chunk {
		chunk[i] = byte(i * 7)
	}
	for written := int64(0); written < size; written += int64(len(chunk)) {
		chunk[0]++ // not all chunks equal
		if _, err := f.Write(chunk[:min(int64(len(chunk)), size-written)]); err != nil {
			b.Fatal(err)
		}
	}
	f.Close()
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		data := b.TempDir()
		b.StartTimer()
		rss, out := child(b, "import", "--data-dir", data, path)
		b.StopTimer()
		if !strings.Contains(out, "imported 1,") {
			b.Fatalf("unexpected import result: %s", out)
		}
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
		os.RemoveAll(data)
		b.StartTimer()
	}
}
