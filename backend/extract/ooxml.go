package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"
)

// maxRelsBytes bounds a relationships part; real ones are a few KiB.
const maxRelsBytes = 4 << 20

// ooxmlRel is one relationship of an OOXML part.
type ooxmlRel struct {
	ID, Type, Target string // Type is the last path segment ("officeDocument", "slide")
}

// rels reads the relationships of part ("" for the package); none when
// the part has no relationships member.
func (z *zipDoc) rels(ctx context.Context, part string) ([]ooxmlRel, error) {
	dir, base := path.Split(part)
	b, err := z.readSmall(dir+"_rels/"+base+".rels", maxRelsBytes)
	if errors.Is(err, errNoMember) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	w := newXMLWalker(ctx, bytes.NewReader(b), z.format)
	var out []ooxmlRel
	for {
		tok, err := w.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" || attr(se, "TargetMode") == "External" {
			continue
		}
		typ := attr(se, "Type")
		out = append(out, ooxmlRel{
			ID:     attr(se, "Id"),
			Type:   typ[strings.LastIndexByte(typ, '/')+1:],
			Target: resolvePart(part, attr(se, "Target")),
		})
	}
}

// resolvePart turns a relationship target into a member name: absolute
// ("/word/document.xml") or relative to the source part's folder.
func resolvePart(source, target string) string {
	if strings.HasPrefix(target, "/") {
		return zipName(target)
	}
	return zipName(path.Join(path.Dir("/"+source), target))
}

// mainPart finds the package's main part through its officeDocument
// relationship, falling back to the conventional name.
func (z *zipDoc) mainPart(ctx context.Context, fallback string) (string, error) {
	rels, err := z.rels(ctx, "")
	if err != nil {
		return "", err
	}
	for _, r := range rels {
		if r.Type == "officeDocument" && z.has(r.Target) {
			return r.Target, nil
		}
	}
	if z.has(fallback) {
		return fallback, nil
	}
	return "", Permanent("the %s file is damaged: its main part is missing; text not extracted", z.format)
}

// relAttrID returns the r:id attribute (the relationships namespace's "id",
// not a plain "id" that may sit beside it).
func relAttrID(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "id" && strings.Contains(a.Name.Space, "relationships") {
			return a.Value
		}
	}
	return ""
}

// isOOXMLSpace reports whether an element namespace belongs to a given
// OOXML vocabulary ("wordprocessingml", "drawingml"), transitional or strict.
func isOOXMLSpace(space, vocab string) bool {
	return strings.Contains(space, vocab)
}

// skipFallback marks mc:Fallback, the duplicate older rendering of a
// markup-compatibility block, as ignored (its text would appear twice).
func skipFallback(n xml.Name) bool {
	return n.Local == "Fallback" && strings.Contains(n.Space, "markup-compatibility")
}
