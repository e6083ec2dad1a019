package extract

import (
	"context"
	"image"
	"image/color"
	"strings"
	"sync"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Bounds of a drawn preview.
const (
	// previewTextBytes is the text read for a drawn page: more than a
	// page of 320 px holds, and the extractors stop reading once they
	// have it, so a long document costs no more than a short one.
	previewTextBytes = 2048
	// maxPreviewWidth caps the drawn page (its cost grows with the area).
	maxPreviewWidth = 1024
)

var (
	previewPaper  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	previewBorder = color.RGBA{0xd4, 0xd4, 0xd4, 0xff}
	previewInk    = color.RGBA{0x30, 0x30, 0x30, 0xff}
)

// textPreview draws a page for a document that stores no preview picture:
// white paper at A4 aspect (16:9 for a presentation, its first slide) with
// the first line in bold and the next lines of text, in the Go fonts.
// It is an impression of the document, not a rendering of its layout.
// Fonts are parsed on first use; one textPreview serves concurrent calls
// (each call makes its own faces, which are not safe to share).
type textPreview struct {
	once          sync.Once
	regular, bold *opentype.Font
	err           error
}

// fonts parses the Go fonts once.
func (p *textPreview) fonts() error {
	p.once.Do(func() {
		if p.regular, p.err = opentype.Parse(goregular.TTF); p.err != nil {
			return
		}
		p.bold, p.err = opentype.Parse(gobold.TTF)
	})
	return p.err
}

// thumbnail reads the first lines of text of a DOCX, ODT, RTF, PPTX or
// ODP and draws them; any other format is ErrUnsupported, and so is a
// document without text (an encrypted one, a picture-only slide).
func (p *textPreview) thumbnail(ctx context.Context, in Input, format string, width int, lim Limits) ([]byte, string, error) {
	var (
		ex    Extractor
		slide bool
	)
	switch format {
	case "DOCX":
		ex = docxExtractor{}
	case "ODT":
		ex = odfExtractor{}
	case "RTF":
		ex = rtfExtractor{}
	case "PPTX":
		ex, slide = pptxExtractor{}, true
	case "ODP":
		ex, slide = odfExtractor{}, true
	default:
		return nil, "", ErrUnsupported
	}
	if err := p.fonts(); err != nil {
		return nil, "", err
	}
	tl := lim
	tl.MaxTextBytes = previewTextBytes
	tl.MaxPages = 1 // a presentation's first slide
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	res, err := ex.Extract(ctx, in, tl)
	if err != nil {
		return nil, "", thumbErr(ctx, format, err)
	}
	lines := strings.Split(strings.TrimSpace(res.Text), "\n")
	if len(lines) == 0 || lines[0] == "" {
		return nil, "", ErrUnsupported
	}
	img, err := p.draw(lines, min(width, maxPreviewWidth), slide)
	if err != nil {
		return nil, "", err
	}
	return encodeThumb(img)
}

// draw lays the lines out on a page width px wide: the first in bold, the
// others wrapped at word boundaries, until the page is full.
func (p *textPreview) draw(lines []string, width int, slide bool) (image.Image, error) {
	w := float64(width)
	h, margin, titleSize, bodySize := w*297/210, w/10, w/20, w/32
	if slide {
		h, margin, titleSize, bodySize = w*9/16, w/14, w/14, w/24
	}
	page := image.NewRGBA(image.Rect(0, 0, width, int(h+0.5)))
	draw.Draw(page, page.Bounds(), image.NewUniform(previewBorder), image.Point{}, draw.Src)
	draw.Draw(page, page.Bounds().Inset(1), image.NewUniform(previewPaper), image.Point{}, draw.Src)

	title, err := opentype.NewFace(p.bold, &opentype.FaceOptions{Size: titleSize, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer title.Close()
	body, err := opentype.NewFace(p.regular, &opentype.FaceOptions{Size: bodySize, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer body.Close()

	// Drawing into the text area clips words longer than a line.
	area := page.SubImage(image.Rect(int(margin), int(margin), width-int(margin), page.Bounds().Dy()-int(margin))).(*image.RGBA)
	maxW := fixed.I(area.Bounds().Dx())
	d := font.Drawer{Dst: area, Src: image.NewUniform(previewInk)}
	y := margin
	bottom := float64(area.Bounds().Max.Y)
	for i, line := range lines {
		face, size := body, bodySize
		if i == 0 {
			face, size = title, titleSize
		}
		if line == "" { // a paragraph break: half a line
			y += size * 0.6
			continue
		}
		d.Face = face
		for _, l := range wrapLine(face, line, maxW) {
			y += size * 1.25
			if y > bottom {
				return page, nil
			}
			d.Dot = fixed.Point26_6{X: fixed.I(int(margin)), Y: fixed.Int26_6(y * 64)}
			d.DrawString(l)
		}
		if i == 0 {
			y += size * 0.5
		}
	}
	return page, nil
}

// wrapLine breaks a line into pieces no wider than maxW at spaces; a
// single word wider than maxW stays whole (the caller clips it).
func wrapLine(face font.Face, line string, maxW fixed.Int26_6) []string {
	var (
		out []string
		cur string
	)
	for _, word := range strings.Fields(line) {
		if cur == "" {
			cur = word
			continue
		}
		if font.MeasureString(face, cur+" "+word) > maxW {
			out = append(out, cur)
			cur = word
			continue
		}
		cur += " " + word
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
