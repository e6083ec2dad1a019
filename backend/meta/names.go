package meta

import (
	"strings"
	"unicode"
)

// legalForms maps the long and dotted spellings of company forms, already
// folded by fold (lower case, dots dropped, other punctuation as spaces), to
// one short form, so "ACME Gesellschaft mbH" and "ACME GmbH" fold alike.
var legalForms = [][2]string{
	{"gesellschaft mit beschränkter haftung", "gmbh"},
	{"gesellschaft mbh", "gmbh"},
	{"ges mbh", "gmbh"},
	{"aktiengesellschaft", "ag"},
	{"kommanditgesellschaft", "kg"},
	{"gmbh co kg", "gmbh kg"},
	{"gmbh & co kg", "gmbh kg"},
	{"limited", "ltd"},
	{"incorporated", "inc"},
	{"corporation", "corp"},
	{"company", "co"},
	{"public limited company", "plc"},
	{"société anonyme", "sa"},
	{"société par actions simplifiée", "sas"},
	{"société à responsabilité limitée", "sarl"},
	{"sociedad limitada", "sl"},
	{"sociedad anónima", "sa"},
	{"società per azioni", "spa"},
	{"società a responsabilità limitata", "srl"},
	{"besloten vennootschap", "bv"},
	{"naamloze vennootschap", "nv"},
}

// foldedLegalForms are legalForms with their accents dropped, as fold
// sees them.
var foldedLegalForms = func() [][2]string {
	out := make([][2]string, len(legalForms))
	for i, lf := range legalForms {
		out[i] = [2]string{plainLetters.Replace(lf[0]), lf[1]}
	}
	return out
}()

// plainLetters drops the accents of the six languages' letters, so a name
// OCR read as "Libreria" matches "Librería". Lower case only.
var plainLetters = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a",
	"é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o",
	"ú", "u", "ù", "u", "û", "u", "ü", "u",
	"ñ", "n", "ç", "c", "ß", "ss", "ÿ", "y", "œ", "oe", "æ", "ae",
)

// legalShort are the folded short forms; a line holding one is likely a
// company's name.
var legalShort = map[string]bool{
	"gmbh": true, "ag": true, "kg": true, "ohg": true, "ug": true, "ev": true, "mbh": true,
	"ltd": true, "inc": true, "llc": true, "plc": true, "corp": true, "llp": true,
	"sa": true, "sas": true, "sarl": true, "selarl": true, "sci": true, "sl": true, "slu": true, "spa": true, "srl": true, "snc": true, "sasu": true, "eurl": true,
	"bv": true, "nv": true, "vof": true,
}

// fold lower-cases a name, drops dots ("S.p.A." → "spa"), turns other
// punctuation into spaces, collapses spaces and shortens legal forms.
func fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range plainLetters.Replace(strings.ToLower(s)) {
		switch {
		case r == '.' || r == '\'' || r == '’':
			continue
		case r == '&' || unicode.IsLetter(r) || unicode.IsDigit(r):
			if r == '&' && !space {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
			if r == '&' {
				b.WriteByte(' ')
				space = true
			}
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	out := strings.TrimSpace(b.String())
	for _, lf := range foldedLegalForms {
		if strings.Contains(out, lf[0]) {
			out = strings.ReplaceAll(out, lf[0], lf[1])
		}
	}
	return out
}

// core is a folded name without its legal forms and "&"/"und"/"and".
func core(folded string) string {
	var keep []string
	for _, w := range strings.Fields(folded) {
		if legalShort[w] || w == "&" || w == "co" {
			continue
		}
		keep = append(keep, w)
	}
	return strings.Join(keep, " ")
}

// hasLegalForm reports whether a folded line names a company form.
func hasLegalForm(folded string) bool {
	for _, w := range strings.Fields(folded) {
		if legalShort[w] {
			return true
		}
	}
	return false
}

// SameName reports whether two correspondent names are the same when case,
// spacing, punctuation and the spelling of the company form are ignored
// ("ACME GmbH" and "acme  Gesellschaft mbH").
func SameName(a, b string) bool {
	fa, fb := fold(a), fold(b)
	return fa != "" && fa == fb
}

// CoreName is a name folded (lower case, no punctuation) without its
// company form: "ACME Gesellschaft mbH" gives "acme".
func CoreName(s string) string { return core(fold(s)) }
