package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

func classificationTests() []subtest {
	return []subtest{
		{"Classify/OutcomeAppliesAndSuggests", testClassifyOutcome},
		{"Classify/RerunReplacesOnlyClassifierWork", testClassifyRerun},
		{"Classify/Accept", testClassifyAccept},
		{"Classify/Reject", testClassifyReject},
		{"Classify/RejectedNotSuggestedAgain", testClassifyRejectedStays},
		{"Classify/OtherUsersTopicIgnored", testClassifyOtherUser},
		{"Classify/UserLinkClearsSuggestion", testClassifyUserLinkClears},
		{"Classify/InboxFilter", testClassifyInbox},
		{"Classify/TrainingExamples", testClassifyTraining},
		{"Classify/ModelRoundTrip", testClassifyModel},
		{"Classify/ExampleVersions", testClassifierExamples},
		{"Classify/ModelFoldsExamples", testClassifierModelFolds},
		{"Classify/ConcurrentExampleWriters", testClassifierExamplesConcurrent},
		{"Classify/ReplaceExamples", testClassifierReplace},
		{"Classify/EnqueueForAll", testClassifyEnqueueForAll},
		{"Classify/DeletedTopicGoes", testClassifyDeleteTopic},
	}
}

// classifyDoc creates a document, runs one claimed classify job over it
// with outcome c, and returns the document.
func (f *jobFixture) classifyDoc(name string, c store.ClassificationOutcome) store.Document {
	f.t.Helper()
	d := f.doc(name, func(d *store.Document) { d.Status = store.StatusClassifying })
	f.runClassify(d.ID, c)
	return f.get(d.ID)
}

// runClassify enqueues, claims and finishes one classify job with c.
func (f *jobFixture) runClassify(docID string, c store.ClassificationOutcome) {
	f.t.Helper()
	f.enqueue(docID, "classify", time.Time{})
	j := f.claimOne("classifier", longLease)
	ready := store.StatusReady
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: j.ID, Owner: "classifier",
		Document: store.DocumentPatch{Status: &ready}, Classification: &c}); err != nil {
		f.t.Fatalf("FinishJob with a classification: %v", err)
	}
}

func applied(links ...store.TopicLink) []store.TopicLink { return links }

func cl(tp store.Topic, conf float64) store.TopicLink {
	return store.TopicLink{TopicID: tp.ID, Source: store.SourceClassifier, Confidence: conf}
}

// topicSources maps topic name → source for a document's links.
func topicSources(d store.Document) map[string]store.LinkSource {
	m := map[string]store.LinkSource{}
	for _, l := range d.Topics {
		m[l.Name] = l.Source
	}
	return m
}

func suggestionNames(d store.Document) []string {
	var n []string
	for _, s := range d.Suggestions {
		n = append(n, s.Name)
	}
	return n
}

func testClassifyOutcome(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	tax, bank, travel := f.topic("Tax"), f.topic("Bank"), f.topic("Travel")
	at := f.base.Add(time.Hour)
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{
		Applied:   applied(cl(tax, 0.93)),
		Suggested: applied(cl(travel, 0.41), cl(bank, 0.62)),
		Record: store.Classification{Provider: "openai", Model: "gpt-x", Truncated: true, Dropped: 2,
			NewTopic: &store.TopicProposal{Name: "Insurance", Description: "Policies"}, ClassifiedAt: at},
	})
	if d.Status != store.StatusReady {
		t.Errorf("status = %q, want ready", d.Status)
	}
	if len(d.Topics) != 1 || d.Topics[0].TopicID != tax.ID || d.Topics[0].Source != store.SourceClassifier || d.Topics[0].Confidence != 0.93 {
		t.Errorf("topics = %+v, want Tax by the classifier at 0.93", d.Topics)
	}
	if got := suggestionNames(d); !slices.Equal(got, []string{"Bank", "Travel"}) {
		t.Errorf("suggestions = %v, want Bank then Travel (by confidence)", got)
	}
	if d.Suggestions[0].Confidence != 0.62 || d.Suggestions[0].Color == "" {
		t.Errorf("first suggestion = %+v, want confidence 0.62 and the topic's color", d.Suggestions[0])
	}
	c := d.Classification
	if c == nil || c.Provider != "openai" || c.Model != "gpt-x" || !c.Truncated || c.Dropped != 2 ||
		c.NewTopic == nil || c.NewTopic.Name != "Insurance" || !c.ClassifiedAt.Equal(at) {
		t.Errorf("classification = %+v, want the record as written", c)
	}
	if n := f.topicCount(tax.ID); n != 1 {
		t.Errorf("Tax count = %d, want 1 (an applied topic counts)", n)
	}
	if n := f.topicCount(bank.ID); n != 0 {
		t.Errorf("Bank count = %d, want 0 (a suggestion is not a link)", n)
	}
	sugs, rec, err := s.DocumentSuggestions(f.ctx, d.UserID, d.ID)
	if err != nil || len(sugs) != 2 || rec == nil {
		t.Errorf("DocumentSuggestions = %d, %v, %v; want 2 and a record", len(sugs), rec, err)
	}
	plain := f.doc("b.pdf", nil)
	sugs, rec, err = s.DocumentSuggestions(f.ctx, plain.UserID, plain.ID)
	if err != nil || len(sugs) != 0 || rec != nil {
		t.Errorf("DocumentSuggestions of an unclassified document = %v, %v, %v; want none", sugs, rec, err)
	}
	_, _, err = s.DocumentSuggestions(f.ctx, f.user.ID, "00000000-0000-4000-8000-000000000000")
	wantErr(t, "DocumentSuggestions of a missing document", err, store.ErrNotFound)
}

