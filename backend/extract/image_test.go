package extract

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// requireTesseract skips when Tesseract is not installed, except under
// CI=true, where it is a setup error and fails.
func requireTesseract(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tesseract is not installed (scripts/setup.sh installs tesseract-ocr, -eng, -deu)")
		}
		t.Skip("tesseract not installed")
	}
}

// assertScanText checks OCR of testdata/media-src/scan.txt's page.
func assertScanText(t *testing.T, text string) {
	t.Helper()
	for _, w := range []string{"parcel was delivered", "tracking number is 8815", "Friday", "Rechnung", "Köln"} {
		if !strings.Contains(text, w) {
			t.Errorf("OCR text lacks %q:\n%s", w, text)
		}
	}
	if text != Normalize(text) {
		t.Error("OCR text is not normalised")
	}
}

func newTestImageExtractor() *imageExtractor {
	return &imageExtractor{ocr: newOCREngine("", []string{"eng", "deu"}, nil)}
}

func TestImageOCR(t *testing.T) {
	t.Parallel()
	requireTesseract(t)
	x := newTestImageExtractor()
	for _, f := range []string{"scan.png", "scan.jpg", "rotated.jpg", "scan.webp"} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			in := fileInput(t, "testdata/"+f)
			if !x.Accepts(in) {
				t.Fatal("not accepted")
			}
			res, err := x.Extract(context.Background(), in, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			assertScanText(t, res.Text)
			if res.Note != "" {
				t.Errorf("Note = %q", res.Note)
			}
		})
	}
}

func TestImageOCRMultiPageTIFF(t *testing.T) {
	t.Parallel()
	requireTesseract(t)
	res, err := newTestImageExtractor().Extract(context.Background(), fileInput(t, "testdata/multipage.tif"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages != 2 {
		t.Errorf("Pages = %d, want 2", res.Pages)
	}
	for _, w := range []string{"Harbour Street Bakery", "yellow submarine"} {
		if !strings.Contains(res.Text, w) {
			t.Errorf("text lacks %q (both pages must be read):\n%s", w, res.Text)
		}
	}
	if res.Language != "en" {
		t.Errorf("Language = %q", res.Language)
	}
}

func TestImageWithoutTesseractHasNote(t *testing.T) {
	t.Parallel()
	x := &imageExtractor{ocr: newOCREngine("/nonexistent/tesseract", nil, nil)}
	for range 2 { // the second call uses the remembered verdict
		res, err := x.Extract(context.Background(), fileInput(t, "testdata/scan.png"), Limits{})
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
		if res.Note != "text not available: OCR not installed" {
			t.Errorf("Note = %q", res.Note)
		}
	}
}

func TestOCRDropsMissingLanguages(t *testing.T) {
	t.Parallel()
	requireTesseract(t)
	o := newOCREngine("", []string{"eng", "xxx-not-a-language"}, nil)
	if err := o.ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	if o.lang != "eng" {
		t.Errorf("languages = %q, want eng", o.lang)
	}
	o = newOCREngine("", []string{"xxx-not-a-language"}, nil)
	if err := o.ready(context.Background()); !errors.Is(err, errOCRMissing) {
		t.Errorf("err = %v, want errOCRMissing", err)
	}
}

// bombPNG is a valid PNG header claiming w×h pixels, with no pixel data.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestImageDecompressionBomb(t *testing.T) {
	t.Parallel()
	in := bytesInput(bombPNG(100000, 100000), "bomb.png", "image/png")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := newTestImageExtractor().Extract(context.Background(), in, Limits{})
	_, _, thumbErr := imageThumbnailer{}.Thumbnail(context.Background(), in, 320, Limits{})
	runtime.ReadMemStats(&after)

	const want = "the image is 100000×100000 pixels, larger than the 100 MP limit"
	for _, err := range []error{err, thumbErr} {
		if !errors.Is(err, ErrPermanent) || err.Error() != want {
			t.Errorf("err = %v, want permanent %q", err, want)
		}
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("allocated %d MiB refusing a bomb", grew>>20)
	}
}

func TestImageDamaged(t *testing.T) {
	t.Parallel()
	x := newTestImageExtractor()
	png := mustRead(t, "testdata/scan.png")
	for name, data := range map[string][]byte{
		"empty":      nil,
		"not image":  []byte("plain text with a .png name"),
		"header cut": png[:20],
		"zero size":  bombPNG(0, 10),
	} {
		_, err := x.Extract(context.Background(), bytesInput(data, "x.png", ""), Limits{})
		if !errors.Is(err, ErrPermanent) {
			t.Errorf("%s: err = %v, want ErrPermanent", name, err)
		}
	}
}

func TestProbeImage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, format string
		pages        []image.Point
		orientation  int
	}{
		{"scan.png", "png", []image.Point{{1240, 1755}}, 0},
		{"scan.jpg", "jpeg", []image.Point{{1240, 1755}}, 0},
		{"rotated.jpg", "jpeg", []image.Point{{1755, 1240}}, 6},
		{"scan.webp", "webp", []image.Point{{1240, 1755}}, 0},
		{"multipage.tif", "tiff", []image.Point{{1240, 1755}, {1240, 1755}}, 0},
	} {
		b := mustRead(t, "testdata/"+tc.file)
		info, err := probeImage(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if info.Format != tc.format || info.Orientation != tc.orientation || !equalPoints(info.Pages, tc.pages) {
			t.Errorf("%s: got %+v", tc.file, info)
		}
	}
}

func equalPoints(a, b []image.Point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzImageConfig feeds arbitrary bytes to the header readers we wrote
// ourselves (TIFF IFD chain, JPEG EXIF orientation) and to the format
// dispatch: they must never panic, loop or allocate without bound.
func FuzzImageConfig(f *testing.F) {
	for _, name := range []string{"scan.png", "rotated.jpg", "multipage.tif", "scan.webp"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 4096)])
	}
	f.Add(bombPNG(100000, 100000))
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x00\x01\x03\x00\x01\x00\x00\x00\x10\x00\x00\x00\x08\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := probeImage(bytes.NewReader(data), int64(len(data)))
		if err == nil && len(info.Pages) == 0 {
			t.Fatal("no error and no pages")
		}
		if len(info.Pages) > maxTIFFPages {
			t.Fatalf("%d pages", len(info.Pages))
		}
		_ = info.checkPixels(100_000_000)
		_ = jpegOrientation(bytes.NewReader(data), int64(len(data)))
	})
}
