package extract

import (
	"context"
	"slices"
	"testing"
)

func TestInstalledOCRLanguages(t *testing.T) {
	t.Parallel()
	if _, err := InstalledOCRLanguages(context.Background(), "/nonexistent/tesseract"); !IsOCRMissing(err) {
		t.Errorf("without tesseract: %v, want IsOCRMissing", err)
	}
	requireTesseract(t)
	langs, err := InstalledOCRLanguages(context.Background(), "")
	if err != nil || !slices.Contains(langs, "eng") || slices.ContainsFunc(langs, func(l string) bool { return l == "" || len(l) > 20 }) {
		t.Fatalf("installed languages %q, %v; want eng among plain codes", langs, err)
	}
}
