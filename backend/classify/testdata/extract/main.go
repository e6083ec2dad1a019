// Command extract builds the builtin classifier's test corpus
// (../debian-sections.jsonl.gz) from Debian's package indexes: the long
// English descriptions of five archive sections. See ../README.md for the
// exact commands. It lives under testdata so that `go build ./...` and
// `go vet ./...` ignore it; run it with `go run`.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
)

// doc is one line of the corpus.
type doc struct {
	ID    string `json:"id"`    // the binary package name
	Topic string `json:"topic"` // the package's Debian section
	Text  string `json:"text"`  // synopsis, a newline, the long description
}

func main() {
	packages := flag.String("packages", "", "uncompressed Packages index (lz4cat …_Packages.lz4)")
	translations := flag.String("translations", "", "uncompressed Translation-en index")
	sections := flag.String("sections", "games,math,sound,mail,database", "sections to keep, comma-separated")
	perTopic := flag.Int("per-topic", 220, "documents kept per section")
	minWords := flag.Int("min-words", 40, "minimum words in the long description")
	out := flag.String("out", "debian-sections.jsonl.gz", "output file")
	flag.Parse()
	if *packages == "" || *translations == "" {
		log.Fatal("usage: extract -packages FILE -translations FILE [-out FILE]")
	}

	// (package, Description-md5) → section and source package.
	type meta struct{ section, source string }
	metas := map[string]meta{}
	for _, st := range stanzas(*packages) {
		src := st["Source"]
		if src == "" {
			src = st["Package"]
		}
		src, _, _ = strings.Cut(src, " ") // "foo (1.2-3)" → "foo"
		sec := st["Section"]
		if i := strings.LastIndexByte(sec, '/'); i >= 0 { // contrib/games → games
			sec = sec[i+1:]
		}
		metas[st["Package"]+"\x00"+st["Description-md5"]] = meta{sec, src}
	}

	keep := map[string]bool{}
	for _, s := range strings.Split(*sections, ",") {
		keep[s] = true
	}

	// The longest description per (section, source package): binary
	// packages built from one source mostly repeat one description.
	type cand struct {
		doc
		source string
		words  int
	}
	best := map[string]cand{}
	for _, st := range stanzas(*translations) {
		name := st["Package"]
		m, ok := metas[name+"\x00"+st["Description-md5"]]
		if !ok || !keep[m.section] || strings.HasSuffix(name, "-dbg") || strings.HasSuffix(name, "-dbgsym") {
			continue
		}
		short, long := splitDescription(st["Description-en"])
		n := len(strings.Fields(long))
		if n < *minWords {
			continue
		}
		key := m.section + "\x00" + m.source
		if c, seen := best[key]; seen && (c.words > n || c.words == n && c.ID < name) {
			continue
		}
		best[key] = cand{doc{ID: name, Topic: m.section, Text: short + "\n" + long}, m.source, n}
	}
	keys := make([]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	// Near-duplicates (shared boilerplate across sources, the same
	// description in two sections) are dropped: a document is kept only if
	// its word 4-gram shingles overlap every kept one by less than 50%.
	var kept []cand
	var shingleSets []map[string]bool
	for _, k := range keys {
		c := best[k]
		sh := shingles(c.Text)
		dup := false
		for _, other := range shingleSets {
			if jaccard(sh, other) >= 0.5 {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, c)
			shingleSets = append(shingleSets, sh)
		}
	}

	bySection := map[string][]doc{}
	for _, c := range kept {
		bySection[c.Topic] = append(bySection[c.Topic], c.doc)
	}
	rng := rand.New(rand.NewPCG(2024, 5))
	var all []doc
	for _, s := range strings.Split(*sections, ",") {
		docs := bySection[s]
		fmt.Fprintf(os.Stderr, "%s: %d distinct descriptions\n", s, len(docs))
		rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
		docs = docs[:min(*perTopic, len(docs))]
		sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
		all = append(all, docs...)
	}

	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for _, d := range all {
		if err := enc.Encode(d); err != nil {
			log.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %d documents to %s\n", len(all), *out)
}

// stanzas reads a Debian control file (RFC 822-like paragraphs) and returns
// each paragraph's fields; continuation lines are kept with their newline.
func stanzas(path string) []map[string]string {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var all []map[string]string
	cur := map[string]string{}
	last := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if len(cur) > 0 {
				all = append(all, cur)
			}
			cur, last = map[string]string{}, ""
		case line[0] == ' ' || line[0] == '\t':
			if last != "" {
				cur[last] += "\n" + line
			}
		default:
			k, v, _ := strings.Cut(line, ":")
			cur[k] = strings.TrimSpace(v)
			last = k
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	if len(cur) > 0 {
		all = append(all, cur)
	}
	return all
}

// splitDescription returns a Description field's synopsis and its long
// description as plain text: " ." lines are paragraph breaks, the leading
// space of every continuation line is removed.
func splitDescription(field string) (short, long string) {
	lines := strings.Split(field, "\n")
	var b strings.Builder
	for _, l := range lines[1:] {
		l = strings.TrimPrefix(l, " ")
		if l == "." {
			b.WriteString("\n")
			continue
		}
		b.WriteString(l)
		b.WriteString("\n")
	}
	return strings.TrimSpace(lines[0]), strings.TrimSpace(b.String())
}

func shingles(text string) map[string]bool {
	w := strings.Fields(strings.ToLower(text))
	set := map[string]bool{}
	for i := 0; i+4 <= len(w); i++ {
		set[strings.Join(w[i:i+4], " ")] = true
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	inter := 0
	for s := range a {
		if b[s] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}
