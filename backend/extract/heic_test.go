package extract

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"strings"
	"sync"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/gabriel-vasile/mimetype"
)

// HEIC test files are made with heif-enc (testdata/README-media.md); the
// hostile ones are built here from scan.heic.
//
// The tests that decode are not parallel: a decode allocates tens of MB
// (the WebAssembly instance's memory), which would count against the
// tests that measure what refusing a bomb allocates
// (TestImageDecompressionBomb), and those run in parallel. Sequential
// tests finish before parallel ones start.

func TestHEICSniff(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"scan.heic", "photo.heic"} {
		b := mustRead(t, "testdata/"+f)
		if got := sniffImage(b[:64]); got != "heic" {
			t.Errorf("%s: sniffImage = %q, want heic", f, got)
		}
		// The library's import sniffs with mimetype: the type it stores
		// must route to the image extractor.
		mt := mimetype.Detect(b).String()
		if mt != "image/heic" {
			t.Errorf("%s: mimetype = %q, want image/heic", f, mt)
		}
		for _, in := range []Input{
			bytesInput(b, "IMG_0001.HEIC", mt),
			bytesInput(b, "IMG_0001.HEIC", ""),
			bytesInput(b, "photo.heif", "application/octet-stream"),
			bytesInput(b, "x", "image/heif"),
		} {
			if !isImage(in) {
				t.Errorf("%s: %q (%q) is not taken as an image", f, in.Name, in.ContentType)
			}
		}
	}
	ftyp := func(major string, compat ...string) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(16+4*len(compat)))
		b = append(b, "ftyp"+major+"\x00\x00\x00\x00"...)
		for _, c := range compat {
			b = append(b, c...)
		}
		return b
	}
	for _, tc := range []struct {
		head []byte
		want string
	}{
		{ftyp("mif1", "mif1", "heic"), "heic"},
		{ftyp("mif1", "mif1"), "heic"},
		{ftyp("avif", "mif1", "avif"), ""}, // AV1: not for this decoder
		{ftyp("mif1", "mif1", "avif"), ""},
		{ftyp("isom", "isom", "mp41"), ""}, // a video
		{[]byte("\x00\x00\x00\x18ftyphe"), ""},
	} {
		if got := sniffImage(tc.head); got != tc.want {
			t.Errorf("sniffImage(%q) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

func TestHEICProbe(t *testing.T) {
	for _, tc := range []struct {
		file string
		size image.Point
	}{
		{"scan.heic", image.Pt(1240, 1755)},
		{"photo.heic", image.Pt(640, 480)},
	} {
		b := mustRead(t, "testdata/"+tc.file)
		info, err := probeImage(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if info.Format != "heic" || info.Orientation != 0 || !equalPoints(info.Pages, []image.Point{tc.size}) {
			t.Errorf("%s: got %+v, want heic %v", tc.file, info, tc.size)
		}
	}
}

func TestHEICThumbnail(t *testing.T) {
	r := newTestMediaRegistry(t, Options{})
	for _, tc := range []struct {
		file     string
		portrait bool
	}{
		{"scan.heic", true},
		{"photo.heic", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in := fileInput(t, "testdata/"+tc.file)
			in.ContentType = "image/heic"
			b, ct, err := r.Thumbnail(context.Background(), in, 320)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeThumb(t, b, ct, 320)
			if bb := img.Bounds(); (bb.Dy() > bb.Dx()) != tc.portrait {
				t.Errorf("thumbnail is %v, portrait want %v", bb.Size(), tc.portrait)
			}
			if tc.portrait && !hasInk(img) {
				t.Error("thumbnail is blank")
			}
		})
	}
}

// TestHEICTurnedOnce checks that the decoder applies HEIF's irot itself
// (and reports the turned size), so we must not turn by EXIF again: a
// copy of scan.heic whose pixi property is overwritten by an irot of the
// same size (angle 1: 90° anticlockwise) decodes as the original turned
// once.
func TestHEICTurnedOnce(t *testing.T) {
	b := bytes.Clone(mustRead(t, "testdata/scan.heic"))
	i := bytes.Index(b, []byte("\x00\x00\x00\x10pixi"))
	if i < 0 {
		t.Fatal("scan.heic has no 16-byte pixi box")
	}
	copy(b[i:i+16], "\x00\x00\x00\x10irot\x01\x00\x00\x00\x00\x00\x00\x00")
	info, err := probeImage(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !equalPoints(info.Pages, []image.Point{{1755, 1240}}) || info.Orientation != 0 {
		t.Fatalf("probe = %+v, want 1755×1240 and no orientation", info)
	}
	turned, err := decodeImage(bytesInput(b, "t.heic", ""), info)
	if err != nil {
		t.Fatal(err)
	}
	plain := mustRead(t, "testdata/scan.heic")
	orig, err := decodeHEIC(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := turned.Bounds().Size(), image.Pt(1755, 1240); got != want {
		t.Fatalf("decoded %v, want %v", got, want)
	}
	// The page is mostly white: compare against both turns, not a threshold.
	right, wrong := meanDiff(turned, imaging.Rotate90(orig)), meanDiff(turned, imaging.Rotate270(orig))
	if right*4 > wrong {
		t.Errorf("not turned anticlockwise once: differs by %.1f from that, %.1f from clockwise", right, wrong)
	}
}

// meanDiff is the mean difference in red (0–255) of two same-size images.
func meanDiff(a, b image.Image) float64 {
	var diff, n float64
	ab, bb := a.Bounds(), b.Bounds()
	for y := 0; y < ab.Dy(); y += 3 {
		for x := 0; x < ab.Dx(); x += 3 {
			p, _, _, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			q, _, _, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			diff += float64(max(p, q)-min(p, q)) / 257
			n++
		}
	}
	return diff / n
}

// TestHEICConcurrent decodes from several goroutines at once: every decode
// runs in its own WebAssembly instance of one shared compiled module.
func TestHEICConcurrent(t *testing.T) {
	in := fileInput(t, "testdata/photo.heic")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			in := bytesInput(mustRead(t, "testdata/photo.heic"), in.Name, "image/heic")
			_, _, errs[i] = imageThumbnailer{}.Thumbnail(context.Background(), in, 160, Limits{})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestHEICOCR(t *testing.T) {
	requireTesseract(t)
	in := fileInput(t, "testdata/scan.heic")
	in.ContentType = "image/heic"
	res, err := newTestImageExtractor().Extract(context.Background(), in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	assertScanText(t, res.Text)
	if res.Note != "" {
		t.Errorf("Note = %q", res.Note)
	}
}

func TestHEICWithoutTesseractHasNote(t *testing.T) {
	r := newTestMediaRegistry(t, Options{TesseractPath: "/nonexistent/tesseract"})
	in := fileInput(t, "testdata/scan.heic")
	in.ContentType = "image/heic"
	res, err := r.Extract(context.Background(), in)
	if err != nil || res.Note != noteOCRMissing {
		t.Errorf("res = %+v, err = %v; want the note %q", res, err, noteOCRMissing)
	}
}

// heicClaiming is scan.heic with its ispe properties (the sizes the
// header declares: heif-enc writes the page as a grid of one tile, each
// with its ispe) rewritten to w×h: a decompression bomb's header.
func heicClaiming(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := bytes.Clone(mustRead(t, "testdata/scan.heic"))
	n := 0
	for off := 0; ; n++ {
		j := bytes.Index(b[off:], []byte("ispe"))
		if j < 0 || off+j+16 > len(b) {
			break
		}
		i := off + j // ispe: type, version+flags (4), width (4), height (4)
		binary.BigEndian.PutUint32(b[i+8:], w)
		binary.BigEndian.PutUint32(b[i+12:], h)
		off = i + 4
	}
	if n == 0 {
		t.Fatal("scan.heic has no ispe box")
	}
	return b
}

// heicBoxes appends a box of the given type and body to head.
func heicBoxes(head []byte, typ string, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(bytes.Clone(head), uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

func TestHEICHostile(t *testing.T) {
	scan := mustRead(t, "testdata/scan.heic")
	for _, tc := range []struct {
		name string
		data []byte
		want string // the whole sentence, or its start when it ends in …
	}{
		{"huge", heicClaiming(t, 20000, 20000), "the image is 20000×20000 pixels, larger than the 100 MP limit"},
		{"truncated", scan[:len(scan)/2], "the image cannot be read: heic header: the file is cut short"},
		{"header only", scan[:40], "the image cannot be read: heic header: …"},
		{"no meta", scan[:24], "the image cannot be read: heic header: no meta box"},
		{"garbage after ftyp", append(bytes.Clone(scan[:24]), bytes.Repeat([]byte{0xff}, 4096)...), "the image cannot be read: heic header: …"},
		{"damaged meta", heicBoxes(scan[:24], "meta", bytes.Repeat([]byte{0x5a}, 200)), "the image cannot be read: heic header: libheif cannot read it (damaged, or not coded in HEVC)"},
		{"zero size", heicClaiming(t, 0, 1755), "the image is damaged: page 1 has no size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := bytesInput(tc.data, "IMG_0001.HEIC", "image/heic")
			_, err := newTestImageExtractor().Extract(context.Background(), in, Limits{})
			_, _, thumbErr := imageThumbnailer{}.Thumbnail(context.Background(), in, 320, Limits{})
			for _, err := range []error{err, thumbErr} {
				if !errors.Is(err, ErrPermanent) {
					t.Fatalf("err = %v, want a permanent error", err)
				}
				if prefix, ok := strings.CutSuffix(tc.want, "…"); ok {
					if !strings.HasPrefix(err.Error(), prefix) {
						t.Errorf("err = %q, want %q", err, tc.want)
					}
				} else if err.Error() != tc.want {
					t.Errorf("err = %q, want %q", err, tc.want)
				}
			}
		})
	}
}
