package meta

import "strings"

// Index is a list of known correspondents prepared for Extract: every name
// and alias folded once and filed under its words, so matching costs the
// same for five correspondents or five thousand. Build it with NewIndex or
// Memory.Index; it does not change afterwards and may be shared between
// goroutines.
type Index struct {
	list    []Correspondent
	entries []indexEntry
	// byFirst files entries under the first word of their folded name and
	// of its core; byWord under every word of the core (for a brand alone
	// on a line); byDomain the "@domain" aliases.
	byFirst, byWord map[string][]int
	byDomain        map[string][]int
}

type indexEntry struct {
	who     int    // index into list
	primary bool   // the name itself, not an alias
	full    string // folded, padded with spaces
	core    string // folded without company forms, padded; "" if too short
}

// NewIndex prepares correspondents for Options.Known. Entries without a
// name are skipped.
func NewIndex(list []Correspondent) *Index {
	x := &Index{byFirst: map[string][]int{}, byWord: map[string][]int{}, byDomain: map[string][]int{}}
	for _, c := range list {
		if fold(c.Name) == "" {
			continue
		}
		who := len(x.list)
		x.list = append(x.list, Correspondent{Name: c.Name, Aliases: append([]string(nil), c.Aliases...)})
		for ai, alias := range append([]string{c.Name}, c.Aliases...) {
			if strings.HasPrefix(alias, "@") {
				dom := strings.ToLower(strings.TrimSpace(alias[1:]))
				if dom != "" {
					x.byDomain[dom] = append(x.byDomain[dom], who)
				}
				continue
			}
			f := fold(alias)
			if f == "" {
				continue
			}
			e := indexEntry{who: who, primary: ai == 0, full: " " + f + " "}
			c := core(f)
			if len(c) >= 3 {
				e.core = " " + c + " "
			}
			id := len(x.entries)
			x.entries = append(x.entries, e)
			first := strings.Fields(f)[0]
			x.byFirst[first] = append(x.byFirst[first], id)
			if e.core != "" {
				cw := strings.Fields(c)
				if cw[0] != first {
					x.byFirst[cw[0]] = append(x.byFirst[cw[0]], id)
				}
				for _, w := range cw {
					x.byWord[w] = append(x.byWord[w], id)
				}
			}
		}
	}
	return x
}

// Len is the number of correspondents in the index.
func (x *Index) Len() int {
	if x == nil {
		return 0
	}
	return len(x.list)
}

// knownMatch finds the best known correspondent named in the first part:
// by the e-mail sender's domain, by a name or alias on a line (whole, or
// without its company form), or by a brand alone on a top line.
func (d *doc) knownMatch(n int, folded []string, rcpt []bool, fromAddr string, fromLine int) *CorrespondentGuess {
	x := d.opt.Known
	if x.Len() == 0 {
		return nil
	}
	bestWho, bestLine := -1, -1
	bestScore := 0.0
	consider := func(who, line int, score float64) {
		if score >= 2.5 && score > bestScore {
			bestWho, bestLine, bestScore = who, line, score
		}
	}
	if dom := domainOf(fromAddr); dom != "" {
		for _, who := range x.byDomain[dom] {
			consider(who, fromLine, 5)
		}
	}
	// An address of the sender's domain in the letterhead or footer.
	head := d.lower[:min(len(d.lower), headLimit)]
	for i := strings.IndexByte(head, '@'); i >= 0; {
		j := i + 1
		for j < len(head) && (isLetterByte(head[j]) || isDigit(head[j]) || head[j] == '.' || head[j] == '-') {
			j++
		}
		dom := strings.TrimRight(head[i+1:j], ".")
		for _, who := range x.byDomain[dom] {
			consider(who, d.lineAt(i), 2.5)
		}
		k := strings.IndexByte(head[j:], '@')
		if k < 0 {
			break
		}
		i = j + k
	}
	seen := map[int]bool{}
	for i := 0; i < n; i++ {
		words := strings.Fields(folded[i])
		if len(words) == 0 {
			continue
		}
		clear(seen)
		pos := 1.5 * (1 - float64(i)/float64(n))
		for _, w := range words {
			for _, id := range x.byFirst[w] {
				if seen[id] {
					continue
				}
				seen[id] = true
				e := x.entries[id]
				s := 0.0
				switch {
				case strings.Contains(folded[i], e.full):
					s = 4
				case e.core != "" && strings.Contains(folded[i], e.core):
					s = 3
				default:
					continue
				}
				consider(e.who, i, d.lineScore(s, e.primary, i, fromLine, rcpt)+pos)
			}
		}
		// A brand alone on a top line: "SEITENWEISE" for "Buchhandlung
		// Seitenweise GmbH".
		if i < 5 && len(folded[i]) >= 8 {
			for _, id := range x.byWord[words[0]] {
				e := x.entries[id]
				if strings.Contains(e.core, folded[i]) {
					consider(e.who, i, d.lineScore(2.6, e.primary, i, fromLine, rcpt)+pos)
				}
			}
		}
	}
	if bestWho < 0 {
		return nil
	}
	return &CorrespondentGuess{Name: x.list[bestWho].Name, Known: true, Confidence: clamp(0.5+0.08*bestScore, 0.5, 0.97),
		Offset: d.lines[max(bestLine, 0)].off, Seen: strings.TrimSpace(d.lines[max(bestLine, 0)].text)}
}

// lineScore adjusts a name match by where its line is.
func (d *doc) lineScore(s float64, primary bool, i, fromLine int, rcpt []bool) float64 {
	if primary {
		s += 0.2
	}
	if i == fromLine {
		s += 2
	}
	if rcpt[i] {
		s -= 3
	}
	return s
}
