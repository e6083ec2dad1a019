package classify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"testing"
)

// state is what a model shows from outside, without the per-document
// record only Learn keeps: its snapshot, fingerprint, size, checks and
// confidences on probe texts (exact floats).
type state struct {
	snapshot    []byte
	fp          uint64
	examples    int
	checks      int
	confidences [][]float64
}

func stateOf(t *testing.T, b *Builtin, probes []corpusDoc) state {
	t.Helper()
	data, err := b.MarshalSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	s := state{snapshot: data, fp: b.Fingerprint(), examples: b.Examples(), checks: b.Checks()}
	for _, d := range probes {
		s.confidences = append(s.confidences, b.confidences(d.Text, corpusTopics))
	}
	return s
}

// sameCounts compares everything but the snapshot's bytes (the order of a
// term's topics may differ between models with the same counts).
func (s state) sameCounts(o state) bool {
	if s.fp != o.fp || s.examples != o.examples || s.checks != o.checks || len(s.confidences) != len(o.confidences) {
		return false
	}
	for i := range s.confidences {
		if !slices.Equal(s.confidences[i], o.confidences[i]) {
			return false
		}
	}
	return true
}

// lessonLearner moves a model on with Lesson and Apply as the library
// does, keeping each document's lesson (as the database does) in a map.
type lessonLearner struct {
	b       *Builtin
	lessons map[string]*Lesson
}

func (l *lessonLearner) learn(t *testing.T, ex Example) {
	t.Helper()
	prev := l.lessons[ex.DocumentID]
	next := l.b.Lesson(ex, prev)
	if next != nil {
		// Stored and read back, as the library does.
		data, err := next.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if next, err = ParseLesson(ex.DocumentID, data); err != nil {
			t.Fatal(err)
		}
	}
	l.b.Apply(prev, next)
	if next == nil {
		delete(l.lessons, ex.DocumentID)
	} else {
		l.lessons[ex.DocumentID] = next
	}
}

// Lesson and Apply, with lessons stored and read back, teach the model
// exactly what Learn does: the same counts, held-out checks and scores.
func TestBuiltinLessonsTeachLikeLearn(t *testing.T) {
	s := loadCorpus(t)
	probes := s.test[:40]
	byLearn := NewBuiltin()
	byLesson := &lessonLearner{b: NewBuiltin(), lessons: map[string]*Lesson{}}
	both := func(ex Example) {
		byLearn.Learn(ex)
		byLesson.learn(t, ex)
	}
	for i := range 5 {
		for _, topic := range corpusTopics {
			d := s.train[topic.ID][i]
			both(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{d.Topic}, Among: corpusTopics})
		}
	}
	d := s.validation[0]
	both(Example{DocumentID: d.ID, Text: d.Text, Topics: []string{"games", "sound"}, Among: corpusTopics})
	both(Example{DocumentID: "r", Text: s.validation[1].Text, Rejected: []string{"mail"}, Among: corpusTopics})
	if got, want := stateOf(t, byLesson.b, probes), stateOf(t, byLearn, probes); !got.sameCounts(want) || got.checks == 0 {
		t.Fatalf("after the same examples, lessons give %d examples, %d checks, %x; Learn %d, %d, %x",
			got.examples, got.checks, got.fp, want.examples, want.checks, want.fp)
	}

	// Learning a document again replaces its lesson; an example without a
	// decision forgets it.
	first := s.train["games"][0]
	both(Example{DocumentID: first.ID, Text: first.Text, Topics: []string{"mail"}, Among: corpusTopics})
	both(Example{DocumentID: d.ID, Text: d.Text, Among: corpusTopics})
	if got, want := stateOf(t, byLesson.b, probes), stateOf(t, byLearn, probes); !got.sameCounts(want) {
		t.Fatal("after relearning and forgetting, lessons and Learn differ")
	}
}

