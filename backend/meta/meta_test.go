package meta_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/meta"
)

var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestDocumentDateForms(t *testing.T) {
	cases := []struct {
		lang, text, want string
	}{
		{"en", "Date: 12 March 2024", "2024-03-12"},
		{"en", "Invoice date: March 12, 2024", "2024-03-12"},
		{"en", "Dated 1st Feb 2023", "2023-02-01"},
		{"en", "Date: 03/12/2024\nTotal $12.00", "2024-03-12"},       // American: month first
		{"en", "Date: 12/03/2024\nTotal £12.00", "2024-03-12"},       // British: day first
		{"en", "Date: 03/04/2024\nShipped 28/03/2024", "2024-04-03"}, // the other date says day first
		{"de", "Rechnungsdatum: 12.03.2024", "2024-03-12"},
		{"de", "Berlin, den 5. März 2024", "2024-03-05"},
		{"de", "Datum: März 12, 2024", "2024-03-12"},
		{"de", "Dienstag, 5. Mär. 2024", "2024-03-05"},
		{"fr", "Paris, le 1er mars 2024", "2024-03-01"},
		{"fr", "Date de facture : 12/03/2024", "2024-03-12"},
		{"fr", "le 7 févr. 2022", "2022-02-07"},
		{"es", "Madrid, 12 de marzo de 2024", "2024-03-12"},
		{"es", "Fecha: 12-03-2024", "2024-03-12"},
		{"it", "Roma, 12 marzo 2024", "2024-03-12"},
		{"it", "Data fattura: 12/03/2024", "2024-03-12"},
		{"nl", "Datum factuur: 12-03-2024", "2024-03-12"},
		{"nl", "Amsterdam, 12 mrt 2024", "2024-03-12"},
		{"", "2024-03-12", "2024-03-12"},
		{"de", "Kassenbon\n12.03.24 14:33", "2024-03-12"},
	}
	for _, c := range cases {
		f := meta.Extract(c.text, meta.Options{Language: c.lang, Now: now})
		if f.DocumentDate == nil {
			t.Errorf("%s %q: no date, want %s", c.lang, c.text, c.want)
			continue
		}
		if got := f.DocumentDate.Date.String(); got != c.want {
			t.Errorf("%s %q: date %s, want %s", c.lang, c.text, got, c.want)
		}
	}
}

func TestDocumentDateSkipsOtherDates(t *testing.T) {
	cases := []struct {
		name, lang, text, want string
	}{
		{"due date first", "en", "Payment due by 30 April 2024\nInvoice date: 2 April 2024", "2024-04-02"},
		{"fällig", "de", "Fällig am 30.04.2024\nRechnungsdatum 02.04.2024", "2024-04-02"},
		{"échéance", "fr", "Échéance : 30/04/2024\n\nFacture du 02/04/2024", "2024-04-02"},
		{"vencimiento", "es", "Vencimiento: 30/04/2024\n02/04/2024", "2024-04-02"},
		{"scadenza", "it", "Scadenza: 30/04/2024\nData: 02/04/2024", "2024-04-02"},
		{"vervaldatum", "nl", "Vervaldatum: 30-04-2024\nDatum: 02-04-2024", "2024-04-02"},
		{"birthday", "de", "Geburtsdatum: 03.04.1975\n\nHamburg, 12.02.2024", "2024-02-12"},
		{"birthday en", "en", "Birthday: 3 May 1980\n\n12 February 2024", "2024-02-12"},
		{"fälligkeit", "de", "Fälligkeitsdatum 30.04.2024\nDatum 02.04.2024", "2024-04-02"},
		{"period", "de", "Zeitraum: 01.01.2024 - 31.01.2024\n15.02.2024", "2024-02-15"},
		{"period words", "en", "Service from 1 January 2024 to 31 January 2024\n\n15 February 2024", "2024-02-15"},
		{"reference number", "de", "Vorgang: 2024-03-12-0042\nDatum: 20.03.2024", "2024-03-20"},
		{"far future", "en", "This policy is valid until 2031-12-31.\n\nThank you.\n\n2 January 2025", "2025-01-02"},
	}
	for _, c := range cases {
		f := meta.Extract(c.text, meta.Options{Language: c.lang, Now: now})
		if f.DocumentDate == nil || f.DocumentDate.Date.String() != c.want {
			t.Errorf("%s: got %+v, want %s", c.name, f.DocumentDate, c.want)
		}
	}
}

