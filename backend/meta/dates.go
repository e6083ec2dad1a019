package meta

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// findDates lists every date written in s.
func findDates(s string, lang string) []dateCand {
	var out []dateCand
	add := func(c dateCand) {
		if c.date.Year < 1900 || c.date.Year > 2200 || !validDay(c.date) {
			return
		}
		// A date glued to more digits or letters is part of a reference
		// number ("INV-2024-03-12-0042", "12.03.2024/17").
		if c.off > 0 {
			p := s[c.off-1]
			if isDigit(p) || p == '-' || p == '/' || (p == '.' && c.off > 1 && isDigit(s[c.off-2])) || (p >= 'A' && p <= 'Z') || (p >= 'a' && p <= 'z') {
				return
			}
		}
		if c.end < len(s) {
			n := s[c.end]
			if isDigit(n) || ((n == '-' || n == '/' || n == '.' || n == '_') && c.end+1 < len(s) && isDigit(s[c.end+1])) {
				return
			}
			if c.numeric && (n >= 'A' && n <= 'Z' || n >= 'a' && n <= 'z') {
				return
			}
		}
		for _, o := range out {
			if c.off < o.end && o.off < c.end {
				return // overlaps a date already read
			}
		}
		out = append(out, c)
	}
	// The regular expressions run only on lines with a year-like run of
	// digits (four, or two after a separator): most lines have none.
	var iso, dm, md, nm [][]int
	for start := 0; start < len(s); {
		end := strings.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += start + 1
		}
		ln := s[start:end]
		if y4, y2 := digitRuns(ln); y4 || y2 {
			shift := func(ms [][]int) [][]int {
				for _, m := range ms {
					for k := range m {
						if m[k] >= 0 {
							m[k] += start
						}
					}
				}
				return ms
			}
			nm = append(nm, shift(reNumeric.FindAllStringSubmatchIndex(ln, -1))...)
			if y4 {
				iso = append(iso, shift(reISO.FindAllStringSubmatchIndex(ln, -1))...)
				dm = append(dm, shift(reDayMonth.FindAllStringSubmatchIndex(ln, -1))...)
				md = append(md, shift(reMonthDay.FindAllStringSubmatchIndex(ln, -1))...)
			}
		}
		start = end
	}
	for _, m := range iso {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		add(dateCand{date: Date{y, time.Month(mo), d}, off: m[0], end: m[1], text: s[m[0]:m[1]], numeric: true})
	}
	for _, m := range dm {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		mo := monthNames[strings.ToLower(s[m[4]:m[5]])]
		y, _ := strconv.Atoi(s[m[6]:m[7]])
		add(dateCand{date: Date{y, mo, d}, off: m[0], end: m[1], text: s[m[0]:m[1]]})
	}
	for _, m := range md {
		mo := monthNames[strings.ToLower(s[m[2]:m[3]])]
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		y, _ := strconv.Atoi(s[m[6]:m[7]])
		add(dateCand{date: Date{y, mo, d}, off: m[0], end: m[1], text: s[m[0]:m[1]]})
	}
	// Numeric dates last: their order depends on the document.
	type num struct {
		a, b, y  int
		sep      string
		off, end int
	}
	var nums []num
	for _, m := range nm {
		if s[m[4]:m[5]] != s[m[8]:m[9]] {
			continue // 12.03/2024 is not a date
		}
		a, _ := strconv.Atoi(s[m[2]:m[3]])
		b, _ := strconv.Atoi(s[m[6]:m[7]])
		y, _ := strconv.Atoi(s[m[10]:m[11]])
		if m[11]-m[10] == 2 {
			y += 2000
		}
		nums = append(nums, num{a, b, y, s[m[4]:m[5]], m[0], m[1]})
	}
	monthFirst := monthFirstOrder(s, lang, func(yield func(a, b int, sep string)) {
		for _, n := range nums {
			yield(n.a, n.b, n.sep)
		}
	})
	for _, n := range nums {
		day, mo := n.a, n.b
		if monthFirst(n.sep) {
			day, mo = n.b, n.a
		}
		if mo > 12 && day <= 12 {
			day, mo = mo, day
		}
		add(dateCand{date: Date{n.y, time.Month(mo), day}, off: n.off, end: n.end, text: s[n.off:n.end],
			numeric: true, ambiguous: n.a <= 12 && n.b <= 12 && n.a != n.b})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].off < out[j].off })
	return out
}

