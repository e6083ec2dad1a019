package classify

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Tests of the builtin classifier's behaviour through its public API, on
// texts from the labelled corpus (builtin_corpus_test.go).

// trainedOn returns a model that learned n documents per topic.
func trainedOn(t *testing.T, n int) (*Builtin, corpusSplit) {
	t.Helper()
	s := loadCorpus(t)
	return s.trained(n, defaultParams()), s
}

// snapshot is everything observable about a model: its encoding (which
// holds every learned count), fingerprint, size and confidences on probe
// texts (exact floats).
type snapshot struct {
	data        []byte
	fp          uint64
	examples    int
	confidences [][]float64
}

func snap(t *testing.T, b *Builtin, probes []corpusDoc) snapshot {
	t.Helper()
	data, err := b.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{data: data, fp: b.Fingerprint(), examples: b.Examples()}
	for _, d := range probes {
		s.confidences = append(s.confidences, b.confidences(d.Text, corpusTopics))
	}
	return s
}

func (s snapshot) equal(o snapshot) bool {
	if !bytes.Equal(s.data, o.data) || s.fp != o.fp || s.examples != o.examples {
		return false
	}
	for i := range s.confidences {
		if !slices.Equal(s.confidences[i], o.confidences[i]) {
			return false
		}
	}
	return true
}

func confidenceIn(t *testing.T, b *Builtin, text, topicID string) float64 {
	t.Helper()
	for k, c := range b.confidences(text, corpusTopics) {
		if corpusTopics[k].ID == topicID {
			return c
		}
	}
	t.Fatalf("no topic %s", topicID)
	return 0
}

func TestBuiltinForgetRestoresExactly(t *testing.T) {
	b, s := trainedOn(t, 5)
	probes := s.validation[:40]
	before := snap(t, b, probes)

	// A document learned, then forgotten, leaves no trace: neither its
	// counts nor its held-out check.
	d := s.test[0]
	b.Learn(Example{DocumentID: "new", Text: d.Text, Topics: []string{"mail", d.Topic}, Rejected: []string{"sound"}, Among: corpusTopics})
	if after := snap(t, b, probes); after.equal(before) {
		t.Fatal("learning a document changed nothing")
	}
	b.Forget("new")
	if after := snap(t, b, probes); !after.equal(before) {
		t.Error("Learn then Forget did not restore the exact model")
	}

	// Forgetting a learned training document and learning it again also
	// restores it; forgetting an unknown document changes nothing.
	first := s.train["games"][0]
	b.Forget(first.ID)
	b.Forget("never-learned")
	if b.Examples() != before.examples-1 {
		t.Errorf("Examples() = %d after Forget, want %d", b.Examples(), before.examples-1)
	}
	b.Learn(Example{DocumentID: first.ID, Text: first.Text, Topics: []string{first.Topic}, Among: corpusTopics})
	if b.Examples() != before.examples {
		t.Errorf("Examples() = %d after learning again, want %d", b.Examples(), before.examples)
	}

	// Learned without the topics it was sorted among (no held-out check,
	// whose outcome depends on when it was made), forgetting a document
	// and learning it again restores the exact model.
	plain := NewBuiltin()
	for i := range 5 {
		for _, topic := range corpusTopics {
			d := s.train[topic.ID][i]
			plain.Learn(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{d.Topic}})
		}
	}
	want := snap(t, plain, probes)
	plain.Forget(first.ID)
	plain.Learn(Example{DocumentID: first.ID, Text: first.Text, Topics: []string{first.Topic}})
	if got := snap(t, plain, probes); !got.equal(want) {
		t.Error("Forget then Learn again did not restore the exact model")
	}
}

func TestBuiltinRelearnReplaces(t *testing.T) {
	b, s := trainedOn(t, 5)
	probes := s.validation[:40]

	// A games text learned first as mail, then as games: the second Learn
	// replaces the first completely, as if the first never happened.
	d := s.test[0]
	if d.Topic != "games" {
		t.Fatalf("want a games document first, got %s", d.Topic)
	}
	similar := s.test[1].Text
	baseMail := confidenceIn(t, b, similar, "mail")

	clean, _ := trainedOn(t, 5)
	clean.Learn(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{"games"}})
	want := snap(t, clean, probes)

	b.Learn(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{"mail"}})
	if got := confidenceIn(t, b, similar, "mail"); got <= baseMail {
		t.Errorf("a games text learned as mail: mail confidence on a similar text %.3f, want above %.3f", got, baseMail)
	}
	b.Learn(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{"games"}})
	if got := snap(t, b, probes); !got.equal(want) {
		t.Error("learning a document again did not replace what was learned from it")
	}

	// An example without any decision is Forget.
	b.Learn(Example{DocumentID: d.ID, Text: d.Text})
	clean.Forget(d.ID)
	if got, want := snap(t, b, probes), snap(t, clean, probes); !got.equal(want) {
		t.Error("Learn without topics did not forget the document")
	}
}