func TestDocumentDateNone(t *testing.T) {
	for _, text := range []string{"", "no date here", "Fällig am 30.04.2024", "Invoice 31/02/2024 is not a date"} {
		if f := meta.Extract(text, meta.Options{Language: "de"}); f.DocumentDate != nil {
			t.Errorf("%q: got date %v, want none", text, f.DocumentDate.Date)
		}
	}
	f := meta.Extract("nothing", meta.Options{Filename: "scan_2023-11-04.pdf"})
	if f.DocumentDate == nil || f.DocumentDate.Date.String() != "2023-11-04" || f.DocumentDate.Offset != -1 {
		t.Errorf("file name date: got %+v", f.DocumentDate)
	}
}

func TestAmount(t *testing.T) {
	cases := []struct {
		name, lang, text string
		minor            int64
		cur              string
	}{
		{"de euro", "de", "Zwischensumme 1.000,00 €\nMwSt. 19 % 190,00 €\nGesamtbetrag 1.190,00 €", 119000, "EUR"},
		{"en pounds", "en", "Subtotal £1,000.00\nVAT £200.00\nTotal £1,200.00", 120000, "GBP"},
		{"us dollars", "en", "Amount due: $1,234.56", 123456, "USD"},
		{"fr spaces", "fr", "Total HT 1 000,00 €\nTVA 200,00 €\nTotal TTC 1 200,00 €", 120000, "EUR"},
		{"fr nbsp", "fr", "Net à payer : 1\u00a0234,56\u00a0€", 123456, "EUR"},
		{"chf", "de", "Total CHF 1'234.50", 123450, "CHF"},
		{"es", "es", "Base imponible 100,00\nIVA 21 % 21,00\nImporte total 121,00 €", 12100, "EUR"},
		{"it", "it", "Imponibile € 100,00\nTotale da pagare € 122,00", 12200, "EUR"},
		{"nl", "nl", "Subtotaal € 50,00\nTotaal te betalen € 60,50\nTe betalen vóór 19-12-2021", 6050, "EUR"},
		{"label above", "de", "Summe\nEUR 45,90", 4590, "EUR"},
		{"receipt change", "de", "SUMME EUR 12,34\nBar EUR 20,00\nRückgeld EUR 7,66", 1234, "EUR"},
		{"paid invoice", "en", "Total £120.00\nAmount paid £120.00\nBalance due £0.00", 12000, "GBP"},
		{"no currency", "de", "Betrag (EUR)\nSumme 99,90", 9990, "EUR"},
		{"a word that starts like a cue", "en", "Taxi fare total £18.40", 1840, "GBP"},
	}
	for _, c := range cases {
		f := meta.Extract(c.text, meta.Options{Language: c.lang})
		if f.Amount == nil || f.Amount.Minor != c.minor || f.Amount.Currency != c.cur {
			t.Errorf("%s: got %+v, want %d %s", c.name, f.Amount, c.minor, c.cur)
		}
	}
	if f := meta.Extract("Dear Sir, thank you for your letter of 3 May.", meta.Options{Language: "en"}); f.Amount != nil {
		t.Errorf("a letter without a total: got amount %v", f.Amount)
	}
}