// monthFirstOrder decides, per separator, whether numeric dates in this
// text are written month first (03/12/2024 for March 12). An unambiguous
// date in the text (13/03/2024 or 03/13/2024) decides; else the language:
// English with "/" is month first unless the text is British (£, GBP, Ltd,
// VAT); every other language and every "." date is day first.
func monthFirstOrder(s, lang string, each func(func(a, b int, sep string))) func(sep string) bool {
	dayFirst, monFirst := 0, 0
	each(func(a, b int, sep string) {
		if a > 12 && b <= 12 {
			dayFirst++
		} else if b > 12 && a <= 12 {
			monFirst++
		}
	})
	switch {
	case dayFirst > monFirst:
		return func(string) bool { return false }
	case monFirst > dayFirst:
		return func(string) bool { return true }
	}
	if lang != "en" && lang != "" {
		return func(string) bool { return false }
	}
	british := strings.Contains(s, "£") || strings.Contains(s, "GBP") || strings.Contains(s, " Ltd") ||
		strings.Contains(s, "VAT") || strings.Contains(s, "Limited")
	if lang == "" && !strings.Contains(s, "$") && !strings.Contains(s, "USD") {
		british = true
	}
	return func(sep string) bool { return sep == "/" && !british }
}

func validDay(d Date) bool {
	if d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return t.Day() == d.Day
}

// documentDate picks the most likely document date.
func (d *doc) documentDate() *DocumentDate {
	cands := findDates(d.text, d.opt.Language)
	if len(cands) == 0 {
		return d.filenameDate()
	}
	for i := range cands {
		cands[i].score = d.scoreDate(cands, i)
	}
	best, second := -1, -1
	for i, c := range cands {
		if best < 0 || c.score > cands[best].score {
			best, second = i, best
		} else if second < 0 || c.score > cands[second].score {
			second = i
		}
	}
	b := cands[best]
	if b.score < 0 {
		// Every date is a due date, a birthday or a period bound: none is
		// the document's.
		if fd := d.filenameDate(); fd != nil {
			return fd
		}
		return nil
	}
	margin := b.score
	if second >= 0 && cands[second].date != b.date {
		margin = b.score - max(cands[second].score, 0)
	}
	conf := 0.4 + 0.12*margin
	if b.ambiguous {
		conf -= 0.1
	}
	return &DocumentDate{Date: b.date, Confidence: clamp(conf, 0.05, 0.98), Offset: b.off, Text: b.text}
}