func TestBuiltinRejectionLowersTopic(t *testing.T) {
	b, s := trainedOn(t, 5)
	ctx := context.Background()
	// Documents whose best topic is wrong: the person rejects it.
	var tried int
	for _, d := range s.validation {
		res, err := b.Classify(ctx, d.Text, corpusTopics)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Topics) == 0 || res.Topics[0].TopicID == d.Topic {
			continue
		}
		wrong := res.Topics[0].TopicID
		before := b.confidences(d.Text, corpusTopics)
		// Half of the text stands for "similar text".
		half := d.Text[:len(d.Text)/2]
		beforeHalf := confidenceIn(t, b, half, wrong)

		b.Learn(Example{DocumentID: "rejected-" + d.ID, Text: d.Text, Rejected: []string{wrong}})
		after := b.confidences(d.Text, corpusTopics)
		for k, topic := range corpusTopics {
			// The rejected topic drops. The others may rise (they no
			// longer compete with it) and may fall a little (the chance
			// that the text has any topic rested on the rejected one's
			// evidence), but a rejection says nothing against them.
			switch {
			case topic.ID == wrong && after[k] >= before[k]-0.05:
				t.Errorf("%s: rejected %s, confidence %.3f → %.3f, want clearly lower", d.ID, wrong, before[k], after[k])
			case topic.ID != wrong && after[k] < before[k]-0.1:
				t.Errorf("%s: rejecting %s lowered %s: %.3f → %.3f", d.ID, wrong, topic.ID, before[k], after[k])
			}
		}
		if got := confidenceIn(t, b, half, wrong); got >= beforeHalf {
			t.Errorf("%s: rejected %s, confidence on similar text %.3f → %.3f, want lower", d.ID, wrong, beforeHalf, got)
		}
		b.Forget("rejected-" + d.ID)
		if tried++; tried == 5 {
			break
		}
	}
	if tried == 0 {
		t.Fatal("no misclassified validation document to reject")
	}
}

func TestBuiltinPersistence(t *testing.T) {
	b, s := trainedOn(t, 10)
	// Some rejections and a multi-topic document too.
	for i, d := range s.validation[:10] {
		b.Learn(Example{DocumentID: d.ID, Text: d.Text, Rejected: []string{corpusTopics[i%5].ID}, Among: corpusTopics})
	}
	d := s.validation[10]
	b.Learn(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{"games", "sound"}, Among: corpusTopics})

	data, err := b.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d examples: %d bytes", b.Examples(), len(data))
	loaded, err := LoadBuiltin(data)
	if err != nil {
		t.Fatal(err)
	}
	probes := s.test[:60]
	if !snap(t, loaded, probes).equal(snap(t, b, probes)) {
		t.Fatal("the loaded model differs from the saved one")
	}
	if loaded.cal != b.cal || b.cal.checks() == 0 || loaded.single != b.single || loaded.multi != b.multi {
		t.Fatal("the loaded model lost its held-out checks or its count of multi-topic documents")
	}

	// The loaded model goes on learning and unlearning like the original.
	for _, m := range []*Builtin{b, loaded} {
		m.Forget(s.train["mail"][3].ID)
		m.Learn(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{"math"}, Among: corpusTopics})
		m.Learn(Example{DocumentID: "x", Text: s.test[5].Text, Topics: []string{"graphics"}, Among: corpusTopics})
	}
	if !snap(t, loaded, probes).equal(snap(t, b, probes)) {
		t.Error("after the same changes, the loaded model differs from the original")
	}

	// An empty model round-trips too.
	empty, err := NewBuiltin().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if m, err := LoadBuiltin(empty); err != nil || m.Examples() != 0 || m.Fingerprint() != 0 {
		t.Errorf("empty model: %v, %v", m, err)
	}
}

