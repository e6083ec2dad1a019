package extract

import (
	"bytes"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// detectEncoding picks the charset of a text file from its first bytes:
//  1. a byte-order mark (UTF-8, UTF-16, UTF-32) is certain;
//  2. valid UTF-8 is UTF-8 (ASCII included);
//  3. UTF-16 without a mark shows as NUL bytes in every other position;
//  4. a statistical detector (github.com/gogs/chardet, already used by the
//     email parser) is trusted only for scripts where a Latin guess would
//     be nonsense: Cyrillic, Greek, Hebrew, Arabic, Japanese, Chinese, Korean;
//  5. otherwise windows-1252, a superset of Latin-1 and the usual charset
//     of Western European text that is not UTF-8.
//
// It returns the encoding and how many leading bytes (a mark) to drop.
func detectEncoding(head []byte) (encoding.Encoding, int) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return encoding.Nop, 3
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 4
	case bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 4
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 2
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 2
	}
	if utf8.Valid(trimPartialRune(head)) {
		return encoding.Nop, 0
	}
	if e := utf16WithoutBOM(head); e != nil {
		return e, 0
	}
	if len(head) >= 32 {
		if best, err := chardet.NewTextDetector().DetectBest(head); err == nil && best.Confidence >= 50 && nonLatinCharset(best.Charset) {
			if e, err := htmlindex.Get(best.Charset); err == nil {
				return e, 0
			}
		}
	}
	return charmap.Windows1252, 0
}

// utf16WithoutBOM recognises UTF-16 text by its zero high bytes: mostly
// Latin text has a NUL in every other byte, on one side.
func utf16WithoutBOM(b []byte) encoding.Encoding {
	if len(b) < 16 {
		return nil
	}
	var even, odd int
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := len(b) / 2
	switch {
	case odd*10 >= pairs*6 && even*10 < pairs:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case even*10 >= pairs*6 && odd*10 < pairs:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	}
	return nil
}

// nonLatinCharset lists detector answers worth more than the
// windows-1252 fallback.
func nonLatinCharset(name string) bool {
	switch name {
	case "windows-1251", "KOI8-R", "ISO-8859-5", "ISO-8859-7", "windows-1253",
		"ISO-8859-8", "ISO-8859-8-I", "windows-1255", "ISO-8859-6", "windows-1256",
		"Shift_JIS", "EUC-JP", "ISO-2022-JP", "GB18030", "EUC-KR", "Big5":
		return true
	}
	return false
}

// decodeText turns the bytes of a text file into UTF-8 (invalid
// sequences become U+FFFD).
func decodeText(b []byte) string {
	head := b
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	enc, skip := detectEncoding(head)
	b = b[skip:]
	if enc == encoding.Nop {
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
	}
	return string(out)
}