func testClassifyRerun(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	tax, bank, travel, home := f.topic("Tax"), f.topic("Bank"), f.topic("Travel"), f.topic("Home")
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{
		Applied: applied(cl(tax, 0.9)), Suggested: applied(cl(bank, 0.5)),
		Record: store.Classification{Provider: "builtin"},
	})
	// The person adds Home by hand; the rerun must keep it.
	if err := s.SetDocumentTopics(f.ctx, d.UserID, d.ID, []store.TopicLink{
		{TopicID: tax.ID, Source: store.SourceClassifier, Confidence: 0.9},
		{TopicID: home.ID, Source: store.SourceUser, Confidence: 1},
	}); err != nil {
		t.Fatal(err)
	}
	f.runClassify(d.ID, store.ClassificationOutcome{
		Applied:   applied(cl(travel, 0.85), cl(home, 0.99)),
		Suggested: applied(cl(tax, 0.3)),
		Record:    store.Classification{Provider: "builtin", Model: "v2"},
	})
	got := f.get(d.ID)
	want := map[string]store.LinkSource{"Travel": store.SourceClassifier, "Home": store.SourceUser}
	if srcs := topicSources(got); !sameSources(srcs, want) {
		t.Errorf("topics after a rerun = %v, want %v (old classifier links replaced, the user's kept)", srcs, want)
	}
	if names := suggestionNames(got); !slices.Equal(names, []string{"Tax"}) {
		t.Errorf("suggestions after a rerun = %v, want only Tax (Bank's pending suggestion replaced)", names)
	}
	if got.Classification == nil || got.Classification.Model != "v2" {
		t.Errorf("classification = %+v, want the second run's", got.Classification)
	}
	if n := f.topicCount(tax.ID); n != 0 {
		t.Errorf("Tax count = %d, want 0", n)
	}
}

func sameSources(a, b map[string]store.LinkSource) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func testClassifyAccept(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	tax, bank, travel := f.topic("Tax"), f.topic("Bank"), f.topic("Travel")
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{
		Applied: applied(cl(tax, 0.9)), Suggested: applied(cl(bank, 0.55)),
	})
	if err := s.AcceptSuggestion(f.ctx, d.UserID, d.ID, bank.ID); err != nil {
		t.Fatalf("AcceptSuggestion of a suggestion: %v", err)
	}
	if err := s.AcceptSuggestion(f.ctx, d.UserID, d.ID, tax.ID); err != nil {
		t.Fatalf("AcceptSuggestion of an applied topic: %v", err)
	}
	got := f.get(d.ID)
	want := map[string]store.LinkSource{"Tax": store.SourceUser, "Bank": store.SourceUser}
	if srcs := topicSources(got); !sameSources(srcs, want) {
		t.Errorf("topics after accepting = %v, want %v", srcs, want)
	}
	for _, l := range got.Topics {
		if l.Name == "Bank" && l.Confidence != 0.55 {
			t.Errorf("accepted Bank confidence = %v, want the suggestion's 0.55", l.Confidence)
		}
	}
	if len(got.Suggestions) != 0 {
		t.Errorf("suggestions after accepting = %v, want none", suggestionNames(got))
	}
	if n := f.topicCount(bank.ID); n != 1 {
		t.Errorf("Bank count = %d, want 1", n)
	}
	wantErr(t, "AcceptSuggestion of a topic never suggested", s.AcceptSuggestion(f.ctx, d.UserID, d.ID, travel.ID), store.ErrNotFound)
	wantErr(t, "AcceptSuggestion twice", s.AcceptSuggestion(f.ctx, d.UserID, d.ID, bank.ID), store.ErrNotFound)
	wantErr(t, "AcceptSuggestion of a missing document", s.AcceptSuggestion(f.ctx, f.user.ID, "00000000-0000-4000-8000-000000000000", bank.ID), store.ErrNotFound)
	wantErr(t, "AcceptSuggestion with a malformed id", s.AcceptSuggestion(f.ctx, f.user.ID, "nope", "nope"), store.ErrNotFound)
}

