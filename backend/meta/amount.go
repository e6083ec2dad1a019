package meta

import (
	"regexp"
	"strings"
)

var (
	// reMoney reads a number with an optional currency before or after:
	// "€ 1.234,56", "1 234,56 EUR", "$1,234.56", "CHF 1'234.50", "12,50€".
	reMoney = regexp.MustCompile(`(€|\$|£|EUR|USD|GBP|CHF|Fr\.|SFr\.)?\s?(-?\d{1,3}(?:[.,' \x{a0}\x{202f}]\d{3})+(?:[.,]\d{1,2})?|-?\d+(?:[.,]\d{1,2})?)(?:\s?(€|\$|£|EUR|USD|GBP|CHF|Fr\.|-))?`)

	totalCues = []string{
		"total", "grand total", "amount due", "balance due", "total due", "amount payable", "total amount", "to pay",
		"gesamtbetrag", "gesamtsumme", "summe", "rechnungsbetrag", "endbetrag", "zu zahlen", "zahlbetrag", "bruttobetrag", "gesamt",
		"total ttc", "montant total", "net à payer", "montant ttc", "à payer", "total à payer", "net a payer", "a payer",
		"importe total", "total a pagar", "importe", "total factura", "à régler", "montant à régler", "a regler",
		"totale", "totale da pagare", "importo totale", "importo", "totale fattura", "da pagare",
		"totaal", "te betalen", "totaalbedrag", "totaal te betalen", "bedrag", "te voldoen",
	}
	// strongTotalCues name the grand total itself.
	strongTotalCues = []string{
		"grand total", "amount due", "balance due", "total due", "total amount", "amount payable",
		"gesamtbetrag", "rechnungsbetrag", "endbetrag", "zu zahlen", "zahlbetrag", "gesamtsumme",
		"total ttc", "net à payer", "montant total", "total à payer", "net a payer",
		"importe total", "total a pagar", "total factura",
		"totale da pagare", "importo totale", "totale fattura",
		"totaal te betalen", "totaalbedrag", "te betalen", "te voldoen", "montant à régler", "à régler",
	}
	// taxIncluded are phrases that say a total includes tax; they do not
	// make the line a tax line.
	taxIncluded = strings.NewReplacer("iva incl", "", "incl. iva", "", "iva incluido", "", "ivato", "", "inkl. mwst", "", "incl. vat", "",
		"vat incl", "", "incl. btw", "", "btw incl", "", "iva inclusa", "", "ttc", "ttc ")
	notTotalCues = []string{
		"subtotal", "sub-total", "sub total", "net", "netto", "nettobetrag", "zwischensumme", "sous-total", "total ht", "montant ht", "hors taxe",
		"subtotale", "imponibile", "base imponible", "subtotaal", "excl", "exkl", "ohne mwst",
		"vat", "tax", "mwst", "ust", "tva", "iva", "btw", "shipping", "versand", "livraison", "envío", "spedizione", "verzending",
		"discount", "rabatt", "remise", "descuento", "sconto", "korting", "tip", "trinkgeld", "pourboire", "propina", "mancia", "fooi",
		"paid", "bezahlt", "payé", "pagado", "pagato", "betaald", "change", "rückgeld", "rendu", "cambio", "resto", "wisselgeld",
		"cash", "bar", "espèces", "efectivo", "contanti", "contant", "given", "gegeben",
		"iban", "bic", "tel", "phone", "fax", "kundennummer", "customer no", "no.", "nr.", "n°", "nº",
	}
)

var currencyCodes = map[string]string{"€": "EUR", "EUR": "EUR", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP",
	"CHF": "CHF", "Fr.": "CHF", "SFr.": "CHF"}

// moneyCand is a number read as money.
type moneyCand struct {
	minor    int64
	cur      string
	off, end int
	score    float64
	text     string
}

