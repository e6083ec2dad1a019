// Command corpusgen writes the accuracy corpus of package meta: letters,
// invoices, receipts and e-mails in six languages, made up from templates
// with varied layouts, names, dates in several written forms and dates
// that are not the document's (due dates, birthdays, periods, reference
// numbers, dates in the future). Two seeds give two splits: "tune" (read
// while writing the extractor) and "heldout" (only reported).
//
//	go run ./backend/meta/internal/corpusgen -out backend/meta/testdata/corpus
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Truth is what a document really says, written to the split's manifest.
type Truth struct {
	File          string `json:"file"`
	Lang          string `json:"lang"`
	Kind          string `json:"kind"` // letter, invoice, receipt, email
	Date          string `json:"date"` // 2006-01-02
	Correspondent string `json:"correspondent"`
	AmountMinor   int64  `json:"amount_minor,omitempty"`
	Currency      string `json:"currency,omitempty"`
}

func main() {
	out := flag.String("out", "backend/meta/testdata/corpus", "folder to write the splits to")
	perLang := flag.Int("n", 24, "documents per language and split")
	flag.Parse()
	for split, seed := range map[string]uint64{"tune": 1, "heldout": 2} {
		if err := writeSplit(filepath.Join(*out, split), seed, *perLang); err != nil {
			log.Fatal(err)
		}
	}
}

func writeSplit(dir string, seed uint64, perLang int) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(seed, seed*7919))
	var manifest []Truth
	for _, l := range langs {
		g := &gen{r: r, l: l}
		// Eight senders per language and split, three documents each.
		senders := g.pickSenders(perLang / 3)
		for i := 0; i < perLang; i++ {
			s := senders[i%len(senders)]
			text, t := g.document(s, i/len(senders))
			t.File = fmt.Sprintf("%s-%03d-%s.txt", l.code, i, t.Kind)
			t.Lang = l.code
			if err := os.WriteFile(filepath.Join(dir, t.File), []byte(text), 0o644); err != nil {
				return err
			}
			manifest = append(manifest, t)
		}
	}
	b, err := json.MarshalIndent(manifest, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(dir+".json", append(b, '\n'), 0o644)
}

type gen struct {
	r *rand.Rand
	l lang
}

// sender is an organisation or a person.
type sender struct {
	org *org
	per *person
}

func (s sender) name() string {
	if s.org != nil {
		return s.org.name
	}
	return s.per.name
}

func (g *gen) pickSenders(n int) []sender {
	var all []sender
	for i := range g.l.orgs {
		all = append(all, sender{org: &g.l.orgs[i]})
	}
	for i := range g.l.persons {
		all = append(all, sender{per: &g.l.persons[i]})
	}
	g.r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all[:min(n, len(all))]
}

func (g *gen) pick(key string) string {
	v := g.l.w[key]
	return v[g.r.IntN(len(v))]
}