func TestBuiltinLoadRejectsOtherVersionsAndDamage(t *testing.T) {
	b, s := trainedOn(t, 2)
	d := s.test[0]
	b.Learn(Example{DocumentID: d.ID, Text: d.Text, Rejected: []string{"mail"}})
	data, err := b.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	body := gunzip(t, data[len(builtinMagic)+1:])

	version := func(v uint64) []byte {
		out := append([]byte(nil), builtinMagic...)
		out = binary.AppendUvarint(out, v)
		return append(out, data[len(builtinMagic)+1:]...)
	}
	withBody := func(body []byte) []byte {
		return append(append([]byte(nil), data[:len(builtinMagic)+1]...), gzipped(t, body)...)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"nil", nil, ErrModelVersion},
		{"not a model", []byte(`{"json":true}`), ErrModelVersion},
		{"older version", version(0), ErrModelVersion},
		{"format 1, before held-out checks", version(1), ErrModelVersion},
		{"newer version", version(builtinFormat + 1), ErrModelVersion},
		{"no version", append([]byte(nil), builtinMagic...), ErrModelCorrupt},
		{"not gzip", append(version(builtinFormat)[:len(builtinMagic)+1], "plain"...), ErrModelCorrupt},
		{"truncated", data[:len(data)-10], ErrModelCorrupt},
		{"flipped byte", flipByte(data, len(data)/2), ErrModelCorrupt},
		{"body truncated", withBody(body[:len(body)-3]), ErrModelCorrupt},
		{"trailing bytes", withBody(append(append([]byte(nil), body...), 0)), ErrModelCorrupt},
		{"wrong fingerprint", withBody(flipByte(body, len(body)-1)), ErrModelCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := LoadBuiltin(tc.data)
			if !errors.Is(err, tc.want) || m != nil {
				t.Fatalf("LoadBuiltin = %v, %v; want an error wrapping %v", m, err, tc.want)
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Error("empty error message")
			}
		})
	}

	// Damage anywhere in the body is an error or (where it only changes a
	// count) a model, never a panic. (A few hundred places, spread over the
	// body, keep the test fast under -race.)
	for i := 0; i < len(body); i += 1 + len(body)/300 {
		if _, err := LoadBuiltin(withBody(flipByte(body, i))); err != nil && !errors.Is(err, ErrModelCorrupt) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
		if _, err := LoadBuiltin(withBody(body[:i])); !errors.Is(err, ErrModelCorrupt) {
			t.Fatalf("body cut at %d: %v, want ErrModelCorrupt", i, err)
		}
	}
}