func TestCorrespondentGuesses(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"mail display name", "From: Keith Dawson <dawson@example.com>\nTo: me@example.org\nSubject: hi\n\nHello", "Keith Dawson"},
		{"mail domain", "From: noreply@acme-shop.de\nSubject: Rechnung\n\nHallo", "Acme-shop"},
		{"company line", "ACME GmbH · Hauptstr. 1 · 10115 Berlin\n\nHerrn\nMax Muster\nWeg 2\n\nRechnung", "ACME GmbH"},
		{"company after bill-to", "Rechnungsempfänger:\nMuster AG\nWeg 2\n\nBeta Ltd\n1 Road", "Beta Ltd"},
		{"person", "Dr. Anna Weber\nLindenweg 5\n34117 Kassel\n\nHallo,\n\nViele Grüße\nAnna Weber", "Anna Weber"},
		{"spa", "Energia Dolomiti S.p.A.\nVia Roma 45", "Energia Dolomiti S.p.A."},
		{"form after a comma", "Seguros Generales, S.A.\nAv. de la Palmera 12", "Seguros Generales, S.A."},
		{"two-column head", "Autobedrijf Jansen B.V. Datum factuur: 4 okt 2019\n", "Autobedrijf Jansen B.V."},
		{"quantity line is no company", "SUPERMERCADOS EL OLIVAR\nC/ Alcalá 211\n\n1 TOMATES KG   2,31\n", "SUPERMERCADOS EL OLIVAR"},
	}
	for _, c := range cases {
		f := meta.Extract(c.text, meta.Options{})
		if f.Correspondent == nil || f.Correspondent.Name != c.want || f.Correspondent.Known {
			t.Errorf("%s: got %+v, want %q", c.name, f.Correspondent, c.want)
		}
	}
}

func TestKnownCorrespondentPreferred(t *testing.T) {
	known := []meta.Correspondent{{Name: "Hanse Versicherung AG", Aliases: []string{"@hanse-vers.de"}}, {Name: "ACME GmbH"}}
	text := "Beta Ltd\n1 Road\n\nYour ACME  gmbh contract\n"
	f := meta.Extract(text, meta.Options{Known: meta.NewIndex(known)})
	if f.Correspondent == nil || f.Correspondent.Name != "ACME GmbH" || !f.Correspondent.Known {
		t.Fatalf("known name in the first part: got %+v", f.Correspondent)
	}
	f = meta.Extract("From: Service <noreply@hanse-vers.de>\nSubject: x\n\nHallo", meta.Options{Known: meta.NewIndex(known)})
	if f.Correspondent == nil || f.Correspondent.Name != "Hanse Versicherung AG" || !f.Correspondent.Known {
		t.Fatalf("known mail domain: got %+v", f.Correspondent)
	}
	f = meta.Extract("Rechnungsempfänger:\nACME GmbH\nWeg 2\n\nBeta Ltd\n", meta.Options{Known: meta.NewIndex(known)})
	if f.Correspondent != nil && f.Correspondent.Known {
		t.Fatalf("a known name only in the recipient block was taken as the sender: %+v", f.Correspondent)
	}
}

func TestMemoryLearnsFromConfirmation(t *testing.T) {
	var m meta.Memory
	first := "ACME\nHauptstr. 1 | 10115 Berlin\n\nACME GmbH · Hauptstr. 1 · 10115 Berlin\n\nRechnung\n"
	if err := m.Confirm("ACME GmbH", first, meta.Options{Language: "de"}); err != nil {
		t.Fatal(err)
	}
	// Next time the letterhead spells the company form out.
	next := "ACME Gesellschaft mbH, Hauptstr. 1, 10115 Berlin\n\nHerrn Max Muster\n\nDatum: 12.03.2024\n"
	f := meta.Extract(next, meta.Options{Language: "de", Known: m.Index()})
	if f.Correspondent == nil || f.Correspondent.Name != "ACME GmbH" || !f.Correspondent.Known {
		t.Fatalf("got %+v, want the confirmed ACME GmbH", f.Correspondent)
	}
	// A sender confirmed from an e-mail is recognised by its domain.
	if err := m.Confirm("Nordlicht Telekom GmbH", "From: \"nordlicht Billing\" <billing@nordlicht-telekom.de>\n\nHallo", meta.Options{}); err != nil {
		t.Fatal(err)
	}
	f = meta.Extract("From: noreply@nordlicht-telekom.de\nSubject: Rechnung\n\nHallo", meta.Options{Known: m.Index()})
	if f.Correspondent == nil || f.Correspondent.Name != "Nordlicht Telekom GmbH" {
		t.Fatalf("domain alias: got %+v", f.Correspondent)
	}
	// Confirming a name that folds alike adds no second correspondent.
	if err := m.Confirm("acme  gmbh", first, meta.Options{}); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Known()); n != 2 {
		t.Fatalf("%d correspondents, want 2", n)
	}
	if err := m.Confirm("  ", first, meta.Options{}); err == nil {
		t.Fatal("an empty name was accepted")
	}
}

