package meta

import (
	"net/mail"
	"strings"
	"unicode"
)

var (
	// recipientCues open the block that names the reader, not the sender.
	recipientCues = []string{
		"bill to", "invoice to", "ship to", "billed to", "deliver to", "customer:", "to:", "cc:",
		"an:", "rechnungsempfänger", "rechnungsadresse", "lieferadresse", "kunde:", "empfänger",
		"destinataire", "facturé à", "adresse de facturation", "client :", "client:", "à l'attention",
		"facturar a", "cliente:", "destinatario", "dirección de facturación",
		"spett.le", "spettabile", "gentile", "intestatario", "fatturare a",
		"aan:", "factuuradres", "klant:", "ter attentie",
	}
	// closings come just before the signer's name.
	closings = []string{
		"kind regards", "best regards", "regards", "yours sincerely", "sincerely", "yours faithfully", "best wishes",
		"mit freundlichen grüßen", "mit freundlichen grüssen", "freundliche grüße", "viele grüße", "beste grüße",
		"cordialement", "bien cordialement", "salutations", "veuillez agréer", "sincères salutations",
		"atentamente", "saludos", "un saludo", "cordiales saludos", "reciba un cordial saludo",
		"cordiali saluti", "distinti saluti", "saluti", "i migliori saluti",
		"met vriendelijke groet", "met vriendelijke groeten", "hoogachtend", "vriendelijke groet",
	}
	// docTitles are document-type headings, never a sender.
	docTitles = []string{
		"invoice", "receipt", "statement", "letter", "tax invoice", "credit note", "order confirmation", "reminder",
		"rechnung", "quittung", "kassenbon", "beleg", "mahnung", "gutschrift", "kontoauszug", "bescheid",
		"facture", "reçu", "ticket", "relevé", "avis", "rappel",
		"factura", "recibo", "ticket de compra", "extracto",
		"fattura", "ricevuta", "scontrino", "estratto conto", "sollecito",
		"factuur", "kwitantie", "kassabon", "bon", "afschrift", "herinnering",
		"page", "seite", "página", "pagina",
	}
	personTitles = []string{"dr", "prof", "med", "dent", "rer", "nat", "phil", "dipl", "mag", "mr", "mrs", "ms", "miss", "herr", "herrn", "frau", "m", "mme", "mlle", "monsieur", "madame",
		"sr", "sra", "srta", "don", "doña", "sig", "sigra", "dott", "dottssa", "avv", "ing", "dhr", "mevr", "mw", "de heer", "mevrouw"}
)

// headLines gives the indexes of the lines in the text's first part.
func (d *doc) headLines() int {
	n := 0
	for n < len(d.lines) && d.lines[n].off < headLimit && n < 40 {
		n++
	}
	return n
}

// mailFrom reads an e-mail's From: header among the first lines: the
// display name and the address.
func (d *doc) mailFrom() (name, addr string, li int) {
	for i := 0; i < len(d.lines) && i < 8; i++ {
		t := d.lines[i].text
		if len(t) > 5 && strings.EqualFold(t[:5], "from:") {
			v := strings.TrimSpace(t[5:])
			if a, err := mail.ParseAddress(v); err == nil {
				return strings.Trim(a.Name, `"' `), strings.ToLower(a.Address), i
			}
			if at := strings.IndexByte(v, '@'); at > 0 {
				return "", strings.ToLower(strings.Trim(v, "<> ")), i
			}
			return strings.Trim(v, `"' `), "", i
		}
	}
	return "", "", -1
}

// recipientLines marks the lines of the reader's own address blocks.
func (d *doc) recipientLines(n int) []bool {
	mark := make([]bool, n)
	for i := 0; i < n; i++ {
		low := strings.ToLower(strings.TrimSpace(d.lines[i].text))
		if low == "" || !startsWithAny(low, recipientCues) {
			continue
		}
		for j := i; j < n; j++ {
			if j > i && strings.TrimSpace(d.lines[j].text) == "" {
				break
			}
			mark[j] = true
		}
	}
	return mark
}

func startsWithAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// correspondent finds who the document comes from: a known correspondent
// if one is named in the first part, else the e-mail sender, a company
// line of the letterhead, or the first name-like line.
func (d *doc) correspondent() *CorrespondentGuess {
	n := d.headLines()
	if n == 0 {
		return nil
	}
	rcpt := d.recipientLines(n)
	fromName, fromAddr, fromLine := d.mailFrom()
	// Folded lines padded with spaces, so a whole-word search is one
	// strings.Contains.
	folded := make([]string, n)
	for i := 0; i < n; i++ {
		folded[i] = " " + fold(d.lines[i].text) + " "
	}
	if k := d.knownMatch(n, folded, rcpt, fromAddr, fromLine); k != nil {
		return k
	}
	if fromLine >= 0 {
		if fromName != "" && !strings.Contains(fromName, "@") {
			return &CorrespondentGuess{Name: fromName, Confidence: 0.75, Offset: d.lines[fromLine].off, Seen: fromName}
		}
		if dom := domainName(fromAddr); dom != "" {
			return &CorrespondentGuess{Name: dom, Confidence: 0.5, Offset: d.lines[fromLine].off, Seen: "@" + domainOf(fromAddr)}
		}
	}
	// A company line in the letterhead; the first one wins.
	for i := 0; i < n; i++ {
		// A line starting with a number is an address or an item ("1
		// TOMATES KG"), not a company.
		if rcpt[i] || !hasLegalForm(folded[i]) || strings.TrimSpace(folded[i]) == "" || isDigit(strings.TrimSpace(folded[i])[0]) {
			continue
		}
		if name := companySegment(d.lines[i].text); name != "" {
			return &CorrespondentGuess{Name: name, Confidence: 0.7 - 0.01*float64(i), Offset: d.lines[i].off, Seen: name}
		}
	}
	// The signer of a letter, if the letter's first lines name them too.
	signer := d.signer()
	for i := 0; i < n && i < 12; i++ {
		if rcpt[i] {
			continue
		}
		t := stripTitle(strings.TrimSpace(d.lines[i].text))
		if !nameLike(t) {
			continue
		}
		conf := 0.4
		if signer != "" && SameName(signer, t) {
			conf = 0.7
		}
		return &CorrespondentGuess{Name: t, Confidence: conf, Offset: d.lines[i].off, Seen: t}
	}
	if signer != "" {
		return &CorrespondentGuess{Name: signer, Confidence: 0.35, Offset: -1, Seen: signer}
	}
	// A one-word brand on the first line of a receipt or a letterhead.
	for i := 0; i < n && i < 3; i++ {
		t := strings.TrimSpace(d.lines[i].text)
		if t == "" {
			continue
		}
		if !strings.Contains(t, " ") && len(t) >= 4 && !hasDigit(t) && !strings.ContainsAny(t, ":@/") && !isDocTitle(t) {
			return &CorrespondentGuess{Name: t, Confidence: 0.3, Offset: d.lines[i].off, Seen: t}
		}
		break
	}
	return nil
}

