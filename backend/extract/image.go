package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// imageTypes are the media types the image extractor reads, by format.
var imageTypes = map[string]string{
	"image/png":           "png",
	"image/jpeg":          "jpeg",
	"image/pjpeg":         "jpeg",
	"image/gif":           "gif",
	"image/bmp":           "bmp",
	"image/x-ms-bmp":      "bmp",
	"image/webp":          "webp",
	"image/tiff":          "tiff",
	"image/tiff-fx":       "tiff",
	"image/x-tiff":        "tiff",
	"application/tiff":    "tiff",
	"image/heic":          "heic", // the primary image of a HEIF file
	"image/heif":          "heic",
	"image/heic-sequence": "heic",
	"image/heif-sequence": "heic",
}

// imageExts are the same by file extension, for unsniffed inputs.
var imageExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".jpe": true, ".gif": true, ".bmp": true,
	".webp": true, ".tif": true, ".tiff": true, ".heic": true, ".heif": true, ".hif": true,
}

func isImage(in Input) bool {
	mt := in.MediaType()
	if imageTypes[mt] != "" {
		return true
	}
	return (mt == "" || mt == "application/octet-stream") && imageExts[strings.ToLower(filepath.Ext(in.Name))]
}

// imageExtractor reads the text in pictures (scans, photos of letters,
// screenshots) with OCR. Headers are checked before any pixel is decoded.
type imageExtractor struct {
	ocr *ocrEngine
}

// Name implements Extractor.
func (x *imageExtractor) Name() string { return "image" }

// Accepts implements Extractor.
func (x *imageExtractor) Accepts(in Input) bool { return isImage(in) }

// Extract implements Extractor.
func (x *imageExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	lim = lim.withDefaults()
	info, err := probeImage(in.R, in.Size)
	if err != nil {
		return Result{}, Permanent("the image cannot be read: %v", err)
	}
	if err := info.checkPixels(lim.MaxPixels); err != nil {
		return Result{}, err
	}
	var res Result
	if info.Format == "tiff" {
		res.Pages = len(info.Pages)
		if res.Pages > lim.MaxPages {
			res.Note = fmt.Sprintf("text not extracted: the image has %d pages, more than the limit of %d", res.Pages, lim.MaxPages)
			return res, nil
		}
	}
	if x.ocr == nil {
		res.Note = noteOCRMissing
		return res, nil
	}
	if err := x.ocr.ready(ctx); err != nil {
		if errors.Is(err, errOCRMissing) {
			res.Note = noteOCRMissing
			return res, nil
		}
		return Result{}, err
	}
	data, err := ocrInput(in, info)
	if err != nil {
		return Result{}, err
	}
	text, err := x.ocr.Recognize(ctx, data, lim.MaxTextBytes)
	if err != nil {
		return Result{}, err
	}
	res.Text = Normalize(text)
	res.Language = DetectLanguage(res.Text)
	return res, nil
}

// ocrInput is the file as Tesseract should see it: the original bytes
// (Tesseract reads every format here itself but HEIC), except a JPEG whose
// EXIF says it is turned, which is decoded, turned upright and sent as
// PNG. HEIC is always decoded (upright) and sent as PNG.
func ocrInput(in Input, info imageInfo) ([]byte, error) {
	if info.Orientation <= 1 && info.Format != "heic" {
		b := make([]byte, in.Size)
		if _, err := in.R.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read image: %w", err)
		}
		return b, nil
	}
	img, err := decodeImage(in, info)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, orient(img, info.Orientation)); err != nil {
		return nil, fmt.Errorf("encode image for OCR: %w", err)
	}
	return buf.Bytes(), nil
}

// decodeImage decodes the first page. Call it only after checkPixels.
func decodeImage(in Input, info imageInfo) (image.Image, error) {
	r := io.NewSectionReader(in.R, 0, in.Size)
	var (
		img image.Image
		err error
	)
	switch info.Format {
	case "png":
		img, err = png.Decode(r)
	case "jpeg":
		img, err = jpeg.Decode(r)
	case "gif":
		img, err = gif.Decode(r)
	case "bmp":
		img, err = bmp.Decode(r)
	case "webp":
		img, err = webp.Decode(r)
	case "tiff":
		img, err = tiff.Decode(r)
	case "heic":
		img, err = decodeHEIC(r)
	default:
		err = errNotImage
	}
	if err != nil {
		return nil, Permanent("the image cannot be decoded: %v", err)
	}
	return img, nil
}
