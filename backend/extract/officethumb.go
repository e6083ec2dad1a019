package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"strings"
)

// Bounds on an embedded preview. Applications store small pictures
// (LibreOffice: 256 px on the long side; Word, Excel and PowerPoint: a
// few hundred px), so these are generous and still cheap to refuse.
const (
	// maxEmbeddedThumbBytes bounds the inflated bytes of the picture.
	maxEmbeddedThumbBytes = 8 << 20
	// maxEmbeddedThumbPixels bounds its width×height (further capped by
	// Limits.MaxPixels): 16 MP is 64 MiB decoded, a 4000×4000 picture.
	maxEmbeddedThumbPixels = 16_000_000
	// thumbZipBudget bounds everything inflated from the archive for a
	// preview (relationships, mimetype, the picture).
	thumbZipBudget = 16 << 20
)

// ooxmlThumbNames are where OOXML writers put the preview when no
// relationship names it.
var ooxmlThumbNames = []string{"docProps/thumbnail.jpeg", "docProps/thumbnail.jpg", "docProps/thumbnail.png"}

// errNoEmbeddedThumb: the file carries no raster preview (none at all, or
// an EMF/WMF one we do not draw).
var errNoEmbeddedThumb = errors.New("no embedded raster preview")

// officeThumbnailer previews office documents with the picture their
// authoring application stored in them: ODF's Thumbnails/thumbnail.png,
// OOXML's docProps/thumbnail (found through the package relationship).
// When there is none, word-processing documents and presentations can get
// a drawn page with their first lines of text (see textPreview); other
// inputs are ErrUnsupported and keep the UI's generic icon. Plain text,
// CSV, HTML and mail are never read here.
type officeThumbnailer struct {
	// preview draws text pages; nil leaves documents without a stored
	// picture to the generic icon.
	preview *textPreview
}

// newOfficeThumbnailer returns the office thumbnailer; drawn says whether
// documents without a stored picture get a drawn text page.
func newOfficeThumbnailer(drawn bool) *officeThumbnailer {
	t := &officeThumbnailer{}
	if drawn {
		t.preview = &textPreview{}
	}
	return t
}