// companySegment cuts a company's name out of a letterhead line such as
// "ACME GmbH · Hauptstr. 1 · 10115 Berlin".
func companySegment(l string) string {
	l = strings.TrimSpace(l)
	for _, sep := range []string{" · ", " | ", " • ", " – ", " - ", "  ", "\t", ", "} {
		segs := strings.Split(l, sep)
		for i, seg := range segs {
			if seg == l || !hasLegalForm(fold(seg)) {
				continue
			}
			// "Seguros Generales, S.A.": a form alone belongs to the
			// segment before it.
			if core(fold(seg)) == "" && i > 0 {
				seg = segs[i-1] + sep + seg
			}
			if len(seg) < len(l) {
				return companySegment(seg)
			}
		}
	}
	for _, p := range []string{"From:", "Von:", "De:", "Da:", "Van:", "Absender:", "Expéditeur:", "Remitente:", "Mittente:", "Afzender:"} {
		if len(l) > len(p) && strings.EqualFold(l[:len(p)], p) {
			l = strings.TrimSpace(l[len(p):])
		}
	}
	// "Autobedrijf Jansen B.V. Datum factuur: 4 okt 2019": a two-column
	// head read as one line ends the name at its company form.
	words := strings.Fields(l)
	last := -1
	for i, w := range words {
		if legalShort[fold(w)] && i > 0 {
			last = i
		}
	}
	if last > 0 && last < len(words)-1 {
		words = words[:last+1]
		l = strings.Join(words, " ")
	}
	if len(l) > 80 || len(words) > 9 {
		return ""
	}
	return strings.Trim(l, ",;: ")
}

// nameLike reports whether a line looks like a person's or an
// organisation's name: two to six words, mostly letters, capitalised, not
// a heading, a field or an address.
func nameLike(t string) bool {
	if t == "" || len(t) > 60 || strings.ContainsAny(t, ":@/") {
		return false
	}
	words := strings.Fields(t)
	if len(words) < 2 || len(words) > 6 {
		return false
	}
	letters, digits := 0, 0
	for _, r := range t {
		if unicode.IsLetter(r) {
			letters++
		} else if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits > 0 || letters < 4 {
		return false
	}
	if !unicode.IsUpper([]rune(words[0])[0]) {
		return false
	}
	if isDocTitle(t) {
		return false
	}
	low := strings.ToLower(t)
	for _, w := range []string{"dear", "sehr geehrte", "madame", "monsieur", "estimad", "gentil", "geachte", "beste", "hello", "hallo", "bonjour", "hola", "buongiorno", "re "} {
		if strings.HasPrefix(low, w) {
			return false
		}
	}
	return true
}

// stripTitle drops a leading courtesy or academic title.
func stripTitle(t string) string {
	for {
		w, rest, ok := strings.Cut(t, " ")
		if !ok {
			return t
		}
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		found := false
		for _, p := range personTitles {
			if lw == p {
				found = true
				break
			}
		}
		if !found {
			return t
		}
		t = strings.TrimSpace(rest)
	}
}

// signer finds the name under a letter's closing.
func (d *doc) signer() string {
	for i := len(d.lines) - 1; i >= 0 && i > len(d.lines)-30; i-- {
		low := strings.ToLower(strings.TrimSpace(d.lines[i].text))
		if low == "" || !startsWithAny(low, closings) {
			continue
		}
		for j := i + 1; j < len(d.lines) && j < i+4; j++ {
			t := stripTitle(strings.TrimSpace(d.lines[j].text))
			if t != "" {
				if nameLike(t) {
					return t
				}
				return ""
			}
		}
	}
	return ""
}

func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		return addr[at+1:]
	}
	return ""
}

// domainName turns billing@mail.acme-shop.de into "Acme-Shop".
func domainName(addr string) string {
	dom := domainOf(addr)
	parts := strings.Split(dom, ".")
	if len(parts) < 2 {
		return ""
	}
	label := parts[len(parts)-2]
	if len(parts) >= 3 && (label == "co" || label == "com") {
		label = parts[len(parts)-3]
	}
	if label == "" {
		return ""
	}
	return strings.ToUpper(label[:1]) + label[1:]
}

// isDocTitle reports whether a line is a document-type heading.
func isDocTitle(t string) bool {
	low := strings.ToLower(strings.TrimSpace(t))
	for _, w := range docTitles {
		if low == w || strings.HasPrefix(low, w+" ") {
			return true
		}
	}
	return false
}