func testClassifyReject(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	tax, bank := f.topic("Tax"), f.topic("Bank")
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{
		Applied: applied(cl(tax, 0.9)), Suggested: applied(cl(bank, 0.55)),
	})
	if err := s.RejectSuggestion(f.ctx, d.UserID, d.ID, bank.ID); err != nil {
		t.Fatalf("RejectSuggestion of a suggestion: %v", err)
	}
	if err := s.RejectSuggestion(f.ctx, d.UserID, d.ID, tax.ID); err != nil {
		t.Fatalf("RejectSuggestion of an applied topic: %v", err)
	}
	got := f.get(d.ID)
	if len(got.Topics) != 0 || len(got.Suggestions) != 0 {
		t.Errorf("after rejecting both: topics %v, suggestions %v; want none", topicSources(got), suggestionNames(got))
	}
	if n := f.topicCount(tax.ID); n != 0 {
		t.Errorf("Tax count = %d, want 0 after rejecting the applied link", n)
	}
	wantErr(t, "RejectSuggestion twice", s.RejectSuggestion(f.ctx, d.UserID, d.ID, bank.ID), store.ErrNotFound)
	var ex []store.TrainingExample
	if err := s.TrainingExamples(f.ctx, store.TrainingQuery{UserID: f.user.ID}, func(e store.TrainingExample) error {
		ex = append(ex, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ex) != 1 || len(ex[0].Topics) != 0 || !sameSet(ex[0].Rejected, []string{tax.ID, bank.ID}) {
		t.Errorf("training examples = %+v, want the document with Tax and Bank rejected", ex)
	}
}

func testClassifyRejectedStays(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	bank := f.topic("Bank")
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{Suggested: applied(cl(bank, 0.5))})
	if err := s.RejectSuggestion(f.ctx, d.UserID, d.ID, bank.ID); err != nil {
		t.Fatal(err)
	}
	f.runClassify(d.ID, store.ClassificationOutcome{Suggested: applied(cl(bank, 0.6))})
	if got := f.get(d.ID); len(got.Suggestions) != 0 {
		t.Errorf("a rejected topic came back as a suggestion: %v", suggestionNames(got))
	}
	f.runClassify(d.ID, store.ClassificationOutcome{Applied: applied(cl(bank, 0.95))})
	if got := f.get(d.ID); len(got.Topics) != 0 {
		t.Errorf("a rejected topic was applied: %v", topicSources(got))
	}
	// Linking it by hand overrides the rejection.
	f.link(d.ID, bank)
	f.runClassify(d.ID, store.ClassificationOutcome{})
	got := f.get(d.ID)
	if srcs := topicSources(got); srcs["Bank"] != store.SourceUser {
		t.Errorf("topics = %v, want Bank linked by the user", srcs)
	}
	var ex []store.TrainingExample
	_ = s.TrainingExamples(f.ctx, store.TrainingQuery{UserID: f.user.ID, DocumentID: d.ID}, func(e store.TrainingExample) error {
		ex = append(ex, e)
		return nil
	})
	if len(ex) != 1 || len(ex[0].Rejected) != 0 || !sameSet(ex[0].Topics, []string{bank.ID}) {
		t.Errorf("training example = %+v, want Bank linked and nothing rejected", ex)
	}
}

func testClassifyOtherUser(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	other := f.otherUser()
	foreign := store.Topic{ID: "00000000-0000-4000-8000-0000000000aa", UserID: other.ID, Name: "Theirs"}
	if err := s.CreateTopic(f.ctx, &foreign); err != nil {
		t.Fatal(err)
	}
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{
		Applied:   applied(cl(foreign, 0.99), store.TopicLink{TopicID: "not-an-id", Confidence: 0.9}),
		Suggested: applied(cl(foreign, 0.5)),
	})
	if len(d.Topics) != 0 || len(d.Suggestions) != 0 {
		t.Errorf("another user's topic reached the document: %v %v", topicSources(d), suggestionNames(d))
	}
}