func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func gzipped(t *testing.T, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func flipByte(data []byte, i int) []byte {
	out := append([]byte(nil), data...)
	out[i] ^= 0x5a
	return out
}

func TestBuiltinFingerprint(t *testing.T) {
	s := loadCorpus(t)
	docs := s.validation[:30]
	decisions := map[string][2][]string{} // what the "database" holds
	b := NewBuiltin()
	learn := func(d corpusDoc, topics, rejected []string) {
		b.Learn(Example{DocumentID: d.ID, Text: d.Text, Topics: topics, Rejected: rejected})
		if len(topics)+len(rejected) == 0 {
			delete(decisions, d.ID)
		} else {
			decisions[d.ID] = [2][]string{topics, rejected}
		}
	}
	check := func(when string) {
		t.Helper()
		var want uint64
		for id, dec := range decisions {
			want ^= ExampleFingerprint(id, dec[0], dec[1])
		}
		if got := b.Fingerprint(); got != want {
			t.Errorf("%s: Fingerprint() = %x, want the XOR of ExampleFingerprint %x", when, got, want)
		}
		if b.Examples() != len(decisions) {
			t.Errorf("%s: Examples() = %d, want %d", when, b.Examples(), len(decisions))
		}
	}
	check("empty")
	if b.Fingerprint() != 0 {
		t.Error("an empty model's fingerprint is not 0")
	}
	for i, d := range docs {
		learn(d, []string{d.Topic}, nil)
		if i%3 == 0 {
			learn(d, []string{d.Topic, "mail"}, []string{"math"})
		}
	}
	check("after Learn")
	learn(docs[4], nil, nil)
	b.Forget(docs[5].ID)
	delete(decisions, docs[5].ID)
	check("after Forget")

	// The order examples are learned in does not matter.
	other := NewBuiltin()
	for i := len(docs) - 1; i >= 0; i-- {
		if dec, ok := decisions[docs[i].ID]; ok {
			other.Learn(Example{DocumentID: docs[i].ID, Text: docs[i].Text, Topics: dec[0], Rejected: dec[1]})
		}
	}
	if other.Fingerprint() != b.Fingerprint() {
		t.Error("learning the same examples in another order gave another fingerprint")
	}

	// ExampleFingerprint depends on the sets, not their order, and on
	// every part of the decision.
	fp := ExampleFingerprint("d1", []string{"a", "b"}, []string{"c"})
	for _, same := range []uint64{
		ExampleFingerprint("d1", []string{"b", "a", "a"}, []string{"c", ""}),
		ExampleFingerprint("d1", []string{"a", "b"}, []string{"c", "a"}), // assigned wins over rejected
	} {
		if same != fp {
			t.Error("ExampleFingerprint depends on order, duplicates or overlap")
		}
	}
	for _, diff := range []uint64{
		ExampleFingerprint("d2", []string{"a", "b"}, []string{"c"}),
		ExampleFingerprint("d1", []string{"a"}, []string{"c"}),
		ExampleFingerprint("d1", []string{"a", "b"}, nil),
		ExampleFingerprint("d1", []string{"a", "b", "c"}, nil),
		ExampleFingerprint("d1", []string{"ab"}, []string{"c"}),
	} {
		if diff == fp {
			t.Error("different decisions share a fingerprint")
		}
	}
	if ExampleFingerprint("d1", nil, nil) != 0 {
		t.Error("an example without decisions should have fingerprint 0")
	}
}

// mixedTexts are held-out texts made of two documents of different
// topics that a model trained on single documents gets right alone.
func mixedTexts(t *testing.T, s corpusSplit) (texts []string, labels [][2]string) {
	t.Helper()
	b := s.trained(20, defaultParams())
	right := map[string][]corpusDoc{}
	for _, d := range s.test {
		res, err := b.Classify(context.Background(), d.Text, s.topics)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Topics) > 0 && res.Topics[0].TopicID == d.Topic && len(right[d.Topic]) < 6 {
			right[d.Topic] = append(right[d.Topic], d)
		}
	}
	for i, x := range s.topics {
		for _, y := range s.topics[i+1:] {
			for j := range min(len(right[x.ID]), len(right[y.ID])) {
				texts = append(texts, right[x.ID][j].Text+"\n\n"+right[y.ID][j].Text)
				labels = append(labels, [2]string{x.ID, y.ID})
			}
		}
	}
	if len(texts) < 40 {
		t.Fatalf("only %d mixed texts", len(texts))
	}
	return texts, labels
}

// TestBuiltinOneTopicOrSeveral: whether a second topic is applied depends
// on whether the person's documents usually carry several, and then on
// the second topic's own evidence, never on being the runner-up.
func TestBuiltinOneTopicOrSeveral(t *testing.T) {
	s := loadCorpus(t)
	texts, labels := mixedTexts(t, s)
	ctx := context.Background()
	// measure classifies the mixed texts: how many topics are applied and
	// how many of them are right, how often both are applied, how often
	// the two right topics are the two best, and the mean confidence of
	// the weaker of the two right topics.
	type outcome struct {
		applied, appliedRight, bothApplied, topTwo int
		second                                     float64
	}
	measure := func(b *Builtin) (o outcome) {
		for i, text := range texts {
			res, err := b.Classify(ctx, text, s.topics)
			if err != nil {
				t.Fatal(err)
			}
			conf := b.confidences(text, s.topics)
			var right []float64
			for k, tp := range s.topics {
				if tp.ID == labels[i][0] || tp.ID == labels[i][1] {
					right = append(right, conf[k])
				}
			}
			o.second += min(right[0], right[1])
			if len(res.Topics) >= 2 && isLabel(res.Topics[0].TopicID, labels[i]) && isLabel(res.Topics[1].TopicID, labels[i]) {
				o.topTwo++
			}
			app := 0
			for _, m := range res.Topics {
				if AutoApply(res, m, defaultAutoApply) {
					o.applied++
					if isLabel(m.TopicID, labels[i]) {
						o.appliedRight++
						app++
					}
				}
			}
			if app == 2 {
				o.bothApplied++
			}
		}
		o.second /= float64(len(texts))
		return o
	}
	report := func(name string, o outcome) {
		t.Logf("%s, %d mixed texts: %d topics applied (%d right), both applied to %d; the two right topics are the two best for %d; weaker right topic's mean confidence %.3f",
			name, len(texts), o.applied, o.appliedRight, o.bothApplied, o.topTwo, o.second)
		if float64(o.appliedRight) < 0.97*float64(o.applied) {
			t.Errorf("%s: %d of %d applied topics right, want ≥ 97%%", name, o.appliedRight, o.applied)
		}
	}

	// A library of single-topic documents: a text that mixes two topics
	// gets at most one applied; the other may be a suggestion.
	single := measure(s.trained(20, defaultParams()))
	report("single-topic library", single)
	if single.bothApplied > 0 {
		t.Errorf("single-topic library: both topics of a mixed text applied %d times, want never", single.bothApplied)
	}

	// A library whose documents carry two topics each (the same training
	// documents, paired at random): the second topic of a mixed text,
	// with evidence of its own, rises with the first.
	mb := NewBuiltin()
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 20 {
		for j, x := range s.topics {
			y := s.topics[(j+1+rng.IntN(len(s.topics)-1))%len(s.topics)]
			a, c := s.train[x.ID][i], s.train[y.ID][(i+7)%trainPerTopic]
			mb.Learn(Example{DocumentID: fmt.Sprintf("pair-%d-%d", i, j), Text: a.Text + "\n\n" + c.Text,
				Topics: []string{x.ID, y.ID}, Among: s.topics})
		}
	}
	multi := measure(mb)
	report("two-topic library", multi)
	if float64(multi.topTwo) < 0.8*float64(len(texts)) {
		t.Errorf("two-topic library: the two right topics are the two best for %d of %d mixed texts, want ≥ 80%%", multi.topTwo, len(texts))
	}
	if multi.second < single.second+0.2 {
		t.Errorf("the weaker right topic's mean confidence is %.3f in a two-topic library and %.3f in a single-topic one, want clearly higher",
			multi.second, single.second)
	}
}

