package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"log/slog"
	"strings"
)

// odfExtractor reads OpenDocument files (ODT, ODS, ODP, ODG) from their
// content.xml: paragraphs and headings become lines, table cells are
// separated, spreadsheets name each sheet, and presentation and drawing
// pages are counted.
type odfExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (odfExtractor) Name() string { return "odf" }

// Accepts implements Extractor.
func (odfExtractor) Accepts(in Input) bool { return officeKindOf(in) == kindODF }

// Extract implements Extractor.
func (e odfExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, odfFormat(in), in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e odfExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	format := odfFormat(in)
	z, err := openZip(in, format, lim)
	if err != nil {
		return Result{}, err
	}
	if mt, err := z.readSmall("mimetype", 200); err == nil {
		format = odfFormat(Input{ContentType: string(mt), Name: in.Name})
		z.format = format
	}
	manifest, err := z.readSmall("META-INF/manifest.xml", maxRelsBytes)
	if err != nil && !errors.Is(err, errNoMember) {
		return Result{}, err
	}
	if bytes.Contains(manifest, []byte("encryption-data")) {
		return Result{Note: "the document is password-protected (encrypted); text not available"}, nil
	}
	if !z.has("content.xml") {
		return Result{}, Permanent("the %s file is damaged: it has no content part; text not extracted", format)
	}
	out := newTextBuf(lim)
	pages := 0
	err = z.walkMember(ctx, "content.xml", func(w *xmlWalker) error {
		pages, err = walkText(w, odfRules(format == "ODS"), out)
		return err
	})
	if err != nil {
		return Result{}, err
	}
	if format != "ODP" && format != "ODG" {
		pages = 0
	}
	return out.result(lim, pages), nil
}

// odfFormat names the format for sentences, from the media type or name.
func odfFormat(in Input) string {
	s := in.MediaType() + " " + strings.ToLower(in.Name)
	switch {
	case strings.Contains(s, "spreadsheet") || strings.HasSuffix(s, ".ods") || strings.HasSuffix(s, ".ots"):
		return "ODS"
	case strings.Contains(s, "presentation") || strings.HasSuffix(s, ".odp") || strings.HasSuffix(s, ".otp"):
		return "ODP"
	case strings.Contains(s, "graphics") || strings.HasSuffix(s, ".odg"):
		return "ODG"
	}
	return "ODT"
}

// odfRules gives OpenDocument elements their meaning; sheets says
// whether tables are spreadsheets whose names start their text.
func odfRules(sheets bool) xmlRules {
	return func(n xml.Name) xmlRole {
		return odfRole(n, sheets)
	}
}

func odfRole(n xml.Name, sheets bool) xmlRole {
	const (
		textNS  = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
		tableNS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
		drawNS  = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
	)
	switch n.Space {
	case textNS:
		switch n.Local {
		case "p", "h":
			return roleText | roleLine
		case "s":
			return roleSpace
		case "tab":
			return roleTab
		case "line-break":
			return roleBreak
		case "tracked-changes":
			return roleSkip // deleted text lives here
		}
	case tableNS:
		switch n.Local {
		case "table":
			if sheets {
				return roleSheet
			}
		case "table-cell", "covered-table-cell":
			return roleCell
		case "table-row":
			return roleRow
		}
	case drawNS:
		if n.Local == "page" {
			return rolePage
		}
	}
	return 0
}