// Applying a lesson and taking it back restores the exact model.
func TestBuiltinApplyThenTakeBackRestoresExactly(t *testing.T) {
	b, s := trainedOn(t, 5)
	probes := s.validation[:40]
	m, err := LoadSnapshot(mustSnapshot(t, b))
	if err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, m, probes)
	d := s.test[0]
	l := m.Lesson(Example{DocumentID: "new", Text: d.Text, Topics: []string{"mail", d.Topic}, Rejected: []string{"sound"}, Among: corpusTopics}, nil)
	if got := stateOf(t, m, probes); !bytes.Equal(got.snapshot, before.snapshot) {
		t.Fatal("Lesson changed the model")
	}
	m.Apply(nil, l)
	if got := stateOf(t, m, probes); got.sameCounts(before) {
		t.Fatal("applying a lesson changed nothing")
	}
	m.Apply(l, nil)
	if got := stateOf(t, m, probes); !got.sameCounts(before) {
		t.Error("Apply then taking the lesson back did not restore the exact model")
	}
}

func mustSnapshot(t *testing.T, b *Builtin) []byte {
	t.Helper()
	data, err := b.MarshalSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A snapshot loads as the model it was taken of, which goes on learning
// from lessons like the original; a format 2 model moves to lessons.
func TestBuiltinSnapshotRoundTrip(t *testing.T) {
	b, s := trainedOn(t, 10)
	for i, d := range s.validation[:10] {
		b.Learn(Example{DocumentID: d.ID, Text: d.Text, Rejected: []string{corpusTopics[i%5].ID}, Among: corpusTopics})
	}
	probes := s.test[:60]
	data := mustSnapshot(t, b)
	t.Logf("%d examples: snapshot of %d bytes", b.Examples(), len(data))
	loaded, err := LoadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	got, want := stateOf(t, loaded, probes), stateOf(t, b, probes)
	if !got.sameCounts(want) || !bytes.Equal(got.snapshot, want.snapshot) {
		t.Fatal("the loaded snapshot differs from the model it was taken of")
	}
	if loaded.cal != b.cal || loaded.single != b.single || loaded.multi != b.multi {
		t.Fatal("the loaded snapshot lost its held-out checks or its count of multi-topic documents")
	}

	// The original's lessons (as a format 2 model moves to them) move the
	// snapshot on as Learn moves the original.
	lessons := map[string]*Lesson{}
	for _, l := range b.Lessons() {
		lessons[l.DocumentID] = l
	}
	if len(lessons) != b.Examples() {
		t.Fatalf("Lessons() = %d lessons, want %d", len(lessons), b.Examples())
	}
	on := &lessonLearner{b: loaded, lessons: lessons}
	d := s.validation[20]
	for _, ex := range []Example{
		{DocumentID: s.train["mail"][3].ID, Among: corpusTopics}, // forget
		{DocumentID: d.ID, Text: d.Text, Topics: []string{"math"}, Among: corpusTopics},
		{DocumentID: s.validation[2].ID, Text: s.validation[2].Text, Topics: []string{"graphics"}, Among: corpusTopics},
	} {
		b.Learn(ex)
		on.learn(t, ex)
	}
	if !stateOf(t, loaded, probes).sameCounts(stateOf(t, b, probes)) {
		t.Error("after the same changes, the loaded snapshot differs from the original")
	}

	// Every lesson taken back leaves an empty model.
	for _, l := range on.lessons {
		loaded.Apply(l, nil)
	}
	if loaded.Examples() != 0 || loaded.Fingerprint() != 0 || loaded.Checks() != 0 || loaded.live != 0 {
		t.Errorf("every lesson taken back: %d examples, %d checks, %d terms, fingerprint %x; want none",
			loaded.Examples(), loaded.Checks(), loaded.live, loaded.Fingerprint())
	}
	empty, err := LoadSnapshot(mustSnapshot(t, NewBuiltin()))
	if err != nil || empty.Examples() != 0 {
		t.Errorf("empty snapshot: %v, %v", empty, err)
	}
}

func TestBuiltinSnapshotRejectsOtherVersionsAndDamage(t *testing.T) {
	b, s := trainedOn(t, 2)
	b.Learn(Example{DocumentID: s.test[0].ID, Text: s.test[0].Text, Rejected: []string{"mail"}})
	data := mustSnapshot(t, b)
	v2, err := b.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !IsSnapshot(data) || IsSnapshot(v2) {
		t.Fatal("IsSnapshot does not tell a snapshot from a format 2 model")
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"nil", nil, ErrModelVersion},
		{"format 2", v2, ErrModelVersion},
		{"no version", append([]byte(nil), builtinMagic...), ErrModelCorrupt},
		{"truncated", data[:len(data)-10], ErrModelCorrupt},
		{"flipped byte", flipByte(data, len(data)/2), ErrModelCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := LoadSnapshot(tc.data); !errors.Is(err, tc.want) {
				t.Fatalf("LoadSnapshot = %v; want an error wrapping %v", err, tc.want)
			}
		})
	}
	if _, err := LoadBuiltin(data); !errors.Is(err, ErrModelVersion) {
		t.Errorf("LoadBuiltin of a snapshot = %v, want ErrModelVersion", err)
	}

	// Damage that keeps the checksum right is still found, never a panic.
	head := len(builtinMagic) + 1
	body := data[head : len(data)-4]
	resum := func(body []byte) []byte {
		out := append(append([]byte(nil), data[:head]...), body...)
		return binary.LittleEndian.AppendUint32(out, crcOf(out))
	}
	for i := 0; i < len(body); i += 1 + len(body)/300 {
		if _, err := LoadSnapshot(resum(flipByte(body, i))); err != nil && !errors.Is(err, ErrModelCorrupt) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
		if _, err := LoadSnapshot(resum(body[:i])); !errors.Is(err, ErrModelCorrupt) {
			t.Fatalf("body cut at %d: %v, want ErrModelCorrupt", i, err)
		}
	}
}