// amount finds the total of an invoice or receipt: a number on a line
// that names the total (or just under one), preferring the strongest cue,
// a currency, and the last and largest such number.
func (d *doc) amount() *Amount {
	docCur := d.documentCurrency()
	var cands []moneyCand
	for li, ln := range d.lines {
		low := strings.ToLower(ln.text)
		cue, strong := cueOf(low)
		prevCue := false
		// A label on the line above ("Summe\nEUR 45,90"); OCR may put a
		// blank line between them.
		for back := 1; !cue && back <= 2 && li-back >= 0; back++ {
			pl := strings.ToLower(strings.TrimSpace(d.lines[li-back].text))
			if pl == "" {
				continue
			}
			if c, s := cueOf(pl); c && len(pl) < 40 && !hasDigit(pl) {
				cue, strong, prevCue = true, s, true
			}
			break
		}
		if !cue {
			continue
		}
		dates := findDates(ln.text, d.opt.Language)
	money:
		for _, m := range reMoney.FindAllStringSubmatchIndex(ln.text, -1) {
			// "Te betalen vóór 19-12-2021": part of a date, not money.
			for _, dc := range dates {
				if m[4] < dc.end && dc.off < m[5] {
					continue money
				}
			}
			num := ln.text[m[4]:m[5]]
			pre, post := "", ""
			if m[2] >= 0 {
				pre = ln.text[m[2]:m[3]]
			}
			if m[6] >= 0 {
				post = ln.text[m[6]:m[7]]
			}
			// A number glued to letters is a code, not money.
			if m[4] > 0 && isLetterByte(ln.text[m[4]-1]) && pre == "" {
				continue
			}
			minor, ok := parseMoney(num)
			if !ok {
				continue
			}
			cur := currencyCodes[pre]
			if cur == "" {
				cur = currencyCodes[post]
			}
			score := 2.0
			if strong {
				score += 2
			}
			if prevCue {
				score -= 0.5
			}
			if cur != "" {
				score += 1.5
			} else if !strings.ContainsAny(num, ".,") {
				score -= 1.5 // "Total items 3"
			}
			if minor == 0 {
				score -= 3 // "Balance due 0.00" on a paid invoice
			}
			// The last cue line of the text is most often the grand total.
			score += 1.0 * float64(ln.off) / float64(max(len(d.text), 1))
			if cur == "" {
				cur = lineCurrency(ln.text)
			}
			cands = append(cands, moneyCand{minor: minor, cur: cur, off: ln.off + m[0], end: ln.off + m[1], score: score,
				text: strings.TrimSpace(ln.text[m[0]:m[1]])})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	// Among the totals, the largest is the grand one (subtotals and taxes
	// were already left out by their cues).
	var maxMinor int64
	for _, c := range cands {
		maxMinor = max(maxMinor, c.minor)
	}
	best := -1
	for i := range cands {
		if cands[i].minor == maxMinor {
			cands[i].score += 1
		}
		if best < 0 || cands[i].score > cands[best].score {
			best = i
		}
	}
	b := cands[best]
	cur := b.cur
	conf := clamp(0.25+0.1*b.score, 0.1, 0.95)
	if cur == "" {
		cur = docCur
		conf -= 0.1
	}
	if cur == "" {
		switch d.opt.Language {
		case "de", "fr", "es", "it", "nl":
			cur = "EUR"
			conf -= 0.1
		}
	}
	return &Amount{Minor: b.minor, Currency: cur, Confidence: conf, Offset: b.off, Text: b.text}
}

// cueOf tells whether a lower-case line names a total, and a strong one;
// a line naming a subtotal, tax or payment does not.
func cueOf(low string) (cue, strong bool) {
	low = taxIncluded.Replace(low)
	if !hasAny(low, totalCues) {
		return false, false
	}
	strong = hasAny(low, strongTotalCues)
	if hasAny(low, notTotalCues) && !strong {
		return false, false
	}
	// "Total HT", "Summe netto": weak cue next to a net word.
	return true, strong
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0
}

// lineCurrency finds a currency symbol or code anywhere on a line.
func lineCurrency(l string) string {
	for _, c := range []string{"€", "EUR", "£", "GBP", "CHF", "$", "USD"} {
		if strings.Contains(l, c) {
			return currencyCodes[c]
		}
	}
	return ""
}

// documentCurrency is the currency the text names most.
func (d *doc) documentCurrency() string {
	best, bestN := "", 0
	counts := map[string]int{}
	for _, c := range []string{"€", "EUR", "£", "GBP", "CHF", "$", "USD"} {
		counts[currencyCodes[c]] += strings.Count(d.text, c)
	}
	for _, c := range []string{"EUR", "GBP", "CHF", "USD"} {
		if counts[c] > bestN {
			best, bestN = c, counts[c]
		}
	}
	return best
}

// parseMoney reads "1.234,56", "1,234.56", "1 234,56", "1'234.50", "12,5"
// into minor units. The last separator followed by one or two digits is the
// decimal mark; a lone separator followed by three digits is a thousands
// mark (money rarely has three decimals, in any of the six languages).
func parseMoney(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	last := strings.LastIndexAny(s, ".,")
	intPart, frac := s, ""
	if last >= 0 {
		after := s[last+1:]
		if len(after) <= 2 {
			intPart, frac = s[:last], after
		} else if len(after) == 3 && strings.Count(s, s[last:last+1]) == 1 && !strings.ContainsAny(s[:last], ".,' \u00a0\u202f") {
			// "1.234" or "1,234": thousands, as money rarely has three decimals.
			intPart = s
		}
	}
	var v int64
	for _, r := range intPart {
		switch {
		case r >= '0' && r <= '9':
			v = v*10 + int64(r-'0')
			if v > 1e13 {
				return 0, false
			}
		case r == '.' || r == ',' || r == '\'' || r == ' ' || r == '\u00a0' || r == '\u202f':
		default:
			return 0, false
		}
	}
	switch len(frac) {
	case 1:
		v = v*100 + int64(frac[0]-'0')*10
	case 2:
		v = v*100 + int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	default:
		v *= 100
	}
	if neg {
		v = -v
	}
	return v, true
}