// Thumbnail implements Thumbnailer. A broken or oversized stored picture
// is a permanent error (the document itself is unaffected).
func (t *officeThumbnailer) Thumbnail(ctx context.Context, in Input, width int, lim Limits) (out []byte, ct string, err error) {
	kind := officeKindOf(in)
	isRTF := kind == kindNone && (rtfExtractor{}).Accepts(in)
	if kind == kindNone && !isRTF {
		return nil, "", ErrUnsupported
	}
	if in.R == nil || in.Size <= 0 {
		return nil, "", ErrUnsupported
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if width <= 0 {
		width = defaultThumbWidth
	}
	lim = lim.withDefaults()
	format := officeFormat(in, kind)
	defer func() {
		// Image and zip readers should not panic; if one does on a hostile
		// file, the preview is lost, not the process.
		if p := recover(); p != nil {
			out, ct, err = nil, "", Permanent("the %s file's preview could not be made (its reader failed on it)", format)
		}
	}()
	if !isRTF {
		var img image.Image
		img, format, err = embeddedThumb(ctx, in, kind, lim)
		if err == nil {
			return encodeThumb(shrink(img, width, width*maxThumbAspect))
		}
		if !errors.Is(err, errNoEmbeddedThumb) {
			return nil, "", err
		}
	}
	if t.preview == nil {
		return nil, "", ErrUnsupported
	}
	return t.preview.thumbnail(ctx, in, format, width, lim)
}

// embeddedThumb decodes the preview stored in an office archive and names
// the format ("DOCX", "ODS"…). errNoEmbeddedThumb when there is none or it
// is not a PNG or JPEG (EMF and WMF previews are common in old files).
func embeddedThumb(ctx context.Context, in Input, kind officeKind, lim Limits) (image.Image, string, error) {
	format := officeFormat(in, kind)
	zl := lim
	zl.MaxUncompressed = min(lim.MaxUncompressed, thumbZipBudget)
	z, err := openZip(in, format, zl)
	if err != nil {
		return nil, format, thumbErr(ctx, format, err)
	}
	var name string
	if kind == kindODF {
		if mt, err := z.readSmall("mimetype", 200); err == nil {
			format = odfFormat(Input{ContentType: string(mt), Name: in.Name})
			z.format = format
		}
		name = "Thumbnails/thumbnail.png"
	} else {
		name, err = ooxmlThumbPart(ctx, z)
		if err != nil {
			return nil, format, thumbErr(ctx, format, err)
		}
	}
	if name == "" || !z.has(name) {
		return nil, format, errNoEmbeddedThumb
	}
	if err := ctx.Err(); err != nil {
		return nil, format, err
	}
	data, err := readMember(z, name, maxEmbeddedThumbBytes)
	if err != nil {
		return nil, format, thumbErr(ctx, format, err)
	}
	img, err := decodeEmbeddedThumb(data, min(lim.MaxPixels, maxEmbeddedThumbPixels))
	if err != nil {
		return nil, format, thumbErr(ctx, format, err)
	}
	return img, format, nil
}

// officeFormat names the format for sentences ("DOCX", "ODS", "RTF").
func officeFormat(in Input, kind officeKind) string {
	switch kind {
	case kindDOCX:
		return "DOCX"
	case kindXLSX:
		return "XLSX"
	case kindPPTX:
		return "PPTX"
	case kindODF:
		return odfFormat(in)
	}
	return "RTF"
}

// ooxmlThumbPart finds the package's preview through its thumbnail
// relationship, falling back to the usual names; "" when there is none.
func ooxmlThumbPart(ctx context.Context, z *zipDoc) (string, error) {
	rels, err := z.rels(ctx, "")
	if err != nil {
		return "", err
	}
	for _, r := range rels {
		// rels keeps the type's last segment: …/metadata/thumbnail.
		if r.Type == "thumbnail" && z.has(r.Target) {
			return r.Target, nil
		}
	}
	for _, n := range ooxmlThumbNames {
		if z.has(n) {
			return n, nil
		}
	}
	return "", nil
}

// readMember reads a whole member of at most max inflated bytes, counting
// the bytes read, never the sizes its headers claim.
func readMember(z *zipDoc, name string, max int64) ([]byte, error) {
	rc, err := z.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(rc, max+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > max {
		return nil, Permanent("the %s file's preview picture is larger than %s", z.format, sizeText(max))
	}
	return buf.Bytes(), nil
}

// decodeEmbeddedThumb decodes a PNG or JPEG preview after checking its
// header's size against maxPixels; anything else is errNoEmbeddedThumb.
func decodeEmbeddedThumb(data []byte, maxPixels int64) (image.Image, error) {
	switch sniffImage(data) {
	case "png", "jpeg":
	default:
		return nil, errNoEmbeddedThumb
	}
	in := Input{R: bytes.NewReader(data), Size: int64(len(data))}
	info, err := probeImage(in.R, in.Size)
	if err != nil {
		return nil, Permanent("the preview picture cannot be read: %v", err)
	}
	if err := info.checkPixels(maxPixels); err != nil {
		return nil, err
	}
	img, err := decodeImage(in, info)
	if err != nil {
		return nil, err
	}
	return orient(img, info.Orientation), nil
}

// thumbErr rewords the archive readers' sentences, written for text
// extraction, for a preview. A cancelled context and a failing input
// reader pass unchanged (retrying may help); a decoding error (a corrupt
// deflate stream, a bad header) becomes permanent.
func thumbErr(ctx context.Context, format string, err error) error {
	var se *sourceError
	switch {
	case errors.Is(err, errNoEmbeddedThumb), errors.Is(err, ErrUnsupported):
		return err
	case ctx.Err() != nil:
		return fmt.Errorf("preview of the %s file: %w", format, context.Cause(ctx))
	case errors.As(err, &se):
		return fmt.Errorf("preview of the %s file: %w", format, err)
	case !errors.Is(err, ErrPermanent):
		return Permanent("no preview of the %s file: it is damaged (%s)", format, Truncate(err.Error(), 120))
	}
	msg := strings.TrimSuffix(err.Error(), "; text not extracted")
	if !strings.Contains(msg, "preview") {
		msg = fmt.Sprintf("no preview of the %s file: %s", format, msg)
	}
	return Permanent("%s", msg)
}