func isLabel(id string, labels [2]string) bool { return id == labels[0] || id == labels[1] }

func TestBuiltinAbstains(t *testing.T) {
	b, s := trainedOn(t, 20)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		text   string
		topics []Topic
	}{
		{"empty text", "", corpusTopics},
		{"gibberish", "qzxv blorft wuggle frandish plimth zorbular kvetchalon", corpusTopics},
		{"stop words and numbers", "the and of 2024 1.2.3 der die das le la el los 42", corpusTopics},
		{"punctuation", "!!! ??? ... --- ***", corpusTopics},
		{"no topics", s.test[0].Text, nil},
		{"only topics without IDs", s.test[0].Text, []Topic{{Name: "Games"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := b.Classify(ctx, tc.text, tc.topics)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Topics) != 0 {
				t.Errorf("Classify(%q) = %v, want no topics", tc.text, res.Topics)
			}
			if res.Provider != ProviderBuiltin || res.Model != builtinModel {
				t.Errorf("provider/model = %q/%q", res.Provider, res.Model)
			}
		})
	}
}

func TestBuiltinResult(t *testing.T) {
	b, s := trainedOn(t, 20)
	ctx := context.Background()
	d := s.test[0]

	// Deleted topics are ignored; a renamed topic keeps its evidence.
	topics := []Topic{
		{ID: "games", Name: "Play", Description: "things to play"},
		{ID: "mail", Name: "Email"},
	}
	res, err := b.Classify(ctx, d.Text, topics)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Topics) == 0 || res.Topics[0].TopicID != "games" || res.Topics[0].Name != "Play" {
		t.Fatalf("Classify = %+v, want games first, under its new name", res.Topics)
	}
	for _, m := range res.Topics {
		if m.TopicID != "games" && m.TopicID != "mail" {
			t.Errorf("topic %s was not given", m.TopicID)
		}
	}

	// Confidences are in [0,1], highest first, at or above the threshold.
	for _, d := range s.test[:100] {
		res, err := b.Classify(ctx, d.Text, corpusTopics)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range res.Topics {
			if m.Confidence < b.p.threshold || m.Confidence > 1 || (i > 0 && m.Confidence > res.Topics[i-1].Confidence) {
				t.Fatalf("%s: %+v", d.ID, res.Topics)
			}
		}
	}

	// Long text is cut and says so; a cancelled context is an error.
	res, err = b.Classify(ctx, strings.Repeat(d.Text+"\n", 400), corpusTopics)
	if err != nil || !res.Truncated || len(res.Topics) == 0 || res.Topics[0].TopicID != "games" {
		t.Errorf("long text: %+v, %v", res, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Classify(cancelled, d.Text, corpusTopics); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}

	if err := b.HealthCheck(ctx); err != nil {
		t.Errorf("HealthCheck: %v", err)
	}
	var _ Learner = b
	if c, err := Open(Settings{Provider: "builtin", Builtin: b}); err != nil || c != Classifier(b) {
		t.Errorf("Open(builtin) = %v, %v", c, err)
	}
}