func testClassifyUserLinkClears(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	bank := f.topic("Bank")
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{Suggested: applied(cl(bank, 0.5))})
	f.link(d.ID, bank)
	got := f.get(d.ID)
	if len(got.Suggestions) != 0 {
		t.Errorf("suggestions after the person linked the topic = %v, want none", suggestionNames(got))
	}
}

func testClassifyInbox(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	tax, bank := f.topic("Tax"), f.topic("Bank")
	suggested := f.classifyDoc("suggested.pdf", store.ClassificationOutcome{Applied: applied(cl(tax, 0.9)), Suggested: applied(cl(bank, 0.5))})
	sorted := f.classifyDoc("sorted.pdf", store.ClassificationOutcome{Applied: applied(cl(tax, 0.9))})
	bare := f.classifyDoc("bare.pdf", store.ClassificationOutcome{})
	f.doc("processing.pdf", func(d *store.Document) { d.Status = store.StatusExtracting })
	page := f.list(store.DocumentFilter{Inbox: true, Sort: store.SortName})
	var names []string
	for _, d := range page.Documents {
		names = append(names, d.Filename)
	}
	if !slices.Equal(names, []string{"bare.pdf", "suggested.pdf"}) || page.Total != 2 {
		t.Errorf("inbox = %v (total %d), want bare.pdf and suggested.pdf", names, page.Total)
	}
	if err := s.AcceptSuggestion(f.ctx, suggested.UserID, suggested.ID, bank.ID); err != nil {
		t.Fatal(err)
	}
	f.link(bare.ID, tax)
	if page := f.list(store.DocumentFilter{Inbox: true}); page.Total != 0 {
		t.Errorf("inbox after deciding = %d documents, want 0", page.Total)
	}
	_ = sorted
	// Search honours the inbox filter too.
	if err := s.RejectSuggestion(f.ctx, sorted.UserID, sorted.ID, tax.ID); err != nil {
		t.Fatal(err)
	}
	sp, err := s.Search(f.ctx, store.SearchQuery{Filter: store.DocumentFilter{UserID: f.user.ID, Inbox: true},
		Must: [][]store.SearchTerm{{{Text: "sorted"}}}})
	if err != nil {
		t.Fatalf("Search with the inbox filter: %v", err)
	}
	if len(sp.Hits) != 1 || sp.Hits[0].Document.ID != sorted.ID {
		t.Errorf("inbox search = %d hits, want sorted.pdf (no topic left)", len(sp.Hits))
	}
}