func TestMemoryWeakGuessIsNotLearned(t *testing.T) {
	var m meta.Memory
	// The first line is the reader's own name: a weak guess that shares
	// nothing with the confirmed sender must not become its alias.
	text := "Max Mustermann\nMusterweg 12\n\nSehr geehrter Herr Mustermann,\n\nViele Grüße\nK. Albers\n"
	if err := m.Confirm("Stadtwerke Lindenau AG", text, meta.Options{}); err != nil {
		t.Fatal(err)
	}
	if a := m.Known()[0].Aliases; len(a) != 0 {
		t.Fatalf("aliases %q, want none", a)
	}
}

func TestMemoryJSONAndEdits(t *testing.T) {
	var m meta.Memory
	if err := m.Confirm("ACME GmbH", "ACME Gesellschaft mbH\nHauptstr. 1\n", meta.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := m.Confirm("Beta Ltd", "From: Beta <info@beta.example>\n\nhi", meta.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := m.Rename("Beta Ltd", "Beta Limited UK"); err != nil {
		t.Fatal(err)
	}
	if err := m.Merge("ACME GmbH", "Beta Limited UK"); err != nil {
		t.Fatal(err)
	}
	if err := m.Merge("nobody", "Beta Limited UK"); err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Fatalf("merging an unknown name: %v", err)
	}
	b, err := json.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	var back meta.Memory
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	k := back.Known()
	if len(k) != 1 || k[0].Name != "Beta Limited UK" {
		t.Fatalf("after round trip: %+v", k)
	}
	f := meta.Extract("ACME GmbH\nHauptstr. 1\n", meta.Options{Known: meta.NewIndex(k)})
	if f.Correspondent == nil || f.Correspondent.Name != "Beta Limited UK" {
		t.Fatalf("merged alias not matched: %+v", f.Correspondent)
	}
	if err := json.Unmarshal([]byte(`{"version":9,"correspondents":[]}`), &back); err == nil {
		t.Fatal("an unknown version was read")
	}
	if err := json.Unmarshal([]byte(`{"version":1,"correspondents":[{"name":" "}]}`), &back); err == nil {
		t.Fatal("a nameless correspondent was read")
	}
}

func TestSameName(t *testing.T) {
	if !meta.SameName("ACME GmbH", "acme  Gesellschaft mbH") || !meta.SameName("Energia S.p.A.", "energia spa") {
		t.Error("same names not recognised")
	}
	if meta.SameName("ACME GmbH", "ACME AG") || meta.SameName("", "") {
		t.Error("different names taken as the same")
	}
}

func TestHugeTextIsBounded(t *testing.T) {
	text := "Datum: 12.03.2024\n" + strings.Repeat("lorem ipsum dolor 1,00 ", 200000) + "\nGesamtbetrag 99,00 €\n"
	f := meta.Extract(text, meta.Options{Language: "de"})
	if f.DocumentDate == nil || f.DocumentDate.Date.String() != "2024-03-12" || f.Amount == nil || f.Amount.Minor != 9900 {
		t.Fatalf("got %+v %+v", f.DocumentDate, f.Amount)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{"Datum: 12.03.2024\nSumme 12,00 €", "From: A <a@b.c>\n\nx", "Seguros, S.A., S.A.", "12/13/2024 1.234,5 €", "\f\f"} {
		f.Add(s, "de")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		fl := meta.Extract(text, meta.Options{Language: lang, Known: meta.NewIndex([]meta.Correspondent{{Name: "ACME GmbH", Aliases: []string{"@acme.de", "S.A."}}})})
		if d := fl.DocumentDate; d != nil {
			if _, err := meta.ParseDate(d.Date.String()); err != nil {
				t.Fatalf("invalid date %v: %v", d.Date, err)
			}
		}
		var m meta.Memory
		_ = m.Confirm("x "+text, text, meta.Options{})
	})
}