// scoreDate weighs candidate i: where it is, what is written before it on
// its line, and whether it bounds a period.
func (d *doc) scoreDate(cands []dateCand, i int) float64 {
	c := cands[i]
	score := 1.0
	// Earlier on the first page is better; later pages count little.
	if c.off < d.page1 {
		score += 1.5 * (1 - float64(c.off)/float64(max(d.page1, 1500)))
	} else {
		score -= 0.5
	}
	li := d.lineAt(c.off)
	ln := d.lines[li]
	before := strings.ToLower(d.text[ln.off:c.off])
	if len(before) > 60 {
		before = before[len(before)-60:]
	}
	// Cues of the previous line count too, for "Date\n12.03.2024" tables,
	// when that line is a bare label (no date or number of its own).
	prev := ""
	if li > 0 {
		p := d.lines[li-1].text
		if strings.TrimSpace(before) == "" {
			prev = strings.ToLower(strings.TrimSpace(p))
		}
		if len(prev) > 40 || hasDigit(prev) {
			prev = ""
		}
		// A table head: the label right above the date's column
		// ("Unser Zeichen      Datum" over "KV-4471/mb      14.02.2024").
		if prev == "" && !hasDigit(p) {
			prev = strings.ToLower(columnAbove(p, d.text[ln.off:c.off], c.text))
		}
	}
	neg := hasAny(before, notDocDateCues) || (prev != "" && hasAny(prev, notDocDateCues))
	if neg {
		score -= 5
	} else if hasAny(tail(before, 30), dateCues) || (prev != "" && hasAny(prev, dateCues)) {
		score += 3
	}
	if strings.HasPrefix(strings.TrimSpace(before), "date:") && li < 8 {
		score += 1 // an e-mail header or a form's first field
	}
	// "Berlin, 12. März 2024", "Paris, le 12 mars 2024", "Madrid, a 12 de
	// marzo de 2024": a place and the date, alone on a line.
	if t := strings.TrimSpace(before); strings.HasSuffix(t, ",") || strings.HasSuffix(t, ", le") || strings.HasSuffix(t, ", den") ||
		strings.HasSuffix(t, ", a") || strings.HasSuffix(t, ", lì") || strings.HasSuffix(t, ", il") {
		words := strings.Fields(t)
		if len(words) <= 4 && len(words) >= 1 && !neg {
			score += 2.5
		}
	}
	// The rest of the line after the date: a lone date is a heading's.
	after := strings.TrimSpace(d.text[c.end : ln.off+len(ln.text)])
	if after == "" && strings.TrimSpace(before) == "" {
		score += 1
	}
	// A date inside running prose ("we can meet on 24 May 2024.") is
	// rarely the document's.
	if len(strings.Fields(before)) >= 3 && !neg && !hasAny(tail(before, 30), dateCues) {
		score -= 1
	}
	// Either end of a period: "01.01.2024 - 31.01.2024", "from X to Y".
	if i+1 < len(cands) && cands[i+1].off-c.end < 12 && isRangeSep(d.text[c.end:cands[i+1].off]) {
		score -= 4
	}
	if i > 0 && c.off-cands[i-1].end < 12 && isRangeSep(d.text[cands[i-1].end:c.off]) {
		score -= 4
	}
	if !d.opt.Now.IsZero() {
		t := time.Date(c.date.Year, c.date.Month, c.date.Day, 0, 0, 0, 0, time.UTC)
		if t.After(d.opt.Now.AddDate(0, 2, 0)) {
			score -= 4
		} else if t.Before(d.opt.Now.AddDate(-80, 0, 0)) {
			score -= 2
		}
	}
	return score
}

func isRangeSep(s string) bool {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, sep := range rangeSeps {
		if t == sep {
			return true
		}
	}
	return false
}

// filenameDate reads an ISO or numeric date in the file name.
func (d *doc) filenameDate() *DocumentDate {
	if d.opt.Filename == "" {
		return nil
	}
	name := strings.NewReplacer("_", " ").Replace(d.opt.Filename)
	cands := findDates(name, d.opt.Language)
	if len(cands) == 0 {
		return nil
	}
	return &DocumentDate{Date: cands[0].date, Confidence: 0.3, Offset: -1, Text: cands[0].text}
}

func clamp(v, lo, hi float64) float64 {
	return min(max(v, lo), hi)
}

// tail gives the last n bytes of s (whole, if shorter).
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// digitRuns reports whether a line has a run of exactly four digits, and
// whether it has a run of two digits right after a date separator.
func digitRuns(ln string) (four, two bool) {
	run := 0
	for i := 0; i <= len(ln); i++ {
		if i < len(ln) && isDigit(ln[i]) {
			run++
			continue
		}
		if run == 4 {
			four = true
		} else if run == 2 && i-3 >= 0 && (ln[i-3] == '.' || ln[i-3] == '/' || ln[i-3] == '-') {
			two = true
		}
		run = 0
	}
	return four, two
}

// columnAbove gives the words of the line above that stand over a value
// starting after prefix (counted in characters) and as wide as value.
func columnAbove(above, prefix, value string) string {
	ra := []rune(above)
	from := len([]rune(prefix))
	to := from + len([]rune(value))
	if from >= len(ra) {
		return ""
	}
	// Widen to whole words.
	for from > 0 && ra[from-1] != ' ' {
		from--
	}
	for to < len(ra) && ra[to] != ' ' {
		to++
	}
	return strings.TrimSpace(string(ra[from:min(to, len(ra))]))
}
