package maintenance

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/store"
)

// maxExportName bounds a file or folder name in an export, in bytes. File
// systems allow 255 (bytes on Linux, UTF-16 units on Windows and macOS);
// this leaves room for a collision suffix and the sidecar's suffix, and
// keeps paths short for Windows.
const maxExportName = 150

// windowsReserved are names Windows refuses for a file whatever the
// extension ("CON.txt" too), compared case-insensitively.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true,
	"COM0": true, "COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"COM¹": true, "COM²": true, "COM³": true,
	"LPT0": true, "LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
	"LPT¹": true, "LPT²": true, "LPT³": true,
}

// safeFileName turns a human name into one every common file system
// accepts and shows the same: valid UTF-8; no path separators, no
// characters Windows forbids (: * ? " < > |), no control or
// bidirectional-override characters (which can make "exe.pdf" look like
// "fdp.exe"); no leading dot (hidden on Unix; also rules out "." and
// ".."), no trailing dot or space (Windows drops them); not a reserved
// Windows device name; at most maxExportName bytes, keeping a short
// extension. fallback is used when nothing is left.
func safeFileName(name, fallback string) string {
	name = strings.ToValidUTF8(name, "_")
	var b strings.Builder
	for _, r := range name {
		switch {
		case strings.ContainsRune(`/\:*?"<>|`, r), unicode.IsControl(r), isBidiControl(r):
			b.WriteRune('_')
		case unicode.IsSpace(r):
			b.WriteRune(' ') // tabs, no-break and line separators become plain spaces
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimSpace(b.String())
	name = truncateName(name, maxExportName)
	name = strings.TrimRight(name, ". ")
	if name == "" {
		name = fallback
	}
	if strings.HasPrefix(name, ".") {
		name = "_" + name
	}
	stem, _, _ := strings.Cut(name, ".")
	if windowsReserved[strings.ToUpper(strings.TrimRight(stem, " "))] {
		name = "_" + name
	}
	return name
}

// isBidiControl reports the Unicode characters that reorder text
// (embeddings, overrides, isolates and marks).
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// splitExt splits a name into stem and extension (".pdf"), when the
// extension is short and the stem not empty.
func splitExt(name string) (string, string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || len(name)-i > 17 || strings.ContainsRune(name[i:], ' ') {
		return name, ""
	}
	return name[:i], name[i:]
}

// truncateName cuts name to at most max bytes on a character boundary,
// keeping its extension.
func truncateName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	stem, ext := splitExt(name)
	keep := max - len(ext)
	for keep > 0 && !utf8.RuneStart(stem[keep]) {
		keep--
	}
	return strings.TrimRight(stem[:keep], " .") + ext
}

// nameSpace hands out names in one folder of an export: unique ignoring
// case (Windows and macOS fold case), each name reserved together with
// its companions (a file's sidecar) so that no two ever collide.
type nameSpace struct {
	used map[string]bool
}

func newNameSpace(reserved ...string) *nameSpace {
	ns := &nameSpace{used: map[string]bool{}}
	for _, r := range reserved {
		ns.used[store.FoldKey(r)] = true
	}
	return ns
}

// take returns name, or name with " (2)", " (3)"… before its extension,
// such that it and name+suffix for every suffix are all unused, and
// reserves them.
func (ns *nameSpace) take(name string, suffixes ...string) string {
	stem, ext := splitExt(name)
	for n := 1; ; n++ {
		cand := name
		if n > 1 {
			tag := " (" + strconv.Itoa(n) + ")"
			cand = truncateName(stem, maxExportName-len(tag)-len(ext)) + tag + ext
		}
		keys := []string{store.FoldKey(cand)}
		for _, s := range suffixes {
			keys = append(keys, store.FoldKey(cand+s))
		}
		free := true
		for _, k := range keys {
			if ns.used[k] {
				free = false
				break
			}
		}
		if free {
			for _, k := range keys {
				ns.used[k] = true
			}
			return cand
		}
	}
}
