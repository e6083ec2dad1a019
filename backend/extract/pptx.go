package extract

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
)

// pptxExtractor reads PowerPoint presentations: each slide's text in
// presentation order followed by its speaker notes; Pages is the number
// of slides.
type pptxExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (pptxExtractor) Name() string { return "pptx" }

// Accepts implements Extractor.
func (pptxExtractor) Accepts(in Input) bool { return officeKindOf(in) == kindPPTX }

// Extract implements Extractor.
func (e pptxExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, "PPTX", in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e pptxExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	z, err := openZip(in, "PPTX", lim)
	if err != nil {
		return Result{}, err
	}
	main, err := z.mainPart(ctx, "ppt/presentation.xml")
	if err != nil {
		return Result{}, err
	}
	slides, err := pptxSlides(ctx, z, main)
	if err != nil {
		return Result{}, err
	}
	out := newTextBuf(lim)
	note := ""
	for i, s := range slides {
		if i >= lim.MaxPages {
			note = fmt.Sprintf("the presentation has more than %d slides; only the first %d were read", lim.MaxPages, lim.MaxPages)
			break
		}
		if out.Full() {
			break
		}
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		if err := z.walkMember(ctx, s, func(w *xmlWalker) error {
			_, err := walkText(w, pptxRules, out)
			return err
		}); err != nil {
			return Result{}, err
		}
		out.Line()
		rels, err := z.rels(ctx, s)
		if err != nil {
			return Result{}, err
		}
		for _, r := range rels {
			if r.Type != "notesSlide" || !z.has(r.Target) {
				continue
			}
			if err := z.walkMember(ctx, r.Target, func(w *xmlWalker) error {
				_, err := walkText(w, pptxRules, out)
				return err
			}); err != nil {
				return Result{}, err
			}
		}
		out.Para()
	}
	res := out.result(lim, len(slides))
	if res.Note == "" {
		res.Note = note
	}
	return res, nil
}

// pptxSlides lists the slide parts in presentation order (sldIdLst);
// when that list is unusable, the slideN.xml members in numeric order.
func pptxSlides(ctx context.Context, z *zipDoc, main string) ([]string, error) {
	rels, err := z.rels(ctx, main)
	if err != nil {
		return nil, err
	}
	byID := map[string]string{}
	for _, r := range rels {
		if r.Type == "slide" {
			byID[r.ID] = r.Target
		}
	}
	var slides []string
	err = z.walkMember(ctx, main, func(w *xmlWalker) error {
		for {
			tok, err := w.next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sldId" {
				if t, ok := byID[relAttrID(se)]; ok && z.has(t) {
					slides = append(slides, t)
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if len(slides) > 0 {
		return slides, nil
	}
	re := regexp.MustCompile(`^ppt/slides/slide(\d+)\.xml$`)
	type numbered struct {
		n    int
		name string
	}
	var found []numbered
	for _, name := range z.names("ppt/slides/") {
		if m := re.FindStringSubmatch(name); m != nil {
			n, _ := strconv.Atoi(m[1])
			found = append(found, numbered{n, name})
		}
	}
	slices.SortFunc(found, func(a, b numbered) int { return a.n - b.n })
	for _, f := range found {
		slides = append(slides, f.name)
	}
	return slides, nil
}

// pptxRules gives DrawingML text elements their meaning. Fields (slide
// numbers, dates) are skipped: they are not the author's words.
func pptxRules(n xml.Name) xmlRole {
	if skipFallback(n) {
		return roleSkip
	}
	if !isOOXMLSpace(n.Space, "drawingml") {
		return 0
	}
	switch n.Local {
	case "t":
		return roleText
	case "p":
		return roleLine
	case "tc":
		return roleCell
	case "tr":
		return roleRow
	case "br":
		return roleBreak
	case "fld":
		return roleSkip
	}
	return 0
}
