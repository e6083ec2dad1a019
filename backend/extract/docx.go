package extract

import (
	"context"
	"encoding/xml"
	"log/slog"
)

// maxSideParts bounds the headers, footers and notes read besides the body.
const maxSideParts = 200

// docxExtractor reads Word documents (WordprocessingML in a zip): the
// body, then headers, footers, footnotes, endnotes and comments.
// Paragraphs become lines; table cells are separated, one row per line.
type docxExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (docxExtractor) Name() string { return "docx" }

// Accepts implements Extractor.
func (docxExtractor) Accepts(in Input) bool { return officeKindOf(in) == kindDOCX }

// Extract implements Extractor.
func (e docxExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, "DOCX", in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e docxExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	z, err := openZip(in, "DOCX", lim)
	if err != nil {
		return Result{}, err
	}
	main, err := z.mainPart(ctx, "word/document.xml")
	if err != nil {
		return Result{}, err
	}
	out := newTextBuf(lim)
	if err := z.walkMember(ctx, main, func(w *xmlWalker) error {
		_, err := walkText(w, docxRules, out)
		return err
	}); err != nil {
		return Result{}, err
	}
	rels, err := z.rels(ctx, main)
	if err != nil {
		return Result{}, err
	}
	n := 0
	for _, r := range rels {
		switch r.Type {
		case "header", "footer", "footnotes", "endnotes", "comments":
		default:
			continue
		}
		if n++; n > maxSideParts || out.Full() {
			break
		}
		if !z.has(r.Target) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		out.Para()
		if err := z.walkMember(ctx, r.Target, func(w *xmlWalker) error {
			_, err := walkText(w, docxRules, out)
			return err
		}); err != nil {
			return Result{}, err
		}
	}
	return out.result(lim, 0), nil
}

// docxRules gives WordprocessingML elements their meaning.
func docxRules(n xml.Name) xmlRole {
	if skipFallback(n) {
		return roleSkip
	}
	if !isOOXMLSpace(n.Space, "wordprocessingml") {
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
	case "tab", "ptab":
		return roleTab
	case "br", "cr":
		return roleBreak
	}
	return 0
}
