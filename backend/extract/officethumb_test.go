package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"
	"strings"
	"testing"
)

// officeThumb asks a registry holding only the office thumbnailer.
func officeThumb(t testing.TB, in Input, lim Limits) ([]byte, string, error) {
	t.Helper()
	r := NewRegistry(lim, nil, []Thumbnailer{newOfficeThumbnailer(true)})
	return r.Thumbnail(context.Background(), in, 320)
}

// rewriteZip copies an archive, replacing or adding the given members
// (stored when method is zip.Store) and keeping the others byte for byte.
func rewriteZip(t testing.TB, b []byte, members map[string][]byte, method uint16) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if _, ok := members[f.Name]; ok {
			continue
		}
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&f.FileHeader)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOOXMLThumb adds a preview to an OOXML file at name; with rel, the
// package relationships name it (else only the usual name finds it).
func withOOXMLThumb(t testing.TB, b []byte, name string, pic []byte, rel bool) []byte {
	t.Helper()
	m := map[string][]byte{name: pic}
	if rel {
		rels := string(zipMember(b, "_rels/.rels"))
		r := `<Relationship Id="rIdThumb" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="` + name + `"/>`
		rels = strings.Replace(rels, "</Relationships>", r+"</Relationships>", 1)
		if !strings.Contains(rels, "rIdThumb") {
			t.Fatal("no package relationships to extend")
		}
		m["_rels/.rels"] = []byte(rels)
	}
	return rewriteZip(t, b, m, zip.Deflate)
}

// redPicture is a w×h solid red picture as PNG or JPEG.
func redPicture(t testing.TB, w, h int, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+3] = 0xe0, 0xff
	}
	var buf bytes.Buffer
	var err error
	if format == "jpeg" {
		err = jpeg.Encode(&buf, img, nil)
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r > 0xc000 && g < 0x3000 && b < 0x3000
}

func TestOfficeThumbnails(t *testing.T) {
	t.Parallel()
	docx := testdataInputBytes(t, "sample.docx")
	xlsx := testdataInputBytes(t, "sample.xlsx")
	pptx := testdataInputBytes(t, "sample.pptx")
	for _, tc := range []struct {
		name  string
		data  []byte
		shape string // "portrait", "landscape"
		red   bool   // the stored picture (red) was used, not a drawn page
	}{
		// LibreOffice stores a PNG preview in every ODF file.
		{"sample.odt", testdataInputBytes(t, "sample.odt"), "portrait", false},
		{"sample.ods", testdataInputBytes(t, "sample.ods"), "portrait", false},
		{"sample.odp", testdataInputBytes(t, "sample.odp"), "landscape", false},
		// OOXML previews: through the relationship, or by the usual name.
		{"rel.docx", withOOXMLThumb(t, docx, "docProps/thumbnail.jpeg", redPicture(t, 400, 566, "jpeg"), true), "portrait", true},
		{"name.xlsx", withOOXMLThumb(t, xlsx, "docProps/thumbnail.png", redPicture(t, 200, 150, "png"), false), "landscape", true},
		{"odd-name.pptx", withOOXMLThumb(t, pptx, "docProps/preview.png", redPicture(t, 640, 360, "png"), true), "landscape", true},
		// No stored preview: a drawn page with the first lines.
		{"sample.docx", docx, "portrait", false},
		{"sample.pptx", pptx, "landscape", false},
		{"sample.rtf", testdataInputBytes(t, "sample.rtf"), "portrait", false},
		{"emf.docx", withOOXMLThumb(t, docx, "docProps/thumbnail.emf", []byte("\x01\x00\x00\x00 not a raster"), true), "portrait", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, ct, err := officeThumb(t, sniffedInput(tc.data, tc.name), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			img := decodeThumb(t, b, ct, 320)
			s := img.Bounds().Size()
			switch {
			case tc.shape == "portrait" && (s.Y <= s.X || s.Y > 2*s.X):
				t.Errorf("thumbnail is %v, want portrait", s)
			case tc.shape == "landscape" && (s.X <= s.Y || s.X > 2*s.Y):
				t.Errorf("thumbnail is %v, want landscape", s)
			}
			mid := img.At(s.X/2, s.Y/2)
			if tc.red != isRed(mid) {
				t.Errorf("centre pixel %v: stored picture used = %v, want %v", mid, isRed(mid), tc.red)
			}
			if !tc.red && !hasInk(img) {
				t.Error("thumbnail is blank")
			}
		})
	}
}

