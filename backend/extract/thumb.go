package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"

	"github.com/disintegration/imaging"
	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
	"golang.org/x/image/draw"
)

// Thumbnails are PNG: Go has no pure WebP encoder, and at 320 px PNG is
// small enough.
const (
	thumbContentType  = "image/png"
	defaultThumbWidth = 320
	// maxThumbAspect bounds a thumbnail's height to this many widths
	// (a receipt roll or a banner still gives a sane preview).
	maxThumbAspect = 4
)

// encodeThumb encodes a thumbnail as PNG. A picture that is all opaque
// grays (a page of text, a scan) is encoded as 8-bit gray, the same
// pixels in a third of the bytes: filtering and compressing them is most of
// a page thumbnail's cost.
func encodeThumb(img image.Image) ([]byte, string, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if g := grayOf(img); g != nil {
		img = g
	}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, "", fmt.Errorf("encode thumbnail: %w", err)
	}
	return buf.Bytes(), thumbContentType, nil
}

// grayOf returns img as an 8-bit gray image when it is an RGBA or NRGBA
// picture whose every pixel is an opaque gray (R = G = B, A = 255), and
// nil otherwise.
func grayOf(img image.Image) *image.Gray {
	var (
		pix    []uint8
		stride int
		r      image.Rectangle
	)
	switch m := img.(type) {
	case *image.RGBA:
		pix, stride, r = m.Pix, m.Stride, m.Rect
	case *image.NRGBA:
		pix, stride, r = m.Pix, m.Stride, m.Rect
	default:
		return nil
	}
	w := r.Dx()
	for y := range r.Dy() {
		row := pix[y*stride : y*stride+4*w]
		for i := 0; i < len(row); i += 4 {
			if row[i] != row[i+1] || row[i] != row[i+2] || row[i+3] != 0xff {
				return nil
			}
		}
	}
	g := image.NewGray(r)
	for y := range r.Dy() {
		row, out := pix[y*stride:y*stride+4*w], g.Pix[y*g.Stride:y*g.Stride+w]
		for x := range out {
			out[x] = row[4*x]
		}
	}
	return g
}

// imageThumbnailer scales pictures down, upright (EXIF orientation).
type imageThumbnailer struct{}

// Thumbnail implements Thumbnailer.
func (imageThumbnailer) Thumbnail(ctx context.Context, in Input, width int, lim Limits) ([]byte, string, error) {
	if !isImage(in) {
		return nil, "", ErrUnsupported
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if width <= 0 {
		width = defaultThumbWidth
	}
	lim = lim.withDefaults()
	info, err := probeImage(in.R, in.Size)
	if err != nil {
		return nil, "", Permanent("the image cannot be read: %v", err)
	}
	if err := info.checkPixels(lim.MaxPixels); err != nil {
		return nil, "", err
	}
	img, err := decodeImage(in, info)
	if err != nil {
		return nil, "", err
	}
	return encodeThumb(shrink(orient(img, info.Orientation), width, width*maxThumbAspect))
}

// shrink scales img down to fit w×h, keeping its aspect. A large picture
// is first reduced cheaply (nearest-ish) to twice the target, then
// filtered: far less time than filtering the whole picture (figures:
// docs/benchmarks-history.md, "Figures behind choices in the code"), and
// the same look at thumbnail size.
func shrink(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	if b.Dx() <= w && b.Dy() <= h {
		return img
	}
	scale := min(float64(w)/float64(b.Dx()), float64(h)/float64(b.Dy()))
	tw, th := max(1, int(float64(b.Dx())*scale+0.5)), max(1, int(float64(b.Dy())*scale+0.5))
	if b.Dx() > 3*tw {
		pre := image.NewRGBA(image.Rect(0, 0, 2*tw, 2*th)) // draw has fast paths into RGBA
		draw.ApproxBiLinear.Scale(pre, pre.Bounds(), img, b, draw.Src, nil)
		img = pre
	}
	return imaging.Resize(img, tw, th, imaging.Linear)
}

// pdfThumbnailer renders the first page of a PDF.
type pdfThumbnailer struct {
	eng *pdfEngine
}

// Thumbnail implements Thumbnailer. An encrypted PDF has no preview
// (ErrUnsupported: the caller shows a generic icon).
func (t *pdfThumbnailer) Thumbnail(ctx context.Context, in Input, width int, _ Limits) ([]byte, string, error) {
	if !isPDF(in) {
		return nil, "", ErrUnsupported
	}
	if width <= 0 {
		width = defaultThumbWidth
	}
	var (
		out []byte
		ct  string
	)
	err := t.eng.with(ctx, func(p pdfium.Pdfium) error {
		doc, err := openPDF(p, in)
		if err != nil {
			return err
		}
		defer p.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc})
		r, err := p.RenderPageInPixels(&requests.RenderPageInPixels{
			Page:   requests.Page{ByIndex: &requests.PageByIndex{Document: doc, Index: 0}},
			Width:  width,
			Height: width * maxThumbAspect,
		})
		if err != nil {
			return Permanent("the PDF's first page cannot be rendered")
		}
		defer r.Cleanup()
		// Encode before Cleanup: the pixels live in wasm memory.
		out, ct, err = encodeThumb(r.Result.RenderedImage)
		return err
	})
	if errors.Is(err, errPDFEncrypted) {
		return nil, "", ErrUnsupported
	}
	if err != nil {
		return nil, "", err
	}
	return out, ct, nil
}
