package extract

import (
	"archive/zip"
	"io"
	"path"
	"strings"
)

// officeKind is a zip-based document format.
type officeKind uint8

const (
	kindNone officeKind = iota
	kindDOCX
	kindXLSX
	kindPPTX
	kindODF // ODT, ODS, ODP, ODG: one reader, told apart by their mimetype member
)

// officeMediaTypes maps precise media types to their format (an immutable table).
var officeMediaTypes = map[string]officeKind{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   kindDOCX,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template":   kindDOCX,
	"application/vnd.ms-word.document.macroenabled.12":                          kindDOCX,
	"application/vnd.ms-word.template.macroenabled.12":                          kindDOCX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         kindXLSX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.template":      kindXLSX,
	"application/vnd.ms-excel.sheet.macroenabled.12":                            kindXLSX,
	"application/vnd.ms-excel.template.macroenabled.12":                         kindXLSX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": kindPPTX,
	"application/vnd.openxmlformats-officedocument.presentationml.slideshow":    kindPPTX,
	"application/vnd.openxmlformats-officedocument.presentationml.template":     kindPPTX,
	"application/vnd.ms-powerpoint.presentation.macroenabled.12":                kindPPTX,
	"application/vnd.ms-powerpoint.slideshow.macroenabled.12":                   kindPPTX,
	"application/vnd.oasis.opendocument.text":                                   kindODF,
	"application/vnd.oasis.opendocument.text-template":                          kindODF,
	"application/vnd.oasis.opendocument.text-master":                            kindODF,
	"application/vnd.oasis.opendocument.spreadsheet":                            kindODF,
	"application/vnd.oasis.opendocument.spreadsheet-template":                   kindODF,
	"application/vnd.oasis.opendocument.presentation":                           kindODF,
	"application/vnd.oasis.opendocument.presentation-template":                  kindODF,
	"application/vnd.oasis.opendocument.graphics":                               kindODF,
	"application/vnd.oasis.opendocument.graphics-template":                      kindODF,
}

// officeExtensions is the last hint, used only when the bytes are an
// ambiguous zip whose members say nothing (an immutable table).
var officeExtensions = map[string]officeKind{
	".docx": kindDOCX, ".docm": kindDOCX, ".dotx": kindDOCX, ".dotm": kindDOCX,
	".xlsx": kindXLSX, ".xlsm": kindXLSX, ".xltx": kindXLSX, ".xltm": kindXLSX,
	".pptx": kindPPTX, ".pptm": kindPPTX, ".ppsx": kindPPTX, ".potx": kindPPTX,
	".odt": kindODF, ".ott": kindODF, ".ods": kindODF, ".ots": kindODF,
	".odp": kindODF, ".otp": kindODF, ".odg": kindODF, ".otg": kindODF,
}

// officeKindOf tells which zip-based format an input is: by its precise
// media type; for a generic zip, by the archive's members; by the name's
// extension only when the members are inconclusive.
func officeKindOf(in Input) officeKind {
	mt := in.MediaType()
	if k, ok := officeMediaTypes[mt]; ok {
		return k
	}
	switch mt {
	case "application/zip", "application/x-zip-compressed", "application/octet-stream":
	default:
		return kindNone
	}
	if k := sniffZip(in); k != kindNone {
		return k
	}
	return officeExtensions[strings.ToLower(path.Ext(in.Name))]
}

// sniffZip classifies a zip by its members: ODF names itself in a
// "mimetype" member; OOXML has [Content_Types].xml and a main part.
func sniffZip(in Input) officeKind {
	if in.R == nil || in.Size <= 0 {
		return kindNone
	}
	zr, err := zip.NewReader(source(in), in.Size)
	if err != nil || len(zr.File) > maxZipEntries {
		return kindNone
	}
	names := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		names[zipName(f.Name)] = f
	}
	if f := names["mimetype"]; f != nil {
		if rc, err := f.Open(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(rc, 200))
			rc.Close()
			if k, ok := officeMediaTypes[strings.TrimSpace(strings.ToLower(string(b)))]; ok && k == kindODF {
				return kindODF
			}
		}
	}
	if names["[content_types].xml"] != nil {
		switch {
		case names["word/document.xml"] != nil:
			return kindDOCX
		case names["xl/workbook.xml"] != nil:
			return kindXLSX
		case names["ppt/presentation.xml"] != nil:
			return kindPPTX
		}
	}
	if names["content.xml"] != nil && names["meta-inf/manifest.xml"] != nil {
		return kindODF
	}
	return kindNone
}
