package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

// TestClassifyCommand sorts imported documents with the builtin classifier,
// teaches it with tag, and classifies again from the command line. With
// topic names and descriptions only, nothing is applied behind the
// person's back: the right topic waits in the Inbox as the first
// suggestion.
func TestClassifyCommand(t *testing.T) {
	vars := map[string]string{"DOCSIFT_DATA_DIR": t.TempDir()}
	dir := t.TempDir()
	docs := map[string]string{
		"beds.txt":   "Sow the tomato seeds in rich soil with compost; water the vegetables and flowers.",
		"refund.txt": "The revenue office sent the income tax refund after the tax return.",
		"misc.txt":   "Xylophone quartet rehearsal schedule.",
	}
	for name, body := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"topics", "add", "Gardening", "--description", "plants, seeds, soil, watering, flowers, vegetables, compost"},
		{"topics", "add", "Taxes", "--description", "tax return, income, deductions, revenue office, refund"},
		{"classify", "--test"},
		{"import", dir},
	} {
		if code, _, errs := run(t, vars, args...); code != ExitOK {
			t.Fatalf("docsift %s: exit %d: %s", strings.Join(args, " "), code, errs)
		}
	}
	list := func(args ...string) map[string][]string {
		t.Helper()
		code, out, errs := run(t, vars, append([]string{"ls", "--json"}, args...)...)
		if code != ExitOK {
			t.Fatalf("ls: %d %s", code, errs)
		}
		var rows []struct {
			ID       string   `json:"id"`
			Filename string   `json:"filename"`
			Topics   []string `json:"topics"`
		}
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("ls --json: %v: %s", err, out)
		}
		m := map[string][]string{}
		for _, r := range rows {
			m[r.Filename] = append([]string{r.ID}, r.Topics...)
		}
		return m
	}
	all := list()
	inbox := list("--inbox")
	lib, _ := openLibrary(t, vars, vars["DOCSIFT_DATA_DIR"])
	for name, want := range map[string]string{"beds.txt": "Gardening", "refund.txt": "Taxes"} {
		if got := all[name]; len(got) != 1 {
			t.Errorf("%s = %v, want no topic applied before the person filed any document", name, got)
		}
		if _, ok := inbox[name]; !ok {
			t.Errorf("inbox = %v, want %s waiting with a suggestion", inbox, name)
		}
		d, err := lib.Document(context.Background(), all[name][0])
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Suggestions) == 0 || d.Suggestions[0].Name != want {
			t.Errorf("%s suggests %+v, want %s first", name, d.Suggestions, want)
		}
	}
	if _, ok := inbox["misc.txt"]; !ok {
		t.Errorf("inbox = %v, want misc.txt (no topic fits it)", inbox)
	}
	if code, _, errs := run(t, vars, "tag", all["misc.txt"][0], "Gardening"); code != ExitOK {
		t.Fatalf("tag: %s", errs)
	}
	if _, ok := list("--inbox")["misc.txt"]; ok {
		t.Error("misc.txt still in the inbox after tagging it")
	}
	if code, _, errs := run(t, vars, "classify", "--all"); code != ExitOK || !strings.Contains(errs, "3 document(s) queued") {
		t.Errorf("classify --all: exit %d, %q", code, errs)
	}
	if got := list()["misc.txt"]; len(got) != 2 || got[1] != "Gardening" {
		t.Errorf("misc.txt after classify --all = %v, want the person's Gardening kept", got)
	}
	if code, _, _ := run(t, vars, "classify"); code != ExitUsage {
		t.Errorf("classify with nothing to do: exit %d, want usage", code)
	}
}

// TestClassifyFailedCommand: a document the provider could not sort is
// named with the provider's sentence, and classify --failed sorts it once
// the provider answers again.
func TestClassifyFailedCommand(t *testing.T) {
	data := t.TempDir()
	vars := map[string]string{"DOCSIFT_DATA_DIR": data}
	var up atomic.Bool
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !up.Load() {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		fmt.Fprint(w, `{"id":"c1","object":"chat.completion","model":"gpt-test","choices":[{"index":0,`+
			`"message":{"role":"assistant","content":"{\"topics\":[{\"name\":\"Taxes\",\"confidence\":0.95}],`+
			`\"new_topic_name\":null,\"new_topic_description\":null}"},"finish_reason":"stop"}]}`)
	}))
	defer fake.Close()
	lib, _ := openLibrary(t, vars, data)
	ctx := context.Background()
	if _, err := lib.CreateTopic(ctx, library.TopicInput{Name: "Taxes"}); err != nil {
		t.Fatal(err)
	}
	s, _ := lib.Settings(ctx)
	s.AIProvider, s.AIModel, s.AIBaseURL, s.APIKey = "openai", "gpt-test", fake.URL+"/v1", "sk-test-failed-0123456789"
	if _, err := lib.SaveSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "refund.txt"), []byte("income tax refund"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, vars, "import", dir); code != ExitOK {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	code, _, errs := run(t, vars, "classify", "--failed")
	if code != ExitFailed || !strings.Contains(errs, "1 document(s) queued") || !strings.Contains(errs, "refund.txt: ") ||
		!strings.Contains(errs, "key") || !strings.Contains(errs, "1 document(s) could not be classified") {
		t.Fatalf("classify --failed with the provider refusing the key: exit %d, %q", code, errs)
	}
	code, out, errs := run(t, vars, "ls", "--unclassified", "--json")
	if code != ExitOK || !strings.Contains(out, `"classify_error":`) || !strings.Contains(out, "refund.txt") {
		t.Errorf("ls --unclassified --json: exit %d, %s %s", code, out, errs)
	}
	up.Store(true)
	if code, _, errs := run(t, vars, "classify", "--failed"); code != ExitOK || !strings.Contains(errs, "1 document(s) queued") {
		t.Fatalf("classify --failed with the provider back: exit %d, %q", code, errs)
	}
	if code, out, _ := run(t, vars, "ls", "--unclassified", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("ls --unclassified after the retry: exit %d, %s", code, out)
	}
	if code, _, errs := run(t, vars, "classify", "--failed"); code != ExitOK || !strings.Contains(errs, "0 document(s) queued") {
		t.Errorf("classify --failed with nothing left: exit %d, %q", code, errs)
	}
	if code, _, _ := run(t, vars, "classify", "--failed", "--all"); code != ExitUsage {
		t.Errorf("classify --failed --all: exit %d, want usage", code)
	}
}
