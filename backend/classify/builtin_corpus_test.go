package classify

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"
)

// The labelled corpora (testdata/README.md says where from and how):
// long descriptions of Debian packages from five archive sections, and
// manual pages from five manual sections.

// corpusTopics are the Debian corpus's five topics as a person would set
// them up: names and one-sentence descriptions written for the test, not
// taken from the corpus.
var corpusTopics = []Topic{
	{ID: "games", Name: "Games", Description: "Video games and puzzles to play: arcade, strategy, board and card games."},
	{ID: "graphics", Name: "Graphics & images", Description: "Drawing, painting and photo editing, image viewers and converters, 3D modelling and rendering."},
	{ID: "mail", Name: "Email", Description: "Sending, reading and filtering e-mail: mail clients and servers, mailing lists, spam filters."},
	{ID: "math", Name: "Mathematics", Description: "Algebra, calculus, statistics and numerical computation: solving equations and plotting functions."},
	{ID: "sound", Name: "Music & audio", Description: "Playing, recording and editing sound and music: audio players, synthesizers, mixers and codecs."},
}

// manTopics are the manual-page corpus's topics, written the same way.
var manTopics = []Topic{
	{ID: "man1", Name: "Commands", Description: "Programs people run from a shell: command-line tools, their options and arguments, what they print."},
	{ID: "man2", Name: "System calls", Description: "Linux system calls: how a program asks the kernel to open files, create processes, map memory or send signals."},
	{ID: "man3", Name: "Library functions", Description: "C library functions: what a function a program calls does, its arguments, return value and errors."},
	{ID: "man5", Name: "File formats", Description: "Configuration files and file formats: the syntax of a settings file and what each option in it means."},
	{ID: "man8", Name: "System administration", Description: "Tools for the administrator: daemons and services, network and disk configuration, booting and maintaining the system."},
}

// corpus is one labelled corpus and the topics a person would set up for it.
type corpus struct {
	name   string
	file   string
	topics []Topic
}

var (
	debianCorpus = corpus{name: "debian", file: "testdata/debian-sections.jsonl.gz", topics: corpusTopics}
	manCorpus    = corpus{name: "manpages", file: "testdata/manpages.jsonl.gz", topics: manTopics}
	corpora      = []corpus{debianCorpus, manCorpus}
)

type corpusDoc struct {
	ID    string `json:"id"`
	Topic string `json:"topic"`
	Text  string `json:"text"`
}

// corpusSplit is the fixed split of a corpus: per topic, after a seeded
// shuffle, the first 50 documents are the training pool, the next 30 the
// validation set (for choosing hyperparameters), and the rest is held out
// for the accuracy tests, which never influence a choice.
type corpusSplit struct {
	topics     []Topic
	train      map[string][]corpusDoc // topic → training pool, in learning order
	validation []corpusDoc
	test       []corpusDoc
}

const (
	trainPerTopic      = 50
	validationPerTopic = 30
)

// loadCorpus loads the Debian corpus.
func loadCorpus(t testing.TB) corpusSplit { return loadNamedCorpus(t, debianCorpus) }

func loadNamedCorpus(t testing.TB, c corpus) corpusSplit {
	t.Helper()
	f, err := os.Open(c.file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	byTopic := map[string][]corpusDoc{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		var d corpusDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		byTopic[d.Topic] = append(byTopic[d.Topic], d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	s := corpusSplit{topics: c.topics, train: map[string][]corpusDoc{}}
	for i, topic := range c.topics {
		docs := byTopic[topic.ID]
		if len(docs) < 150 {
			t.Fatalf("%s: topic %s: %d documents, want at least 150", c.name, topic.ID, len(docs))
		}
		rng := rand.New(rand.NewPCG(20240501, uint64(i)))
		rng.Shuffle(len(docs), func(a, b int) { docs[a], docs[b] = docs[b], docs[a] })
		s.train[topic.ID] = docs[:trainPerTopic]
		s.validation = append(s.validation, docs[trainPerTopic:trainPerTopic+validationPerTopic]...)
		s.test = append(s.test, docs[trainPerTopic+validationPerTopic:]...)
	}
	return s
}

// trained returns a model that learned the first n documents of each
// topic's training pool, topics interleaved as a person would sort a pile.
func (s corpusSplit) trained(n int, p params) *Builtin {
	b := NewBuiltin()
	b.p = p
	for i := range n {
		for _, topic := range s.topics {
			d := s.train[topic.ID][i]
			b.Learn(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{d.Topic}, Among: s.topics})
		}
	}
	return b
}
