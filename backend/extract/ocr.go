package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// noteOCRMissing is the Note for documents that need OCR on a machine
// without Tesseract: the document is kept, and never retried in a loop.
const noteOCRMissing = "text not available: OCR not installed"

// errOCRMissing: Tesseract (or any usable language) is not installed.
var errOCRMissing = errors.New("OCR not installed")

// ocrEngine runs Tesseract as a subprocess, one page per process with
// OMP_THREAD_LIMIT=1: on a small machine several single-threaded processes
// are much faster than Tesseract's own threading (figures:
// docs/benchmarks-history.md, "Figures behind choices in the code").
// Images go in on stdin, text comes out on stdout; nothing touches the
// disk.
type ocrEngine struct {
	path   string   // configured binary ("" → look up "tesseract" in PATH)
	langs  []string // wanted languages, e.g. eng, deu
	logger *slog.Logger
	slots  chan struct{} // bounds concurrent processes across all documents

	mu       sync.Mutex
	checked  time.Time // when bin/usable were last resolved
	bin      string    // resolved binary, "" when missing
	lang     string    // "eng+deu": the wanted languages that are installed
	checkErr error
}

// ocrRecheck: how long "not installed" is believed before looking again,
// so installing Tesseract works without a restart.
const ocrRecheck = 5 * time.Minute

func newOCREngine(path string, langs []string, logger *slog.Logger) *ocrEngine {
	if len(langs) == 0 {
		langs = []string{"eng"}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &ocrEngine{
		path:   path,
		langs:  langs,
		logger: logger,
		slots:  make(chan struct{}, max(1, runtime.NumCPU())),
	}
}

// parallel is how many pages may be recognised at once.
func (o *ocrEngine) parallel() int { return cap(o.slots) }

// ready resolves the binary and its languages (once; a missing Tesseract
// is looked for again after ocrRecheck). errOCRMissing when unusable.
func (o *ocrEngine) ready(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.checked.IsZero() && (o.checkErr == nil || time.Since(o.checked) < ocrRecheck) {
		return o.checkErr
	}
	o.bin, o.lang, o.checkErr = o.resolve(ctx)
	if ctx.Err() != nil {
		return ctx.Err() // not a verdict on the installation
	}
	o.checked = time.Now()
	if o.checkErr != nil {
		o.logger.Info("OCR unavailable", "reason", o.checkErr.Error())
	}
	return o.checkErr
}

func (o *ocrEngine) resolve(ctx context.Context) (bin, lang string, err error) {
	bin, installed, err := tesseractLangs(ctx, o.path)
	if err != nil {
		return "", "", err
	}
	var use []string
	for _, l := range o.langs {
		if slices.Contains(installed, l) {
			use = append(use, l)
		} else {
			o.logger.Warn("OCR language not installed, dropped", "language", l)
		}
	}
	if len(use) == 0 {
		return "", "", fmt.Errorf("%w: none of the OCR languages %v is installed", errOCRMissing, o.langs)
	}
	return bin, strings.Join(use, "+"), nil
}

// parseTesseractLangs reads `tesseract --list-langs`: a header line, then
// one language per line.
func parseTesseractLangs(out string) []string {
	var langs []string
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		if line == "" || strings.ContainsAny(line, " :\"") {
			continue
		}
		langs = append(langs, line)
	}
	return langs
}

// Recognize returns the text Tesseract reads in img (PNG, JPEG, TIFF incl.
// multi-page, WebP, GIF, BMP or PNM). errOCRMissing when not installed; a
// permanent error when Tesseract rejects the image; a transient one when
// it was stopped (context, signal).
func (o *ocrEngine) Recognize(ctx context.Context, img []byte, maxText int) (string, error) {
	if err := o.ready(ctx); err != nil {
		return "", err
	}
	o.mu.Lock()
	bin, lang := o.bin, o.lang
	o.mu.Unlock()

	select {
	case o.slots <- struct{}{}:
		defer func() { <-o.slots }()
	case <-ctx.Done():
		return "", ctx.Err()
	}

	cmd := exec.CommandContext(ctx, bin, "stdin", "stdout", "-l", lang)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(img)
	stdout := &limitedBuffer{max: max(maxText, 1<<20)}
	stderr := &limitedBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if err == nil {
		return stdout.String(), nil
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() > 0 {
		return "", Permanent("OCR could not read the image (%s)", lastLine(stderr.String()))
	}
	return "", fmt.Errorf("run tesseract: %w", err)
}

// lastLine is the last non-empty line of s, for error sentences.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if l == "" {
		return "no message"
	}
	return Truncate(l, 200)
}

// limitedBuffer keeps the first max bytes written and drops the rest, so a
// runaway subprocess cannot fill memory.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
