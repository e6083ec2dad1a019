package meta

import (
	"regexp"
	"sort"
	"strings"
	"time"
)

// monthNames maps a lower-case month name or abbreviation of the six
// languages to its month. Names shared by languages agree on the month.
var monthNames = func() map[string]time.Month {
	lists := []string{
		// en
		"january february march april may june july august september october november december",
		"jan feb mar apr may jun jul aug sep oct nov dec",
		// de
		"januar februar märz april mai juni juli august september oktober november dezember",
		"jan feb mär apr mai jun jul aug sep okt nov dez",
		// fr
		"janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
		"janv févr mars avr mai juin juil août sept oct nov déc",
		// es
		"enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
		"ene feb mar abr may jun jul ago sep oct nov dic",
		// it
		"gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
		"gen feb mar apr mag giu lug ago set ott nov dic",
		// nl
		"januari februari maart april mei juni juli augustus september oktober november december",
		"jan feb mrt apr mei jun jul aug sep okt nov dec",
	}
	m := map[string]time.Month{"jänner": 1, "maerz": 3, "sept": 9, "setiembre": 9, "fév": 2, "janv.": 1}
	for _, l := range lists {
		for i, w := range strings.Fields(l) {
			m[w] = time.Month(i + 1)
		}
	}
	return m
}()

var (
	monthAlt = func() string {
		var names []string
		for n := range monthNames {
			names = append(names, regexp.QuoteMeta(n))
		}
		// Longest first so "march" wins over "mar".
		sort.Slice(names, func(i, j int) bool {
			if len(names[i]) != len(names[j]) {
				return len(names[i]) > len(names[j])
			}
			return names[i] < names[j]
		})
		return strings.Join(names, "|")
	}()
	reISO      = regexp.MustCompile(`(\d{4})-(\d{1,2})-(\d{1,2})`)
	reNumeric  = regexp.MustCompile(`(\d{1,2})([./-])(\d{1,2})([./-])(\d{4}|\d{2})`)
	reDayMonth = regexp.MustCompile(`(?i)(\d{1,2})(?:st|nd|rd|th|er|º|°|\.)?\s*(?:de\s+|di\s+)?(` + monthAlt + `)\.?,?\s+(?:de\s+|del\s+)?(\d{4})`)
	reMonthDay = regexp.MustCompile(`(?i)(` + monthAlt + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})`)
)

// dateCand is one date written in the text.
type dateCand struct {
	date  Date
	off   int
	end   int
	text  string
	score float64
	// ambiguous numeric date whose day and month could swap.
	ambiguous bool
	numeric   bool
}

// Cue words, lower case. A document-date cue before a date on its line
// raises it; the others mark a date that is not the document's.
var (
	dateCues = []string{
		"date", "dated", "invoice date", "issued", "issue date", "sent:",
		"datum", "rechnungsdatum", "belegdatum", "ausstellungsdatum",
		"date de facture", "fait le",
		"fecha", "fecha de emisión", "fecha de factura",
		"data", "data fattura", "data di emissione", "lì",
		"datum factuur", "factuurdatum", "factuur datum",
	}
	notDocDateCues = []string{
		// due dates
		"due", "payable", "pay by", "fälligkeit", "fälligkeitsdatum", "payment by", "fällig", "zahlbar", "zahlungsziel", "bis zum", "bis spätestens",
		"échéance", "à payer avant", "avant le", "payable avant", "vencimiento", "vence", "pagar antes", "antes del",
		"scadenza", "scade", "entro il", "pagare entro", "vervaldatum", "te betalen voor", "uiterlijk", "betalen vóór", "betalen voor",
		// births
		"born", "birth", "birthday", "dob", "geboren", "geburtsdatum", "geb.", "né le", "née le", "naissance",
		"nacimiento", "nacido", "nacida", "nascita", "nato il", "nata il", "geboortedatum",
		// periods and validity
		"period", "valid until", "valid through", "expires", "expiry", "expiration", "zeitraum", "leistungszeitraum", "gültig bis", "laufzeit",
		"période", "valable jusqu", "periodo", "válido hasta", "valido fino", "periode", "geldig tot", "t/m",
		// other dates on the page
		"delivery", "shipped", "order date", "lieferdatum", "liefertermin", "bestelldatum", "date de livraison", "fecha de entrega",
		"data di consegna", "leverdatum", "leveringsdatum", "since", "seit", "depuis", "desde", "sinds",
		"last updated", "stand:", "member since", "kunde seit",
	}
	rangeSeps = []string{"-", "–", "—", "to", "until", "till", "bis", "au", "al", "a", "tot", "t/m", "through", "thru", "y", "und", "and", "et", "e", "en"}
)
