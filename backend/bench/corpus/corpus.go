package corpus

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
)

// WordsFile is the word list the corpus is drawn from (Debian's
// wamerican, installed by scripts/setup.sh).
const WordsFile = "/usr/share/dict/words"

// docWords is about how many words a generated document has: a one-page
// letter.
const docWords = 300

// Words returns the vocabulary in Zipf rank order (most frequent first):
// the lower-case ASCII words of WordsFile longer than two letters, in an
// order shuffled with a fixed seed, so rank and word are unrelated. Without
// the word list it makes up 50,000 words, also deterministically, so the
// harness still runs (the figures then say so: see Report.Vocabulary).
func Words() (words []string, fromFile bool) {
	if f, err := os.Open(WordsFile); err == nil {
		words = readWords(f)
		f.Close()
	}
	fromFile = len(words) >= 10_000
	if !fromFile {
		words = words[:0]
		r := rand.New(rand.NewPCG(7, 7))
		seen := map[string]bool{}
		for len(words) < 50_000 {
			b := make([]byte, 4+r.IntN(7))
			for i := range b {
				b[i] = byte('a' + r.IntN(26))
			}
			if w := string(b); !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	return words, fromFile
}

// readWords keeps the distinct lines of r made of 3 or more letters a-z.
func readWords(r io.Reader) []string {
	var words []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
next:
	for sc.Scan() {
		w := sc.Text()
		for _, c := range w {
			if c < 'a' || c > 'z' {
				continue next
			}
		}
		if len(w) > 2 && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// Corpus generates documents deterministically: document i of a corpus
// with a given seed is always the same, whichever documents were made
// before it, so scenarios can take any slice of it.
type Corpus struct {
	// Vocab is the word list in Zipf rank order (Words).
	Vocab []string
	// Seed selects the corpus.
	Seed uint64
	// Batch names the corpus; its token (BatchToken) is in every document.
	Batch string
	// PDFEvery makes every PDFEvery-th document a one-page PDF of the same
	// text (0: none). 10 gives the 10% of PDFs of the ingest target.
	PDFEvery int
	// Topics is how many topics the texts lean towards (Doc.Topic): a
	// quarter of each document's words come from its topic's own band of
	// the vocabulary, so a classifier has something to learn.
	Topics int
}

// Doc is one generated document.
type Doc struct {
	// Name is the file name. It does not contain Token, so a search for
	// the token finds the document only once its text is indexed.
	Name string
	// Token is a word that occurs in this document only (letters only:
	// one search term for every tokenizer).
	Token string
	// Topic is the topic the text leans towards, in [0, Topics).
	Topic int
	// Text is the document's text, about docWords words.
	Text string
	// Body is the file's bytes: Text itself, or a PDF with Text as its
	// text layer.
	Body []byte
}

// Token returns the unique token of document i: "zq", i in base 26 as six
// letters, "x". The fixed ending keeps stemmers from folding two tokens
// into one.
func Token(i int) string { return "zq" + letters(i, 6) + "x" }

// BatchToken is the word every document of the corpus carries.
func (c *Corpus) BatchToken() string { return "zb" + strings.ToLower(c.Batch) + "x" }

// letters writes n in base 26 with a-z, in width letters.
func letters(n, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('a' + n%26)
		n /= 26
	}
	return string(b)
}

// Doc returns document i.
func (c *Corpus) Doc(i int) Doc {
	d := Doc{Token: Token(i)}
	if c.Topics > 0 {
		d.Topic = i % c.Topics
	}
	d.Text = c.text(i, d.Token, d.Topic)
	if c.PDFEvery > 0 && i%c.PDFEvery == c.PDFEvery-1 {
		d.Name = fmt.Sprintf("%s-%06d.pdf", c.Batch, i)
		d.Body = PDF(d.Text)
	} else {
		d.Name = fmt.Sprintf("%s-%06d.txt", c.Batch, i)
		d.Body = []byte(d.Text)
	}
	return d
}

// Text returns document i's text only (cheaper than Doc for seeding).
func (c *Corpus) Text(i int) string {
	topic := 0
	if c.Topics > 0 {
		topic = i % c.Topics
	}
	return c.text(i, Token(i), topic)
}

// text draws docWords words: mostly from a Zipf distribution over the
// whole vocabulary (s = 1.07, as natural text), a quarter from the topic's
// band, with the unique token at a random place and the batch token
// first. A full stop every dozen words or so makes sentences for snippets.
func (c *Corpus) text(i int, token string, topic int) string {
	r := rand.New(rand.NewPCG(c.Seed, uint64(i)))
	zipf := rand.NewZipf(r, 1.07, 2, uint64(len(c.Vocab)-1))
	at := 1 + r.IntN(docWords-1)
	var b strings.Builder
	b.Grow(docWords * 9)
	b.WriteString(c.BatchToken())
	for w := 1; w < docWords; w++ {
		b.WriteByte(' ')
		if r.IntN(12) == 0 {
			b.WriteString(". ")
		}
		switch {
		case w == at:
			b.WriteString(token)
		case c.Topics > 0 && r.IntN(4) == 0:
			b.WriteString(c.Vocab[topicBand(topic)+int(zipf.Uint64()%200)])
		default:
			b.WriteString(c.Vocab[zipf.Uint64()])
		}
	}
	b.WriteByte('.')
	return b.String()
}

// topicBand is where topic t's 200 own words start in the vocabulary:
// past the 3,000 most frequent words, so they are fairly rare elsewhere.
func topicBand(t int) int { return 3000 + t*200 }

// WriteSized writes a text file of exactly size bytes at path, made of
// generated sentences, streaming (never the whole file in memory): the
// inputs of the streaming scenario, from 1 KB to 50 MB.
func (c *Corpus) WriteSized(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i, left := 0, size; left > 0; i++ {
		chunk := c.Text(i) + "\n"
		if int64(len(chunk)) > left {
			chunk = chunk[:left]
		}
		w.WriteString(chunk)
		left -= int64(len(chunk))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
