package extract

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

// newTestMediaRegistry is the registry with only this package's media
// extractors and thumbnailers.
func newTestMediaRegistry(t testing.TB, opts Options) *Registry {
	t.Helper()
	if opts.CacheDir == "" {
		opts.CacheDir = testCacheDir(t)
	}
	ex, th, closers, err := mediaExtractors(opts)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRegistry(opts.Limits, ex, th)
	r.closers = closers
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	})
	return r
}

// decodeThumb checks a thumbnail is a PNG within width and returns it.
func decodeThumb(t *testing.T, b []byte, ct string, width int) image.Image {
	t.Helper()
	if ct != "image/png" {
		t.Fatalf("content type %q", ct)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("thumbnail does not decode: %v", err)
	}
	if w := img.Bounds().Dx(); w > width || w < 1 {
		t.Fatalf("thumbnail is %d px wide, want 1..%d", w, width)
	}
	return img
}

func TestThumbnails(t *testing.T) {
	t.Parallel()
	r := newTestMediaRegistry(t, Options{})
	for _, tc := range []struct {
		file     string
		portrait bool
	}{
		{"text.pdf", true},
		{"scan.pdf", true},
		{"scan.png", true},
		{"scan.jpg", true},
		{"rotated.jpg", true}, // stored landscape, EXIF says turn it
		{"scan.webp", true},
		{"multipage.tif", true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, ct, err := r.Thumbnail(context.Background(), fileInput(t, "testdata/"+tc.file), 320)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeThumb(t, b, ct, 320)
			bb := img.Bounds()
			if tc.portrait && bb.Dy() <= bb.Dx() {
				t.Errorf("thumbnail is %v, want portrait", bb.Size())
			}
			if !hasInk(img) {
				t.Error("thumbnail is blank")
			}
		})
	}
}

// hasInk reports whether an image has dark pixels (text was drawn).
func hasInk(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0x8000 && (r+g+bl)/3 < 0x6000 {
				return true
			}
		}
	}
	return false
}

func TestThumbnailUnsupported(t *testing.T) {
	t.Parallel()
	r := newTestMediaRegistry(t, Options{})
	for _, in := range []Input{
		bytesInput([]byte("just text"), "notes.txt", "text/plain"),
		fileInput(t, "testdata/encrypted.pdf"),
	} {
		_, _, err := r.Thumbnail(context.Background(), in, 320)
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v, want ErrUnsupported", in.Name, err)
		}
	}
}

func TestMediaRegistryRoutes(t *testing.T) {
	t.Parallel()
	r := newTestMediaRegistry(t, Options{TesseractPath: "/nonexistent/tesseract"})
	for _, tc := range []struct {
		file, ct, want, note string
	}{
		{"text.pdf", "application/pdf", "lighthouse", ""},
		{"text.pdf", "", "lighthouse", ""}, // by name only
		{"scan.png", "image/png", "", noteOCRMissing},
		{"multipage.tif", "image/tiff", "", noteOCRMissing},
	} {
		in := fileInput(t, "testdata/"+tc.file)
		in.ContentType = tc.ct
		res, err := r.Extract(context.Background(), in)
		if err != nil {
			t.Errorf("%s (%q): %v", tc.file, tc.ct, err)
			continue
		}
		if !strings.Contains(res.Text, tc.want) || res.Note != tc.note {
			t.Errorf("%s (%q): text=%.40q note=%q", tc.file, tc.ct, res.Text, res.Note)
		}
	}
}
