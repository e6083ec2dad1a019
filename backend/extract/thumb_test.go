package extract

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
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

// TestEncodeThumbGray: a picture of opaque grays is stored as 8-bit gray
// with the very same pixels; colour, transparency and other image types
// keep their colour model.
func TestEncodeThumbGray(t *testing.T) {
	r := image.Rect(0, 0, 40, 30)
	page := image.NewRGBA(r)
	for y := range 30 {
		for x := range 40 {
			v := uint8((x*7 + y*13) % 256)
			page.Set(x, y, color.RGBA{v, v, v, 0xff})
		}
	}
	got := thumbRoundTrip(t, page)
	if _, ok := got.(*image.Gray); !ok {
		t.Fatalf("a gray page decodes as %T, want *image.Gray", got)
	}
	for y := range 30 {
		for x := range 40 {
			if g, w := color.GrayModel.Convert(got.At(x, y)), color.GrayModel.Convert(page.At(x, y)); g != w {
				t.Fatalf("pixel %d,%d: %v, want %v", x, y, g, w)
			}
		}
	}

	coloured := image.NewNRGBA(r)
	draw.Draw(coloured, r, page, image.Point{}, draw.Src)
	coloured.Set(39, 29, color.NRGBA{200, 10, 10, 0xff}) // one red pixel, the last
	translucent := image.NewNRGBA(r)
	draw.Draw(translucent, r, page, image.Point{}, draw.Src)
	translucent.Set(39, 29, color.NRGBA{10, 10, 10, 0x80})
	paletted := image.NewPaletted(r, color.Palette{color.Black, color.White})
	for name, img := range map[string]image.Image{"colour": coloured, "translucent": translucent, "paletted": paletted} {
		got := thumbRoundTrip(t, img)
		if _, ok := got.(*image.Gray); ok {
			t.Errorf("%s: encoded as gray", name)
		}
		if gr, gg, gb, ga := got.At(39, 29).RGBA(); [4]uint32{gr, gg, gb, ga} != rgbaOf(img.At(39, 29)) {
			t.Errorf("%s: last pixel %v, want %v", name, got.At(39, 29), img.At(39, 29))
		}
	}
}

// thumbRoundTrip encodes img as a thumbnail and decodes it again.
func thumbRoundTrip(t *testing.T, img image.Image) image.Image {
	t.Helper()
	b, _, err := encodeThumb(img)
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func rgbaOf(c color.Color) [4]uint32 {
	r, g, b, a := c.RGBA()
	return [4]uint32{r, g, b, a}
}
