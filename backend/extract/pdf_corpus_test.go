//go:build unix

package extract

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"
)

// TestPDFCorpusAgainstPdftotext measures the PDF extractor against
// poppler's pdftotext on a folder of real PDFs: word-F1 per file and
// pages/s. It is a measurement, not a gate: it runs only when
// DOCSIFT_PDF_CORPUS names the folder, and fails only if nothing opens.
//
//	DOCSIFT_PDF_CORPUS=/tmp/pdfs go test -run PDFCorpus -v ./backend/extract
func TestPDFCorpusAgainstPdftotext(t *testing.T) {
	dir := os.Getenv("DOCSIFT_PDF_CORPUS")
	if dir == "" {
		t.Skip("DOCSIFT_PDF_CORPUS not set")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	sort.Strings(files)
	x := newTestPDFExtractor(t)
	ctx := context.Background()
	if err := x.eng.start(ctx); err != nil { // not counted
		t.Fatal(err)
	}

	var (
		f1s              []float64
		pages            int
		ours, theirs     time.Duration
		oursCPU          time.Duration
		opened, good, nf int
	)
	for _, f := range files {
		in := fileInput(t, f)
		t0, c0 := time.Now(), cpuTime()
		res, err := x.Extract(ctx, in, Limits{})
		d, dCPU := time.Since(t0), cpuTime()-c0
		t1 := time.Now()
		ref, rerr := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
		dRef := time.Since(t1)
		if err != nil || rerr != nil {
			t.Logf("%-28s ours err=%v  pdftotext err=%v", filepath.Base(f), err, rerr)
			continue
		}
		opened++
		if len(wordsOf(string(ref))) < 50 {
			t.Logf("%-28s pages=%d: pdftotext finds almost no text, not scored", filepath.Base(f), res.Pages)
			nf++
			continue
		}
		f1 := wordF1(res.Text, string(ref))
		f1s = append(f1s, f1)
		if f1 >= 0.95 {
			good++
		}
		pages += res.Pages
		ours += d
		oursCPU += dCPU
		theirs += dRef
		t.Logf("%-28s pages=%4d F1=%.3f ours=%6.1fms pdftotext=%6.1fms %s", filepath.Base(f), res.Pages, f1,
			float64(d.Microseconds())/1000, float64(dRef.Microseconds())/1000, res.Note)
	}
	if opened == 0 {
		t.Fatal("no PDF opened")
	}
	sort.Float64s(f1s)
	med := 0.0
	if len(f1s) > 0 {
		med = f1s[len(f1s)/2]
	}
	t.Logf("files=%d opened=%d scored=%d F1>=0.95: %d median F1=%.3f pages=%d ours=%.0f pages/s (%.0f per CPU-second) pdftotext=%.0f pages/s",
		len(files), opened, len(f1s), good, med, pages,
		float64(pages)/ours.Seconds(), float64(pages)/oursCPU.Seconds(), float64(pages)/theirs.Seconds())
}

// cpuTime is the CPU time this process has used: wall time means little
// on a busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// wordsOf lower-cases s and splits it into words of letters and digits.
func wordsOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// wordF1 compares the multisets of words in got and want.
func wordF1(got, want string) float64 {
	g, w := map[string]int{}, map[string]int{}
	ng, nw := 0, 0
	for _, x := range wordsOf(got) {
		g[x]++
		ng++
	}
	for _, x := range wordsOf(want) {
		w[x]++
		nw++
	}
	if ng == 0 || nw == 0 {
		return 0
	}
	common := 0
	for k, c := range g {
		common += min(c, w[k])
	}
	p, r := float64(common)/float64(ng), float64(common)/float64(nw)
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
