package app

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/watch"
)

// writeFiles creates name → content files in a new folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// statuses maps each result's file name to its status.
func statuses(rs []UploadResult) map[string]library.ImportStatus {
	m := map[string]library.ImportStatus{}
	for _, r := range rs {
		m[r.Filename] = r.Status
	}
	return m
}

// result holds a call's two results, so that call(a.Method(…)).must(t)
// reads as one line.
type result[T any] struct {
	v   T
	err error
}

func call[T any](v T, err error) result[T] { return result[T]{v, err} }

// must fails the test on an error and returns the value.
func (r result[T]) must(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

// wantSentence checks err is a sentence a person can read, containing part.
func wantSentence(t *testing.T, err error, part string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", part)
	}
	msg := err.Error()
	if !strings.Contains(strings.ToLower(msg), strings.ToLower(part)) || !strings.HasSuffix(msg, ".") || msg[0] < 'A' || msg[0] > 'Z' {
		t.Fatalf("error %q, want a sentence containing %q", msg, part)
	}
}

func TestImportBrowseAndManage(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		a := e.app
		if err := a.Health(); err != nil {
			t.Fatal(err)
		}
		if ab := call(a.About()).must(t); ab.Profile != "local" || ab.Version != "test" {
			t.Fatalf("About = %+v", ab)
		}

		// Paths: files, a folder walked (hidden files skipped), a path
		// that does not exist, and the same bytes twice.
		dir := writeFiles(t, map[string]string{
			"invoice.txt":         "Invoice 17 for the roof repair, total 1200 EUR.",
			"sub/letter.md":       "# Letter\n\nDear neighbour, about the garden fence.",
			"sub/.hidden.txt":     "not imported",
			"sub/deeper/copy.txt": "Invoice 17 for the roof repair, total 1200 EUR.",
		})
		res := call(a.ImportPaths([]string{filepath.Join(dir, "invoice.txt"), filepath.Join(dir, "sub"), filepath.Join(dir, "missing.pdf")})).must(t)
		got := statuses(res)
		want := map[string]library.ImportStatus{"invoice.txt": library.Imported, "letter.md": library.Imported, "copy.txt": library.Duplicate, "missing.pdf": library.Failed}
		if len(res) != 4 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("ImportPaths = %v, want %v", got, want)
		}
		for _, r := range res {
			if r.Status == library.Failed && !strings.Contains(r.Error, "does not exist") {
				t.Fatalf("failed result %+v, want a sentence saying the file does not exist", r)
			}
		}
		byName := map[string]UploadResult{}
		for _, r := range res {
			byName[r.Filename] = r
		}
		invoice := *byName["invoice.txt"].Document
		if invoice.SizeBytes == 0 || byName["copy.txt"].Document.ID != invoice.ID {
			t.Fatalf("imported %+v; duplicate %+v", invoice, byName["copy.txt"].Document)
		}
		fin := e.rt.waitEvent(t, EventImportFinished)
		if rs := fin.Data.(map[string]any)["results"].([]UploadResult); len(rs) != 4 {
			t.Fatalf("import.finished carries %d results, want 4", len(rs))
		}
		if p := e.rt.events(EventImportProgress); len(p) == 0 || p[len(p)-1].Data.(ImportProgress).Done != 4 {
			t.Fatalf("import.progress = %+v, want the last one at 4 of 4", p)
		}

		// Bytes from the page (base64), and a body that is not base64.
		up := call(a.ImportFile("notes.txt", "text/plain", base64.StdEncoding.EncodeToString([]byte("Meeting notes: budget.")))).must(t)
		if up.Status != library.Imported || up.Document.ContentType == "" {
			t.Fatalf("ImportFile = %+v", up)
		}
		if bad := call(a.ImportFile("x.txt", "", "not base64 !!")).must(t); bad.Status != library.Failed || bad.Error == "" {
			t.Fatalf("ImportFile with a bad body = %+v, want failed with a sentence", bad)
		}

		// Listing: total, paging by cursor, filters, a bad sort.
		page := call(a.ListDocuments(ListQuery{Sort: "name", Limit: 2})).must(t)
		if page.Total != 3 || len(page.Documents) != 2 || page.NextCursor == "" || page.Documents[0].Filename != "invoice.txt" {
			t.Fatalf("first page = %d of %d, next %q, first %q", len(page.Documents), page.Total, page.NextCursor, page.Documents[0].Filename)
		}
		rest := call(a.ListDocuments(ListQuery{Sort: "name", Limit: 2, Cursor: page.NextCursor})).must(t)
		if len(rest.Documents) != 1 || rest.Documents[0].Filename != "notes.txt" {
			t.Fatalf("second page = %+v", rest.Documents)
		}
		_, err := a.ListDocuments(ListQuery{Sort: "sideways"})
		wantSentence(t, err, "unknown sort")

		// Topics CRUD.
		tax := call(a.CreateTopic(library.TopicInput{Name: "Taxes", Description: "Tax office"})).must(t)
		if again := call(a.CreateTopic(library.TopicInput{Name: "taxes"})).must(t); again.ID != tax.ID {
			t.Fatalf("creating an existing name gave %+v, want the same topic", again)
		}
		newName := "Tax"
		if up := call(a.UpdateTopic(tax.ID, library.TopicPatch{Name: &newName})).must(t); up.Name != "Tax" {
			t.Fatalf("UpdateTopic = %+v", up)
		}
		_, err = a.CreateTopic(library.TopicInput{Name: "  "})
		wantSentence(t, err, "name")

		// Folders CRUD.
		home := call(a.CreateFolder("Home", nil)).must(t)
		roof := call(a.CreateFolder("Roof", &home.ID)).must(t)
		renamed := "Roof works"
		moved := call(a.UpdateFolder(roof.ID, FolderPatch{Name: &renamed, ParentID: json.RawMessage("null")})).must(t)
		if moved.Name != "Roof works" || moved.ParentID != nil {
			t.Fatalf("UpdateFolder = %+v, want renamed at the top level", moved)
		}
		if fs := call(a.ListFolders()).must(t); len(fs) != 2 {
			t.Fatalf("ListFolders = %+v", fs)
		}

		// One document: rename, topics, folder; then move, filter, unfile.
		d := call(a.UpdateDocument(invoice.ID, DocumentPatch{
			Filename: ptr("roof invoice.txt"),
			Topics:   &[]string{"Tax", "House"},
			FolderID: json.RawMessage(fmt.Sprintf("%q", home.ID)),
		})).must(t)
		if d.Filename != "roof invoice.txt" || d.FolderID == nil || *d.FolderID != home.ID || !slices.Equal(topicNames(d), []string{"House", "Tax"}) {
			t.Fatalf("UpdateDocument = %q in %v with %v", d.Filename, d.FolderID, topicNames(d))
		}
		if n := call(a.MoveDocuments([]string{invoice.ID, up.Document.ID}, &moved.ID)).must(t); n != 2 {
			t.Fatalf("MoveDocuments = %d", n)
		}
		inRoof := call(a.ListDocuments(ListQuery{Folder: moved.ID})).must(t)
		if inRoof.Total != 2 {
			t.Fatalf("folder filter: %d documents, want 2", inRoof.Total)
		}
		d = call(a.UpdateDocument(invoice.ID, DocumentPatch{FolderID: json.RawMessage("null")})).must(t)
		if d.FolderID != nil {
			t.Fatalf("folder_id null left the document in %v", *d.FolderID)
		}
		_, err = a.UpdateDocument(invoice.ID, DocumentPatch{FolderID: json.RawMessage(`""`)})
		wantSentence(t, err, "folder")
		_, err = a.MoveDocuments(nil, nil)
		wantSentence(t, err, "at least one")
		byTopic := call(a.ListDocuments(ListQuery{Topic: tax.ID})).must(t)
		if byTopic.Total != 1 || byTopic.Documents[0].ID != invoice.ID {
			t.Fatalf("topic filter = %+v", byTopic)
		}
		if ts := call(a.ListTopics()).must(t); len(ts) != 2 {
			t.Fatalf("ListTopics = %+v", ts)
		}
		if err := a.DeleteTopic(tax.ID); err != nil {
			t.Fatal(err)
		}

		// Delete a folder with its contents moved up; delete a document.
		if err := a.DeleteFolder(moved.ID, false); err == nil {
			t.Fatal("deleting a non-empty folder without moving its contents worked")
		}
		if err := a.DeleteFolder(moved.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := a.DeleteDocument(up.Document.ID); err != nil {
			t.Fatal(err)
		}
		_, err = a.GetDocument(up.Document.ID)
		wantSentence(t, err, "not found")
		e.rt.waitEvent(t, events.DocumentDeleted) // the bus reaches the window
		if got := call(a.ListDocuments(ListQuery{})).must(t); got.Total != 2 {
			t.Fatalf("after delete: %d documents, want 2", got.Total)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func topicNames(d library.Document) []string {
	var out []string
	for _, t := range d.Topics {
		out = append(out, t.Name)
	}
	slices.Sort(out)
	return out
}

// fakeOpenAI speaks the OpenAI chat-completions protocol with a fixed
// answer; status, when set, answers every request with it and body.
type fakeOpenAI struct {
	srv    *httptest.Server
	mu     sync.Mutex
	status int
	body   string
	answer string
}

func newFakeOpenAI(t *testing.T, answer string) *fakeOpenAI {
	f := &fakeOpenAI{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if f.status != 0 {
			w.WriteHeader(f.status)
			fmt.Fprint(w, f.body)
			return
		}
		switch r.URL.Path {
		case "/v1/models":
			fmt.Fprint(w, `{"object":"list","data":[{"id":"gpt-test","object":"model","created":1,"owned_by":"test"}]}`)
		case "/v1/chat/completions":
			content, _ := json.Marshal(f.answer)
			fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-test",
				"choices":[{"index":0,"message":{"role":"assistant","content":%s,"refusal":null},"finish_reason":"stop"}],
				"usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}}`, content)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

const testKey = "sk-test-desktop-0123456789abcdef"

func TestSettingsClassificationAndPipeline(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		a := e.app
		llm := newFakeOpenAI(t, `{"topics":[{"name":"Taxes","confidence":0.93},{"name":"Bank","confidence":0.55}],"new_topic_name":null,"new_topic_description":null}`)

		// Settings: the key goes in, only its mask comes out.
		s := call(a.GetSettings()).must(t)
		s.AIProvider, s.AIModel, s.AIBaseURL, s.APIKey = "openai", "gpt-test", llm.srv.URL+"/v1", testKey
		saved := call(a.SaveSettings(s.Patch())).must(t)
		if saved.APIKey == testKey || strings.Contains(saved.APIKey, testKey[:12]) || saved.APIKey == "" {
			t.Fatalf("SaveSettings answered the key %q, want it masked", saved.APIKey)
		}
		if again := call(a.GetSettings()).must(t); again.APIKey != saved.APIKey || again.AIProvider != "openai" {
			t.Fatalf("GetSettings = %+v", again)
		}
		bad := saved
		bad.AutoApplyThreshold = 7
		_, err := a.SaveSettings(bad.Patch())
		wantSentence(t, err, "threshold")

		// TestConnection: the saved settings, the form's, and a provider
		// that refuses the key (its sentence, never the key).
		if err := a.TestConnection(nil); err != nil {
			t.Fatalf("TestConnection(saved) = %v", err)
		}
		form := saved.Patch()
		if err := a.TestConnection(&form); err != nil {
			t.Fatalf("TestConnection(form) = %v", err)
		}
		llm.mu.Lock()
		llm.status, llm.body = 401, `{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}`
		llm.mu.Unlock()
		err = a.TestConnection(nil)
		if err == nil || strings.Contains(err.Error(), testKey) || !strings.HasSuffix(err.Error(), ".") {
			t.Fatalf("TestConnection against a 401 = %v, want a sentence without the key", err)
		}
		llm.mu.Lock()
		llm.status = 0
		llm.mu.Unlock()

		// The pipeline: extraction, then classification applies Taxes
		// (0.93) and suggests Bank (0.55).
		taxes := call(a.CreateTopic(library.TopicInput{Name: "Taxes", Description: "Tax returns"})).must(t)
		bank := call(a.CreateTopic(library.TopicInput{Name: "Bank", Description: "Statements"})).must(t)
		e.startWorkers(t)
		dir := writeFiles(t, map[string]string{"return.txt": "Income tax return 2025, refund from the revenue office."})
		res := call(a.ImportPaths([]string{filepath.Join(dir, "return.txt")})).must(t)
		doc := e.waitDone(t, res[0].Document.ID)
		if doc.Status != store.StatusReady || !slices.Equal(topicNames(doc), []string{"Taxes"}) || len(doc.Suggestions) != 1 {
			t.Fatalf("processed document: %s, topics %v, suggestions %+v", doc.Status, topicNames(doc), doc.Suggestions)
		}
		e.rt.waitEvent(t, events.DocumentReady)

		if err := a.AcceptSuggestion(doc.ID, bank.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.RejectSuggestion(doc.ID, taxes.ID); err != nil {
			t.Fatal(err)
		}
		wantSentence(t, a.AcceptSuggestion(doc.ID, taxes.ID), "not suggested")
		doc = call(a.GetDocument(doc.ID)).must(t)
		if !slices.Equal(topicNames(doc), []string{"Bank"}) {
			t.Fatalf("after accept/reject: topics %v, want Bank", topicNames(doc))
		}

		// Search finds it by its text.
		hits := call(a.SearchDocuments("revenue", ListQuery{})).must(t)
		if hits.Total != 1 || hits.Hits[0].Document.ID != doc.ID || len(hits.Hits[0].Highlights) == 0 {
			t.Fatalf("SearchDocuments = %+v", hits)
		}
		_, err = a.SearchDocuments(`"unclosed`, ListQuery{})
		wantSentence(t, err, "quote")

		// Requeue: one document, all, extraction again; then the counts.
		if err := a.ClassifyDocument(doc.ID); err != nil {
			t.Fatal(err)
		}
		e.waitIdle(t)
		if n := call(a.ClassifyAll()).must(t); n != 1 {
			t.Fatalf("ClassifyAll queued %d, want 1", n)
		}
		e.waitIdle(t)
		if d := call(a.ReprocessDocument(doc.ID)).must(t); d.ID != doc.ID {
			t.Fatalf("ReprocessDocument = %+v", d)
		}
		e.waitIdle(t)
		c := call(a.JobCounts()).must(t)
		if c.Failed != 0 {
			t.Fatalf("JobCounts = %+v", c)
		}
		wantSentence(t, a.ClassifyDocument("00000000-0000-0000-0000-000000000000"), "not found")
	})
}

func TestWatchStatus(t *testing.T) {
	a := New(t.Context(), Options{})
	if st := call(a.WatchStatus()).must(t); st == nil || len(st) != 0 {
		t.Fatalf("WatchStatus with no watcher = %#v, want []", st)
	}
	want := []watch.FolderStatus{{Path: "/srv/inbox", State: watch.StateWatching, Imported: 3}}
	a = New(t.Context(), Options{WatchStatus: func() []watch.FolderStatus { return want }})
	if st := call(a.WatchStatus()).must(t); len(st) != 1 || st[0] != want[0] {
		t.Fatalf("WatchStatus = %+v", st)
	}
}