func testClassifyTraining(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	tax, bank := f.topic("Tax"), f.topic("Bank")
	a := f.doc("a.pdf", nil)
	f.link(a.ID, tax, bank)
	text := "income statement"
	if _, err := s.UpdateDocument(f.ctx, a.UserID, a.ID, store.DocumentPatch{ExtractedText: &text}); err != nil {
		t.Fatal(err)
	}
	b := f.classifyDoc("b.pdf", store.ClassificationOutcome{Applied: applied(cl(tax, 0.9))}) // classifier only: no decision
	f.doc("c.pdf", nil)                                                                      // nothing
	rule := f.doc("d.pdf", nil)
	if err := s.SetDocumentTopics(f.ctx, rule.UserID, rule.ID, []store.TopicLink{{TopicID: bank.ID, Source: store.SourceRule, Confidence: 1}}); err != nil {
		t.Fatal(err)
	}
	got := map[string]store.TrainingExample{}
	err := s.TrainingExamples(f.ctx, store.TrainingQuery{UserID: f.user.ID, WithText: true}, func(e store.TrainingExample) error {
		got[e.DocumentID] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("training examples = %d, want 2 (the user's and the rule's documents)", len(got))
	}
	if e := got[a.ID]; e.Text != text || !sameSet(e.Topics, []string{tax.ID, bank.ID}) || len(e.Rejected) != 0 {
		t.Errorf("example of a = %+v", e)
	}
	if e := got[rule.ID]; !sameSet(e.Topics, []string{bank.ID}) {
		t.Errorf("example of the rule's document = %+v", e)
	}
	var one []store.TrainingExample
	err = s.TrainingExamples(f.ctx, store.TrainingQuery{UserID: f.user.ID, DocumentID: b.ID}, func(e store.TrainingExample) error {
		one = append(one, e)
		return nil
	})
	if err != nil || len(one) != 1 || len(one[0].Topics) != 0 || one[0].Text != "" {
		t.Errorf("example of one undecided document = %+v, %v; want it with empty lists and no text", one, err)
	}
	err = s.TrainingExamples(f.ctx, store.TrainingQuery{UserID: f.user.ID, DocumentID: "00000000-0000-4000-8000-000000000000"},
		func(store.TrainingExample) error { return nil })
	wantErr(t, "TrainingExamples of a missing document", err, store.ErrNotFound)
}

func testClassifyModel(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	_, err := s.ClassifierModel(f.ctx, f.user.ID, "builtin")
	wantErr(t, "ClassifierModel before any save", err, store.ErrNotFound)
	data := []byte{0, 1, 2, 0xff, 'x'}
	m := store.ClassifierModel{UserID: f.user.ID, Name: "builtin", Fingerprint: 1<<63 + 12345, Data: data, UpdatedAt: f.base}
	if err := s.SaveClassifierModel(f.ctx, m); err != nil {
		t.Fatalf("SaveClassifierModel: %v", err)
	}
	got, err := s.ClassifierModel(f.ctx, f.user.ID, "builtin")
	if err != nil || got.Fingerprint != m.Fingerprint || !slices.Equal(got.Data, data) || !got.UpdatedAt.Equal(f.base) {
		t.Fatalf("ClassifierModel = %+v, %v; want what was saved (a fingerprint above 2^63 included)", got, err)
	}
	m.Data, m.Fingerprint, m.UpdatedAt = []byte("second"), 7, time.Time{}
	if err := s.SaveClassifierModel(f.ctx, m); err != nil {
		t.Fatal(err)
	}
	got, _ = s.ClassifierModel(f.ctx, f.user.ID, "builtin")
	if string(got.Data) != "second" || got.Fingerprint != 7 {
		t.Errorf("after a second save = %q %d, want it replaced", got.Data, got.Fingerprint)
	}
	closeTime(t, "UpdatedAt defaulting to now", got.UpdatedAt, time.Now())
	if _, err := s.ClassifierModel(f.ctx, f.otherUser().ID, "builtin"); err == nil {
		t.Error("another user sees the model")
	}
}

func testClassifyEnqueueForAll(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	var ready []string
	for _, name := range []string{"a", "b", "c"} {
		ready = append(ready, f.doc(name, func(d *store.Document) { d.Status = store.StatusReady }).ID)
	}
	f.doc("failed", func(d *store.Document) { d.Status = store.StatusFailed })
	f.enqueue(ready[0], "classify", time.Time{}) // already queued: not twice
	n, err := s.EnqueueForAll(f.ctx, f.user.ID, "classify", []store.Status{store.StatusReady})
	if err != nil || n != 2 {
		t.Fatalf("EnqueueForAll = %d, %v; want 2", n, err)
	}
	f.wantCounts("after EnqueueForAll", store.JobCounts{Queued: 3})
	for _, id := range ready {
		jobs := f.jobs(id)
		if len(jobs) != 1 || jobs[0].Kind != "classify" || jobs[0].ID == "" {
			t.Errorf("jobs of %s = %+v, want one classify job", id, jobs)
		}
	}
	n, err = s.EnqueueForAll(f.ctx, f.user.ID, "classify", []store.Status{store.StatusReady})
	if err != nil || n != 0 {
		t.Errorf("EnqueueForAll again = %d, %v; want 0", n, err)
	}
	if _, err := s.EnqueueForAll(f.ctx, f.user.ID, "classify", []store.Status{"bogus"}); err == nil {
		t.Error("EnqueueForAll with an unknown status: no error")
	}
}

func testClassifyDeleteTopic(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	bank := f.topic("Bank")
	d := f.classifyDoc("a.pdf", store.ClassificationOutcome{Suggested: applied(cl(bank, 0.5))})
	if err := s.DeleteTopic(f.ctx, bank.UserID, bank.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.get(d.ID); len(got.Suggestions) != 0 {
		t.Errorf("suggestions of a deleted topic remain: %v", suggestionNames(got))
	}
	if err := s.DeleteDocument(f.ctx, d.UserID, d.ID); err != nil {
		t.Fatalf("DeleteDocument of a classified document: %v", err)
	}
}
