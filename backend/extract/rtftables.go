package extract

import (
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// rtfSkippedDestination lists destinations whose content is not the
// document's text (tables, metadata, pictures, field codes, list labels).
func rtfSkippedDestination(w string) bool {
	switch w {
	case "fonttbl", "colortbl", "stylesheet", "info", "pict", "objdata",
		"themedata", "colorschememapping", "datastore", "latentstyles",
		"listtable", "listoverridetable", "revtbl", "rsidtbl", "generator",
		"xmlnstbl", "filetbl", "fldinst", "pntext", "pntxta", "pntxtb",
		"listtext", "bkmkstart", "bkmkend", "xe", "tc", "template",
		"docvar", "userprops", "nonshppict", "shppict", "sp", "atnid",
		"atnauthor", "atndate", "pgdsctbl", "mmathPr", "private",
		"wgrffmtfilter", "passwordhash", "ftnsep", "ftnsepc", "aftnsep",
		"aftnsepc", "header", "headerl", "headerr", "headerf", "footer",
		"footerl", "footerr", "footerf", "formfield", "datafield":
		return true
	}
	return false
}

// rtfCharsetCodePage maps a font's \fcharset to a Windows code page.
func rtfCharsetCodePage(cs int) int {
	switch cs {
	case 77:
		return 10000
	case 128:
		return 932
	case 129:
		return 949
	case 134:
		return 936
	case 136:
		return 950
	case 161:
		return 1253
	case 162:
		return 1254
	case 163:
		return 1258
	case 177:
		return 1255
	case 178:
		return 1256
	case 186:
		return 1257
	case 204:
		return 1251
	case 222:
		return 874
	case 238:
		return 1250
	}
	return 0 // ANSI, default, symbol…: the document's code page
}

// rtfCodePage returns the decoder for a Windows code page, nil if unknown.
func rtfCodePage(cp int) encoding.Encoding {
	switch cp {
	case 437:
		return charmap.CodePage437
	case 850:
		return charmap.CodePage850
	case 852:
		return charmap.CodePage852
	case 866:
		return charmap.CodePage866
	case 874:
		return charmap.Windows874
	case 932:
		return japanese.ShiftJIS
	case 936:
		return simplifiedchinese.GBK
	case 949:
		return korean.EUCKR
	case 950:
		return traditionalchinese.Big5
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1252:
		return charmap.Windows1252
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1255:
		return charmap.Windows1255
	case 1256:
		return charmap.Windows1256
	case 1257:
		return charmap.Windows1257
	case 1258:
		return charmap.Windows1258
	case 10000:
		return charmap.Macintosh
	}
	return nil
}