func TestLessonEncoding(t *testing.T) {
	b, s := trainedOn(t, 2)
	d := s.test[0]
	l := b.Lesson(Example{DocumentID: "d", Text: d.Text, Topics: []string{"mail", "games"}, Rejected: []string{"sound"}, Among: corpusTopics}, nil)
	data, err := l.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a lesson of %d terms: %d bytes", l.Terms(), len(data))
	got, err := ParseLesson("d", data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Topics, []string{"games", "mail"}) || !slices.Equal(got.Rejected, []string{"sound"}) ||
		!slices.Equal(got.terms, l.terms) || !bytes.Equal(got.checks, l.checks) || len(l.checks) == 0 ||
		got.Fingerprint() != ExampleFingerprint("d", []string{"mail", "games"}, []string{"sound"}) {
		t.Fatalf("ParseLesson = %+v, want %+v", got, l)
	}
	if b.Lesson(Example{DocumentID: "d", Text: d.Text}, nil) != nil {
		t.Error("an example without a decision gave a lesson, want nil (forget)")
	}
	other := append(binary.AppendUvarint(nil, snapshotFormat+1), data[1:]...)
	if _, err := ParseLesson("d", other); !errors.Is(err, ErrModelVersion) {
		t.Errorf("another format: %v, want ErrModelVersion", err)
	}
	for i := range len(data) {
		if _, err := ParseLesson("d", data[:i]); !errors.Is(err, ErrModelCorrupt) {
			t.Fatalf("cut at %d: %v, want ErrModelCorrupt", i, err)
		}
		if _, err := ParseLesson("d", flipByte(data, i)); err != nil && !errors.Is(err, ErrModelCorrupt) && !errors.Is(err, ErrModelVersion) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
}

func crcOf(data []byte) uint32 { return crc32.ChecksumIEEE(data) }
