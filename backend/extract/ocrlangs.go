package extract

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// InstalledOCRLanguages lists the languages Tesseract has data for, as
// `tesseract --list-langs` prints them (the same list OCR chooses its
// languages from). path is the binary ("" looks up tesseract in PATH).
// When Tesseract is not installed the error answers true to
// IsOCRMissing.
func InstalledOCRLanguages(ctx context.Context, path string) ([]string, error) {
	_, langs, err := tesseractLangs(ctx, path)
	return langs, err
}

// IsOCRMissing reports whether err says that Tesseract is not installed
// (or not usable).
func IsOCRMissing(err error) bool { return errors.Is(err, errOCRMissing) }

// tesseractLangs resolves the binary and asks it for its languages.
func tesseractLangs(ctx context.Context, path string) (bin string, langs []string, err error) {
	name := path
	if name == "" {
		name = "tesseract"
	}
	bin, err = exec.LookPath(name)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %s not found", errOCRMissing, name)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--list-langs").CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, fmt.Errorf("%s --list-langs: %w", bin, ctx.Err())
		}
		return "", nil, fmt.Errorf("%w: %s --list-langs: %v", errOCRMissing, bin, err)
	}
	return bin, parseTesseractLangs(string(out)), nil
}