// An ODT without its Thumbnails entry gets a drawn page; an ODS or an
// XLSX without a stored preview keeps the generic icon.
func TestOfficeThumbnailFallbacks(t *testing.T) {
	t.Parallel()
	drop := func(name string) []byte {
		b := testdataInputBytes(t, name)
		zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range zr.File {
			if f.Name == "Thumbnails/thumbnail.png" {
				continue
			}
			raw, _ := f.OpenRaw()
			w, _ := zw.CreateRaw(&f.FileHeader)
			io.Copy(w, raw)
		}
		zw.Close()
		return buf.Bytes()
	}
	b, ct, err := officeThumb(t, sniffedInput(drop("sample.odt"), "sample.odt"), Limits{})
	if err != nil {
		t.Fatalf("ODT without preview: %v", err)
	}
	if img := decodeThumb(t, b, ct, 320); !hasInk(img) {
		t.Error("drawn ODT page is blank")
	}
	for name, data := range map[string][]byte{
		"sample.ods":  drop("sample.ods"),
		"sample.xlsx": testdataInputBytes(t, "sample.xlsx"),
	} {
		if _, _, err := officeThumb(t, sniffedInput(data, name), Limits{}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s without preview: err = %v, want ErrUnsupported", name, err)
		}
	}
}

// Formats that dominate ingest are never read by the office thumbnailer.
func TestOfficeThumbnailSkipsText(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"sample.txt", "sample.csv", "sample.html", "sample.eml", "sample.md", "sample.json"} {
		_, _, err := officeThumb(t, testdataInput(t, name), Limits{})
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v, want ErrUnsupported", name, err)
		}
	}
	_, _, err := officeThumb(t, bytesInput([]byte("just text"), "notes.txt", "text/plain"), Limits{})
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("plain text: err = %v, want ErrUnsupported", err)
	}
}

func TestOfficeThumbnailCorrupt(t *testing.T) {
	t.Parallel()
	odt := testdataInputBytes(t, "sample.odt")
	docx := testdataInputBytes(t, "sample.docx")
	good := redPicture(t, 100, 100, "png")
	for name, data := range map[string][]byte{
		"garbage.odt":   rewriteZip(t, odt, map[string][]byte{"Thumbnails/thumbnail.png": append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0xAB}, 500)...)}, zip.Deflate),
		"truncated.odt": rewriteZip(t, odt, map[string][]byte{"Thumbnails/thumbnail.png": good[:len(good)/2]}, zip.Deflate),
		"bad.docx":      withOOXMLThumb(t, docx, "docProps/thumbnail.jpeg", []byte("\xff\xd8\xff\xe0 broken jpeg"), true),
	} {
		_, _, err := officeThumb(t, sniffedInput(data, name), Limits{})
		if !errors.Is(err, ErrPermanent) {
			t.Errorf("%s: err = %v, want a permanent error", name, err)
		}
	}
	// A truncated archive: no panic, a permanent error.
	for _, n := range []int{len(odt) / 2, len(odt) - 30} {
		_, _, err := officeThumb(t, sniffedInput(odt[:n], "cut.odt"), Limits{})
		if err == nil || !errors.Is(err, ErrPermanent) {
			t.Errorf("cut at %d: err = %v, want a permanent error", n, err)
		}
	}
}

// hugePNG is a valid PNG header claiming w×h pixels and nothing more.
func hugePNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	b := binary.BigEndian.AppendUint32([]byte("\x89PNG\r\n\x1a\n"), 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// Hostile previews are refused with a bounded allocation (the bytes read
// are capped, not the time: no test asserts a wall-clock time). Not
// parallel: it measures the bytes allocated.
func TestOfficeThumbnailHostile(t *testing.T) {
	odt := testdataInputBytes(t, "sample.odt")
	var bomb bytes.Buffer // 64 MiB that deflate to ~64 KiB, PNG magic first
	bomb.WriteString("\x89PNG\r\n\x1a\n")
	bomb.Write(make([]byte, 64<<20))
	// pixels.odt claims 10 gigapixels in a 33-byte header; wide.odt is a
	// real 8000×2001 picture (16 MP, just over the cap) that deflates to
	// a few KiB: both are refused by their header, before decoding.
	tests := []struct {
		name   string
		data   []byte
		phrase string
	}{
		{"bomb.odt", rewriteZip(t, odt, map[string][]byte{"Thumbnails/thumbnail.png": bomb.Bytes()}, zip.Deflate), "larger than 8 MiB"},
		{"pixels.odt", rewriteZip(t, odt, map[string][]byte{"Thumbnails/thumbnail.png": hugePNG(100_000, 100_000)}, zip.Deflate), "pixels"},
		{"wide.odt", rewriteZip(t, odt, map[string][]byte{"Thumbnails/thumbnail.png": redPicture(t, 8000, 2001, "png")}, zip.Deflate), "pixels"},
	}
	bomb.Reset()
	// A header that lies: it says 100 bytes, the member inflates to 32 MiB.
	liar := rewriteZip(t, odt, map[string][]byte{"Thumbnails/thumbnail.png": append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32<<20)...)}, zip.Deflate)
	cd := bytes.LastIndex(liar, []byte("PK\x01\x02"))
	liar[cd+24], liar[cd+25], liar[cd+26], liar[cd+27] = 100, 0, 0, 0
	tests = append(tests, struct {
		name   string
		data   []byte
		phrase string
	}{"liar.odt", liar, "preview"})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := officeThumb(t, sniffedInput(tc.data, tc.name), Limits{})
			runtime.ReadMemStats(&after)
			wantPermanent(t, err, tc.phrase)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MiB, want a bounded amount", alloc>>20)
			}
		})
	}
}

func TestOfficeThumbnailCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range []string{"sample.odt", "sample.docx"} {
		_, _, err := newOfficeThumbnailer(true).Thumbnail(ctx, testdataInput(t, name), 320, Limits{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", name, err)
		}
	}
}

// Without drawn pages, a document with no stored preview keeps the icon.
func TestOfficeThumbnailNoDrawing(t *testing.T) {
	t.Parallel()
	th := newOfficeThumbnailer(false)
	if _, _, err := th.Thumbnail(context.Background(), testdataInput(t, "sample.docx"), 320, Limits{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
	if _, _, err := th.Thumbnail(context.Background(), testdataInput(t, "sample.odt"), 320, Limits{}); err != nil {
		t.Errorf("stored preview: %v", err)
	}
}

// The default registry previews office files after PDFs and images.
func TestDefaultRegistryOfficeThumbnail(t *testing.T) {
	t.Parallel()
	r, err := Default(Options{CacheDir: testCacheDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, ct, err := r.Thumbnail(context.Background(), testdataInput(t, "sample.odp"), 320)
	if err != nil {
		t.Fatal(err)
	}
	decodeThumb(t, b, ct, 320)
}

func benchOfficeThumb(b *testing.B, name string, data []byte) {
	th := newOfficeThumbnailer(true)
	in := sniffedInput(data, name)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		in.R = bytes.NewReader(data)
		out, _, err := th.Thumbnail(context.Background(), in, 320, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "png-bytes")
}

func BenchmarkOfficeThumbODT(b *testing.B) {
	benchOfficeThumb(b, "sample.odt", testdataInputBytes(b, "sample.odt"))
}
func BenchmarkOfficeThumbODS(b *testing.B) {
	benchOfficeThumb(b, "sample.ods", testdataInputBytes(b, "sample.ods"))
}
func BenchmarkOfficeThumbODP(b *testing.B) {
	benchOfficeThumb(b, "sample.odp", testdataInputBytes(b, "sample.odp"))
}
func BenchmarkOfficeThumbDOCXStored(b *testing.B) {
	data := withOOXMLThumb(b, testdataInputBytes(b, "sample.docx"), "docProps/thumbnail.jpeg", redPicture(b, 256, 362, "jpeg"), true)
	benchOfficeThumb(b, "stored.docx", data)
}
func BenchmarkOfficeThumbXLSXStored(b *testing.B) {
	data := withOOXMLThumb(b, testdataInputBytes(b, "sample.xlsx"), "docProps/thumbnail.png", redPicture(b, 256, 181, "png"), true)
	benchOfficeThumb(b, "stored.xlsx", data)
}
func BenchmarkOfficeThumbPPTXStored(b *testing.B) {
	data := withOOXMLThumb(b, testdataInputBytes(b, "sample.pptx"), "docProps/thumbnail.jpeg", redPicture(b, 256, 144, "jpeg"), true)
	benchOfficeThumb(b, "stored.pptx", data)
}

// Drawn pages (no stored preview).
func BenchmarkOfficeThumbDOCXDrawn(b *testing.B) {
	benchOfficeThumb(b, "sample.docx", testdataInputBytes(b, "sample.docx"))
}
func BenchmarkOfficeThumbPPTXDrawn(b *testing.B) {
	benchOfficeThumb(b, "sample.pptx", testdataInputBytes(b, "sample.pptx"))
}
func BenchmarkOfficeThumbRTFDrawn(b *testing.B) {
	benchOfficeThumb(b, "sample.rtf", testdataInputBytes(b, "sample.rtf"))
}
func BenchmarkOfficeThumbDOCXLargeDrawn(b *testing.B) {
	var body strings.Builder
	for range 20_000 {
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + benchSentence + `</w:t></w:r></w:p>`)
	}
	benchOfficeThumb(b, "large.docx", minimalDOCX(b, body.String()))
}

// The check that turns plain text away is what every text file pays.
func BenchmarkOfficeThumbText(b *testing.B) {
	th := newOfficeThumbnailer(true)
	data := testdataInputBytes(b, "sample.txt")
	in := sniffedInput(data, "sample.txt")
	for b.Loop() {
		if _, _, err := th.Thumbnail(context.Background(), in, 320, Limits{}); !errors.Is(err, ErrUnsupported) {
			b.Fatal(err)
		}
	}
}