func (g *gen) one(v ...string) string { return v[g.r.IntN(len(v))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// date gives a random document date between 2019 and 2025.
func (g *gen) date() time.Time {
	return time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(7*365))
}

// document writes the k-th document of a sender.
func (g *gen) document(s sender, k int) (string, Truth) {
	var kinds []string
	switch {
	case s.per != nil:
		kinds = []string{"letter", "email", "letter"}
	case s.org.shop:
		kinds = []string{"receipt", "receipt", "invoice", "email"}
	default:
		kinds = []string{"invoice", "letter", "email", "invoice"}
	}
	kind := kinds[(k+g.r.IntN(2))%len(kinds)]
	d := g.date()
	t := Truth{Kind: kind, Date: d.Format("2006-01-02"), Correspondent: s.name()}
	var text string
	switch kind {
	case "letter":
		text = g.letter(s, d)
	case "email":
		text = g.email(s, d)
	case "invoice":
		text, t.AmountMinor, t.Currency = g.invoice(s, d)
	case "receipt":
		text, t.AmountMinor, t.Currency = g.receipt(s, d)
	}
	if g.chance(0.15) {
		text = g.noisy(text)
	}
	return text, t
}

// usOrder tells whether this English sender writes month first.
func (g *gen) usOrder(s sender) bool {
	return g.l.code == "en" && s.org != nil && s.org.cur == "USD"
}

// fmtDate writes d in one of the language's forms.
func (g *gen) fmtDate(d time.Time, us bool) string {
	return g.fmtDateAs(d, g.l.dateFormats[g.r.IntN(len(g.l.dateFormats))], us)
}

func (g *gen) fmtDateAs(d time.Time, f string, us bool) string {
	l := g.l
	day, mon, yr := d.Day(), l.months[d.Month()-1], d.Year()
	ab := l.abbr[d.Month()-1]
	mm := fmt.Sprintf("%02d", int(d.Month()))
	dd := fmt.Sprintf("%02d", day)
	switch f {
	case "d Month yyyy":
		return fmt.Sprintf("%d %s %d", day, mon, yr)
	case "dth Month yyyy":
		suf := "th"
		switch day {
		case 1, 21, 31:
			suf = "st"
		case 2, 22:
			suf = "nd"
		case 3, 23:
			suf = "rd"
		}
		return fmt.Sprintf("%d%s %s %d", day, suf, mon, yr)
	case "Month d, yyyy":
		return fmt.Sprintf("%s %d, %d", mon, day, yr)
	case "Mon d, yyyy":
		return fmt.Sprintf("%s %d, %d", ab, day, yr)
	case "d Mon yyyy":
		return fmt.Sprintf("%d %s %d", day, ab, yr)
	case "num/":
		if us {
			return mm + "/" + dd + "/" + fmt.Sprint(yr)
		}
		return dd + "/" + mm + "/" + fmt.Sprint(yr)
	case "yyyy-mm-dd":
		return fmt.Sprintf("%d-%s-%s", yr, mm, dd)
	case "dd.mm.yyyy":
		return dd + "." + mm + "." + fmt.Sprint(yr)
	case "d.m.yyyy":
		return fmt.Sprintf("%d.%d.%d", day, int(d.Month()), yr)
	case "d. Month yyyy":
		return fmt.Sprintf("%d. %s %d", day, mon, yr)
	case "d. Mon yyyy":
		return fmt.Sprintf("%d. %s %d", day, ab, yr)
	case "dd/mm/yyyy":
		return dd + "/" + mm + "/" + fmt.Sprint(yr)
	case "dd-mm-yyyy":
		return dd + "-" + mm + "-" + fmt.Sprint(yr)
	case "le d Month yyyy":
		if day == 1 {
			return fmt.Sprintf("le 1er %s %d", mon, yr)
		}
		return fmt.Sprintf("le %d %s %d", day, mon, yr)
	case "d de Month de yyyy":
		return fmt.Sprintf("%d de %s de %d", day, mon, yr)
	}
	panic("unknown date format " + f)
}

// money writes an amount the way the language and currency do.
func (g *gen) money(minor int64, cur string) string {
	whole, cents := minor/100, minor%100
	group := func(sep string) string {
		s := fmt.Sprint(whole)
		var parts []string
		for len(s) > 3 {
			parts = append([]string{s[len(s)-3:]}, parts...)
			s = s[:len(s)-3]
		}
		return strings.Join(append([]string{s}, parts...), sep)
	}
	switch {
	case cur == "CHF":
		return g.one(fmt.Sprintf("CHF %s.%02d", group("'"), cents), fmt.Sprintf("%s.%02d CHF", group("'"), cents))
	case g.l.code == "en":
		sym := map[string]string{"GBP": "£", "USD": "$"}[cur]
		return g.one(fmt.Sprintf("%s%s.%02d", sym, group(","), cents), fmt.Sprintf("%s %s.%02d", cur, group(","), cents))
	case g.l.code == "fr":
		return g.one(fmt.Sprintf("%s,%02d €", group(" "), cents), fmt.Sprintf("%s,%02d €", group("\u00a0"), cents), fmt.Sprintf("%s,%02d EUR", group(" "), cents))
	case g.l.code == "it" || g.l.code == "nl":
		return g.one(fmt.Sprintf("€ %s,%02d", group("."), cents), fmt.Sprintf("EUR %s,%02d", group("."), cents), fmt.Sprintf("%s,%02d €", group("."), cents))
	default:
		return g.one(fmt.Sprintf("%s,%02d €", group("."), cents), fmt.Sprintf("%s,%02d EUR", group("."), cents), fmt.Sprintf("EUR %s,%02d", group("."), cents))
	}
}

func (g *gen) reader() person { return g.l.readers[g.r.IntN(len(g.l.readers))] }

// senderHead writes the sender's letterhead in one of several layouts.
func (g *gen) senderHead(s sender, b *strings.Builder) {
	if s.per != nil {
		p := s.per
		title := ""
		if g.chance(0.2) {
			title = "Dr. "
		}
		fmt.Fprintf(b, "%s%s\n%s\n%s\n", title, p.name, p.street, p.city)
		if g.chance(0.5) {
			fmt.Fprintf(b, "%s\n", p.mail)
		}
		b.WriteString("\n")
		return
	}
	o := s.org
	switch g.r.IntN(4) {
	case 0: // legal name, address lines
		fmt.Fprintf(b, "%s\n%s\n%s\n", o.name, o.street, o.city)
	case 1: // brand, then a one-line sender address with the legal name
		fmt.Fprintf(b, "%s\n\n%s · %s · %s\n", o.brand, o.name, o.street, o.city)
	case 2: // the long spelling of the name
		fmt.Fprintf(b, "%s\n%s, %s\n", o.long, o.street, o.city)
	default: // brand and web, legal name only in the footer
		fmt.Fprintf(b, "%s\n%s | %s\nwww.%s\n", o.brand, o.street, o.city, o.domain)
	}
	if g.chance(0.5) {
		fmt.Fprintf(b, "Tel. +%d %d %d\n", 30+g.r.IntN(20), 100+g.r.IntN(900), 100000+g.r.IntN(900000))
	}
	b.WriteString("\n")
}

func (g *gen) footer(s sender, b *strings.Builder) {
	if s.org == nil {
		return
	}
	fmt.Fprintf(b, "\n%s · %s · %s · IBAN DE%02d 1234 5678 %04d 00 · %s\n", s.org.name, s.org.street, s.org.city,
		g.r.IntN(100), g.r.IntN(10000), g.pick("page"))
}

func (g *gen) recipient(b *strings.Builder, cue bool) {
	p := g.reader()
	if cue {
		fmt.Fprintf(b, "%s\n", g.pick("billto"))
	}
	fmt.Fprintf(b, "%s\n%s\n%s\n\n", p.name, p.street, p.city)
}

// distractor writes a line holding a date that is not the document's.
func (g *gen) distractor(d time.Time, us bool) string {
	switch g.r.IntN(5) {
	case 0:
		bd := time.Date(1940+g.r.IntN(60), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC)
		return fmt.Sprintf("%s %s", g.pick("birth"), g.fmtDate(bd, us))
	case 1:
		from := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
		to := from.AddDate(0, 1, -1)
		f := g.l.dateFormats[g.r.IntN(len(g.l.dateFormats))]
		return fmt.Sprintf("%s %s %s %s", g.pick("period"), g.fmtDateAs(from, f, us), g.pick("to"), g.fmtDateAs(to, f, us))
	case 2:
		return fmt.Sprintf("%s %s", g.pick("valid"), g.fmtDate(d.AddDate(3+g.r.IntN(8), 0, 0), us))
	case 3:
		return fmt.Sprintf("%s %s-%04d", g.pick("ref"), d.Format("2006-01-02"), g.r.IntN(10000))
	default:
		return fmt.Sprintf("%s %s/%d", g.pick("ref"), d.AddDate(0, 0, -g.r.IntN(30)).Format("02.01.2006"), 10+g.r.IntN(90))
	}
}

func (g *gen) dateLine(s sender, d time.Time) string {
	us := g.usOrder(s)
	city := ""
	if s.org != nil {
		city = s.org.city
	} else {
		city = s.per.city
	}
	if i := strings.LastIndexByte(city, ' '); i >= 0 && g.l.code != "en" {
		city = city[i+1:]
	}
	switch g.r.IntN(4) {
	case 0:
		return g.fmtDate(d, us)
	case 3:
		return g.weekdayDate(d)
	case 1:
		ds := g.fmtDate(d, us)
		return city + ", " + ds
	default:
		return g.pick("dateCue") + " " + g.fmtDate(d, us)
	}
}

func (g *gen) letter(s sender, d time.Time) string {
	var b strings.Builder
	us := g.usOrder(s)
	window := s.org != nil && g.chance(0.2)
	if !window {
		g.senderHead(s, &b)
	}
	g.recipient(&b, false)
	if g.chance(0.3) {
		b.WriteString(g.distractor(d, us) + "\n")
	}
	b.WriteString(g.dateLine(s, d) + "\n\n")
	fmt.Fprintf(&b, "%s\n\n%s\n\n", g.pick("subject"), g.pick("greet"))
	for i := 0; i < 2+g.r.IntN(3); i++ {
		b.WriteString(g.pick("body") + "\n")
	}
	if g.chance(0.6) {
		b.WriteString(g.distractor(d, us) + "\n")
	}
	if g.chance(0.3) {
		fmt.Fprintf(&b, "%s %s.\n", g.pick("meet"), g.fmtDate(d.AddDate(0, 0, 5+g.r.IntN(20)), us))
	}
	fmt.Fprintf(&b, "\n%s\n\n", g.pick("close"))
	if s.per != nil {
		b.WriteString(s.per.name + "\n")
	} else {
		fmt.Fprintf(&b, "%s\n%s\n", g.one(g.l.readers[0].name[:1]+". Lorenz", "K. Albers", "M. Rossi"), s.org.brand)
	}
	g.footer(s, &b)
	return b.String()
}

func (g *gen) email(s sender, d time.Time) string {
	var b strings.Builder
	us := g.usOrder(s)
	p := g.reader()
	var from, signer string
	if s.per != nil {
		from = fmt.Sprintf("%s <%s>", s.per.name, s.per.mail)
		if g.chance(0.3) {
			from = s.per.mail
		}
		signer = s.per.name
	} else {
		dept := g.one("Service", "Billing", "Team", "")
		disp := s.org.brand + " " + dept
		switch g.r.IntN(3) {
		case 0:
			from = fmt.Sprintf("%q <%s@%s>", strings.TrimSpace(disp), g.one("info", "noreply", "service"), s.org.domain)
		case 1:
			from = fmt.Sprintf("%s <%s@%s>", s.org.name, g.one("info", "billing"), s.org.domain)
		default:
			from = fmt.Sprintf("noreply@%s", s.org.domain)
		}
		signer = s.org.name
	}
	h := time.Date(d.Year(), d.Month(), d.Day(), 7+g.r.IntN(12), g.r.IntN(60), g.r.IntN(60), 0, time.FixedZone("", 3600))
	fmt.Fprintf(&b, "From: %s\nTo: %s <%s>\nSubject: %s\nDate: %s\n\n", from, p.name, p.mail, g.pick("subject"), h.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "%s\n\n", g.pick("greet"))
	for i := 0; i < 1+g.r.IntN(3); i++ {
		b.WriteString(g.pick("body") + "\n")
	}
	if g.chance(0.5) {
		b.WriteString(g.distractor(d, us) + "\n")
	}
	if g.chance(0.4) {
		fmt.Fprintf(&b, "%s %s.\n", g.pick("meet"), g.fmtDate(d.AddDate(0, 0, 3+g.r.IntN(20)), us))
	}
	fmt.Fprintf(&b, "\n%s\n%s\n", g.pick("close"), signer)
	if g.chance(0.3) {
		// a quoted earlier message with its own date
		fmt.Fprintf(&b, "\n> %s %s\n> %s\n", g.pick("dateCue"), g.fmtDate(d.AddDate(0, 0, -3-g.r.IntN(30)), us), g.pick("body"))
	}
	return b.String()
}

func (g *gen) items(cur string, n int, maxMinor int64, money func(int64, string) string) (lines []string, sum int64) {
	for i := 0; i < n; i++ {
		q := int64(1 + g.r.IntN(3))
		unit := int64(50 + g.r.Int64N(maxMinor))
		sum += q * unit
		lines = append(lines, fmt.Sprintf("%-28s %d x %s   %s", g.pick("items"), q, money(unit, cur), money(q*unit, cur)))
	}
	return lines, sum
}

func (g *gen) currency(s sender) string {
	if s.org != nil {
		return s.org.cur
	}
	if g.l.code == "en" {
		return "GBP"
	}
	return "EUR"
}

func (g *gen) invoice(s sender, d time.Time) (string, int64, string) {
	var b strings.Builder
	us := g.usOrder(s)
	cur := g.currency(s)
	twoCol := g.chance(0.25)
	if twoCol {
		var h strings.Builder
		g.senderHead(s, &h)
		first, rest, _ := strings.Cut(h.String(), "\n")
		fmt.Fprintf(&b, "%-40s %s %s\n%s", first, g.pick("dateCue"), g.fmtDate(d, us), rest)
	} else {
		g.senderHead(s, &b)
	}
	plain := g.chance(0.2)
	money := g.money
	if plain {
		money = g.plainMoney
	}
	dateFirst := g.chance(0.5)
	if !dateFirst {
		g.recipient(&b, g.chance(0.6))
	}
	fmt.Fprintf(&b, "%s\n\n", g.pick("invoice"))
	fields := []string{
		fmt.Sprintf("%s %d-%04d", g.pick("invno"), d.Year(), g.r.IntN(10000)),
		fmt.Sprintf("%s %d", g.pick("custno"), 100000+g.r.IntN(900000)),
	}
	if !twoCol {
		fields = append(fields, fmt.Sprintf("%s %s", g.pick("dateCue"), g.fmtDate(d, us)))
	}
	if g.chance(0.6) {
		fields = append(fields, g.distractor(d, us))
	}
	g.r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
	b.WriteString(strings.Join(fields, "\n") + "\n\n")
	if dateFirst {
		g.recipient(&b, true)
	}
	lines, net := g.items(cur, 1+g.r.IntN(5), 40000, money)
	if plain {
		fmt.Fprintf(&b, "%40s\n", strings.Replace(g.pick("colhdr"), g.currencyWord(), cur, 1))
	}
	b.WriteString(strings.Join(lines, "\n") + "\n\n")
	taxRate := int64(5 + g.r.IntN(18))
	tax := net * taxRate / 100
	total := net + tax
	fmt.Fprintf(&b, "%-30s %s\n%-30s %s\n", g.pick("subtotal"), money(net, cur), g.pick("tax"), money(tax, cur))
	if g.chance(0.2) {
		fmt.Fprintf(&b, "%s\n%s\n", g.pick("total"), money(total, cur))
	} else {
		fmt.Fprintf(&b, "%-30s %s\n", g.pick("total")+g.one("", ":"), money(total, cur))
	}
	if g.chance(0.2) {
		// Already paid: the balance is zero, the total is still the total.
		fmt.Fprintf(&b, "%-30s %s\n%-30s %s\n", g.l.w["paidinv"][0], money(total, cur), g.l.w["paidinv"][1], money(0, cur))
	}
	fmt.Fprintf(&b, "\n%s %s.\n", g.pick("due"), g.fmtDate(d.AddDate(0, 0, 14+g.r.IntN(17)), us))
	g.footer(s, &b)
	return b.String(), total, cur
}

func (g *gen) receipt(s sender, d time.Time) (string, int64, string) {
	var b strings.Builder
	us := g.usOrder(s)
	cur := g.currency(s)
	o := s.org
	if g.chance(0.5) {
		fmt.Fprintf(&b, "%s\n%s\n%s\n\n", o.brand, o.street, o.city)
	} else {
		fmt.Fprintf(&b, "%s\n%s, %s\n\n", o.name, o.street, o.city)
	}
	fmt.Fprintf(&b, "%s\n", g.pick("receipt"))
	ds := g.fmtDate(d, us)
	if g.chance(0.3) {
		ds = d.Format(g.one("02.01.06", "02/01/06"))
		if us {
			ds = d.Format("01/02/06")
		}
	}
	stamp := fmt.Sprintf("%s %02d:%02d", ds, 8+g.r.IntN(12), g.r.IntN(60))
	top := g.chance(0.6)
	if top {
		b.WriteString(stamp + "\n")
	}
	b.WriteString("\n")
	lines, total := g.items(cur, 2+g.r.IntN(6), 1500, g.money)
	b.WriteString(strings.Join(lines, "\n") + "\n")
	fmt.Fprintf(&b, "%-30s %s\n", g.pick("total"), g.money(total, cur))
	paid := (total/1000 + 1) * 1000
	fmt.Fprintf(&b, "%-30s %s\n", g.l.w["paid"][0], g.money(paid, cur))
	fmt.Fprintf(&b, "%-30s %s\n", g.l.w["paid"][2], g.money(paid-total, cur))
	fmt.Fprintf(&b, "%s %d%%: %s\n", strings.Fields(g.pick("tax"))[0], 7+g.r.IntN(15), g.money(total/10, cur))
	if !top {
		b.WriteString(stamp + "\n")
	}
	fmt.Fprintf(&b, "\n%s\n", g.pick("thanks"))
	return b.String(), total, cur
}

// weekdayDate writes a long date with its weekday, as letters do:
// "Dienstag, 5. März 2024", "martes, 5 de marzo de 2024".
func (g *gen) weekdayDate(d time.Time) string {
	wd := g.l.weekdays[d.Weekday()]
	switch g.l.code {
	case "en":
		return wd + ", " + g.fmtDateAs(d, g.one("d Month yyyy", "Month d, yyyy"), false)
	case "de":
		return wd + ", " + g.fmtDateAs(d, "d. Month yyyy", false)
	case "es":
		return wd + ", " + g.fmtDateAs(d, "d de Month de yyyy", false)
	default:
		return wd + " " + g.fmtDateAs(d, "d Month yyyy", false)
	}
}

// noisy roughens a text the way OCR and copy-paste do: doubled spaces,
// stray bars at line ends, some lines in capitals.
func (g *gen) noisy(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		switch g.r.IntN(8) {
		case 0:
			lines[i] = strings.ReplaceAll(l, " ", "  ")
		case 1:
			if l != "" {
				lines[i] = l + " |"
			}
		case 2:
			lines[i] = strings.ToUpper(l)
		}
	}
	return strings.Join(lines, "\n")
}

// plainMoney writes an amount without a currency, in the language's
// number form, for tables whose header names the currency.
func (g *gen) plainMoney(minor int64, cur string) string {
	s := g.money(minor, cur)
	for _, c := range []string{"€", "EUR", "£", "$", "USD", "GBP", "CHF"} {
		s = strings.ReplaceAll(s, c, "")
	}
	return strings.TrimSpace(s)
}

// currencyWord is the currency code the language's column header names.
func (g *gen) currencyWord() string {
	if g.l.code == "en" {
		return "GBP"
	}
	return "EUR"
}
