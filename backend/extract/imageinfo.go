package extract

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/webp"
)

// imageInfo is what the headers of an image say, read without decoding
// its pixels: enough to refuse a decompression bomb before it goes off.
type imageInfo struct {
	Format string        // "png", "jpeg", "gif", "bmp", "webp", "tiff", "heic"
	Pages  []image.Point // width×height of every page (TIFF) or the image
	// Orientation is the EXIF orientation of a JPEG (1–8), 0 when absent
	// (and always for HEIC, which the decoder turns itself: imageheic.go).
	Orientation int
}

// maxTIFFPages bounds the IFD chain walked in a TIFF.
const maxTIFFPages = 10000

// sniffImage names the format from the first bytes, "" when unknown.
func sniffImage(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(head, []byte("BM")):
		return "bmp"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "webp"
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "tiff"
	case isHEIC(head):
		return "heic"
	}
	return ""
}

// errNotImage: the bytes are not in an image format we read.
var errNotImage = errors.New("not a PNG, JPEG, GIF, BMP, WebP, TIFF or HEIC image")

// probeImage reads an image's headers: format, page sizes, orientation.
func probeImage(r io.ReaderAt, size int64) (imageInfo, error) {
	head := make([]byte, 64) // a HEIF ftyp box lists its brands
	n, _ := r.ReadAt(head, 0)
	info := imageInfo{Format: sniffImage(head[:n])}
	sr := func() io.Reader { return io.NewSectionReader(r, 0, size) }
	var (
		cfg image.Config
		err error
	)
	switch info.Format {
	case "tiff":
		info.Pages, err = tiffPageSizes(r, size, maxTIFFPages)
		return info, err
	case "heic":
		p, err := probeHEIC(r, size)
		if err != nil {
			return info, fmt.Errorf("heic header: %w", err)
		}
		info.Pages = []image.Point{p}
		return info, nil
	case "png":
		cfg, err = png.DecodeConfig(sr())
	case "jpeg":
		cfg, err = jpeg.DecodeConfig(sr())
		info.Orientation = jpegOrientation(r, size)
	case "gif":
		cfg, err = gif.DecodeConfig(sr())
	case "bmp":
		cfg, err = bmp.DecodeConfig(sr())
	case "webp":
		cfg, err = webp.DecodeConfig(sr())
	default:
		return info, errNotImage
	}
	if err != nil {
		return info, fmt.Errorf("%s header: %w", info.Format, err)
	}
	info.Pages = []image.Point{{X: cfg.Width, Y: cfg.Height}}
	return info, nil
}

// checkPixels refuses images (any page) larger than maxPixels, with a
// sentence: "the image is 100000×100000 pixels, larger than the 100 MP
// limit".
func (info imageInfo) checkPixels(maxPixels int64) error {
	for i, p := range info.Pages {
		if p.X <= 0 || p.Y <= 0 {
			return Permanent("the image is damaged: page %d has no size", i+1)
		}
		if int64(p.X)*int64(p.Y) > maxPixels {
			what := "the image"
			if len(info.Pages) > 1 {
				what = fmt.Sprintf("page %d of the image", i+1)
			}
			return Permanent("%s is %d×%d pixels, larger than the %s limit", what, p.X, p.Y, megapixels(maxPixels))
		}
	}
	return nil
}

// megapixels formats a pixel count as "100 MP" or "2.5 MP".
func megapixels(n int64) string {
	if n%1_000_000 == 0 {
		return fmt.Sprintf("%d MP", n/1_000_000)
	}
	return fmt.Sprintf("%.1f MP", float64(n)/1e6)
}
