// Command manpages builds the second test corpus of the builtin classifier
// (../manpages.jsonl.gz): manual pages labelled by their section, rendered
// with man(1) and reduced to the NAME and DESCRIPTION text. See
// ../README.md for the exact command. It lives under testdata so that
// `go build ./...` and `go vet ./...` ignore it; run it with `go run`.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// doc is one line of the corpus.
type doc struct {
	ID      string `json:"id"`      // page name and section, "read.2"
	Topic   string `json:"topic"`   // "man2"
	Package string `json:"package"` // the Debian package that ships it
	Text    string `json:"text"`    // NAME line, a newline, DESCRIPTION
}

func main() {
	root := flag.String("root", "/usr/share/man", "manual page tree")
	sections := flag.String("sections", "1,2,3,5,8", "sections to keep, comma-separated")
	perTopic := flag.Int("per-topic", 200, "documents kept per section")
	perPackage := flag.Int("per-package", 25, "pages kept per package and section, so that no package with thousands of pages (google-cloud-cli) fills a section")
	uncapped := flag.String("uncapped", "manpages,manpages-dev", "packages exempt from -per-package: the Linux man-pages project, which is most of sections 2 and 3")
	minWords := flag.Int("min-words", 40, "minimum words in the description")
	maxWords := flag.Int("max-words", 350, "words kept of the description")
	out := flag.String("out", "manpages.jsonl.gz", "output file")
	flag.Parse()

	owner := packageOwners()
	free := map[string]bool{}
	for _, p := range strings.Split(*uncapped, ",") {
		free[p] = true
	}
	rng := rand.New(rand.NewPCG(2026, 12))
	var all []doc
	var shingleSets []map[string]bool
	for _, sec := range strings.Split(*sections, ",") {
		dir := filepath.Join(*root, "man"+sec)
		entries, err := os.ReadDir(dir)
		if err != nil {
			log.Fatal(err)
		}
		var files []string
		for _, e := range entries {
			// Exactly "name.N.gz": not "name.3pm.gz" (Perl) or
			// "name.1ssl.gz", and no symlinks (aliases of other pages).
			if e.Type().IsRegular() && strings.HasSuffix(e.Name(), "."+sec+".gz") {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
		sort.Strings(files)
		rng.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
		perPkg := map[string]int{}
		var docs []doc
		for _, path := range files {
			if len(docs) >= *perTopic {
				break
			}
			pkg := owner[path]
			if pkg == "" || !free[pkg] && perPkg[pkg] >= *perPackage || isRedirect(path) {
				continue
			}
			name, desc := render(path)
			w := strings.Fields(desc)
			if name == "" || len(w) < *minWords {
				continue
			}
			text := name + "\n" + strings.Join(w[:min(len(w), *maxWords)], " ")
			sh := shingles(text)
			dup := false
			for _, other := range shingleSets {
				if jaccard(sh, other) >= 0.5 {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			shingleSets = append(shingleSets, sh)
			perPkg[pkg]++
			id := strings.TrimSuffix(filepath.Base(path), ".gz")
			docs = append(docs, doc{ID: id, Topic: "man" + sec, Package: pkg, Text: text})
		}
		fmt.Fprintf(os.Stderr, "man%s: %d pages (of %d files)\n", sec, len(docs), len(files))
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

// packageOwners maps installed files to their Debian package (dpkg's lists).
func packageOwners() map[string]string {
	lists, _ := filepath.Glob("/var/lib/dpkg/info/*.list")
	m := map[string]string{}
	for _, l := range lists {
		pkg := strings.TrimSuffix(filepath.Base(l), ".list")
		pkg, _, _ = strings.Cut(pkg, ":")
		f, err := os.Open(l)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "/usr/share/man/man") {
				m[sc.Text()] = pkg
			}
		}
		f.Close()
	}
	return m
}

// isRedirect reports whether a page is only ".so other-page".
func isRedirect(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return true
	}
	b, _ := io.ReadAll(io.LimitReader(zr, 4096))
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, `.\"`) || strings.HasPrefix(l, `'\"`) {
			continue
		}
		return strings.HasPrefix(l, ".so ")
	}
	return true
}

// render formats a page as plain text and returns its NAME line and its
// DESCRIPTION section, each with whitespace collapsed.
func render(path string) (name, desc string) {
	cmd := exec.Command("sh", "-c", `man -E UTF-8 --no-hyphenation --no-justification -l "$1" 2>/dev/null | col -bx`, "sh", path)
	cmd.Env = append(os.Environ(), "MANWIDTH=100", "MAN_KEEP_FORMATTING=", "LC_ALL=C.UTF-8")
	outb, err := cmd.Output()
	if err != nil {
		return "", ""
	}
	sections := map[string]*strings.Builder{}
	var cur *strings.Builder
	for _, l := range strings.Split(string(outb), "\n") {
		if l != "" && l[0] != ' ' && l == strings.ToUpper(l) {
			head := strings.TrimSpace(l)
			if _, seen := sections[head]; !seen {
				sections[head] = &strings.Builder{}
			}
			cur = sections[head]
			continue
		}
		if cur != nil {
			cur.WriteString(l)
			cur.WriteByte('\n')
		}
	}
	get := func(h string) string {
		if b, ok := sections[h]; ok {
			return strings.Join(strings.Fields(b.String()), " ")
		}
		return ""
	}
	return get("NAME"), get("DESCRIPTION")
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