func TestBuiltinSeedsOnly(t *testing.T) {
	b := NewBuiltin()
	res, err := b.Classify(context.Background(), "An arcade game: shoot the aliens and play the bonus levels.", corpusTopics)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Topics) == 0 || res.Topics[0].TopicID != "games" {
		t.Errorf("before any example: %+v, want games", res.Topics)
	}
	// Written in German, French, Spanish: stop words and accents aside,
	// the topic words still match.
	res, err = b.Classify(context.Background(), "Él envía un e-mail; les serveurs de mail reçoivent le message.", corpusTopics)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Topics) == 0 || res.Topics[0].TopicID != "mail" {
		t.Errorf("Spanish/French text: %+v, want mail", res.Topics)
	}
}

func TestBuiltinConcurrent(t *testing.T) {
	b, s := trainedOn(t, 5)
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i, d := range s.test[w*20 : w*20+20] {
				id := fmt.Sprintf("w%d-%d", w, i%5)
				b.Learn(Example{DocumentID: id, Text: d.Text, Topics: []string{d.Topic}})
				if i%3 == 0 {
					b.Forget(id)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for _, d := range s.validation[w*20 : w*20+20] {
				if _, err := b.Classify(ctx, d.Text, corpusTopics); err != nil {
					t.Error(err)
				}
				_ = b.Fingerprint()
				_ = b.Examples()
				if _, err := b.MarshalBinary(); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestBuiltinTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"The Games and the games", []string{"game", "game"}},
		{"Café Müller: Straße, naïve élève", []string{"cafe", "muller", "strasse", "naive", "eleve"}},
		{"Cafe\u0301 decomposed", []string{"cafe", "decomposed"}},
		{"Der Hund und die Katze", []string{"hund", "katze"}},
		{"le chat et les souris", []string{"chat", "souris"}},
		{"el perro y los gatos", []string{"perro", "gato"}},
		{"version 1.2.3 of mp3 x11 3d tools in 2024", []string{"version", "mp3", "x11", "3d", "tool"}},
		{"e-mail l'ordinateur", []string{"mail", "ordinateur"}},
		{"libraries glasses status analysis", []string{"library", "glass", "status", "analysis"}},
		{"日本語の文書", []string{"日", "本", "語", "の", "文", "書"}},
		{strings.Repeat("x", 50) + " ok", []string{"ok"}},
	} {
		if got := tokens(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("tokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Bigrams are their own terms, never a unigram's hash.
	counts := termCounts("mail server mail server")
	if len(counts) != 4 || counts[hashTerm("mail")] != 2 || counts[hashBigram("mail", "server")] != 2 || counts[hashBigram("server", "mail")] != 1 {
		t.Errorf("termCounts = %v", counts)
	}
}

func TestAutoApply(t *testing.T) {
	builtin := Result{Provider: ProviderBuiltin}
	llm := Result{Provider: ProviderOpenAI}
	for _, tc := range []struct {
		name      string
		res       Result
		m         Match
		threshold float64
		want      bool
	}{
		{"builtin, sure, enough examples", builtin, Match{Confidence: 0.96, Examples: 10}, 0.8, true},
		{"builtin, at the threshold only", builtin, Match{Confidence: 0.9, Examples: 50}, 0.8, false},
		{"builtin, sure, too few examples", builtin, Match{Confidence: 0.99, Examples: 9}, 0.8, false},
		{"builtin, just at the margin", builtin, Match{Confidence: 0.95, Examples: 10}, 0.8, true},
		{"builtin, a stricter threshold", builtin, Match{Confidence: 0.96, Examples: 10}, 0.9, false},
		{"builtin, a laxer threshold", builtin, Match{Confidence: 0.9, Examples: 10}, 0.6, true},
		{"LLM, at the threshold", llm, Match{Confidence: 0.8}, 0.8, true},
		{"LLM, below it", llm, Match{Confidence: 0.79}, 0.8, false},
	} {
		if got := AutoApply(tc.res, tc.m, tc.threshold); got != tc.want {
			t.Errorf("%s: AutoApply = %v, want %v", tc.name, got, tc.want)
		}
	}
}
