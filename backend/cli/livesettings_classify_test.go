package cli

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

// TestWorkerFollowsProviderAndThreshold keeps one `docsift worker`
// process running while another process changes the AI provider and the
// auto-apply threshold: the next documents the worker classifies use
// them, without a restart. The fake provider answers "Meetings" with
// confidence 0.4: applied under a threshold of 0.3, only suggested under
// 0.9.
func TestWorkerFollowsProviderAndThreshold(t *testing.T) {
	fake := httptest.NewServer(&fakeOpenAI{})
	defer fake.Close()
	data := t.TempDir()
	lib, _ := openLibrary(t, nil, data)
	ctx := context.Background()
	if _, err := lib.CreateTopic(ctx, library.TopicInput{Name: "Meetings"}); err != nil {
		t.Fatal(err)
	}
	worker := startChild(t, nil, "worker", "--data-dir", data, "--workers", "1")

	provider, model, url, key, low := "openai", "gpt-4o-mini", fake.URL+"/v1", "sk-test-live-0123456789", 0.3
	if _, err := lib.UpdateSettings(ctx, library.SettingsPatch{AIProvider: &provider, AIModel: &model, AIBaseURL: &url, APIKey: &key, AutoApplyThreshold: &low}); err != nil {
		t.Fatal(err)
	}
	first := classified(t, lib, worker, "minutes-1.txt")
	if len(first.Topics) != 1 || first.Topics[0].Name != "Meetings" {
		t.Fatalf("under a threshold of 0.3 the worker gave topics %+v, suggestions %+v; want Meetings applied (from the provider saved after it started)", first.Topics, first.Suggestions)
	}

	high := 0.9
	if _, err := lib.UpdateSettings(ctx, library.SettingsPatch{AutoApplyThreshold: &high}); err != nil {
		t.Fatal(err)
	}
	second := classified(t, lib, worker, "minutes-2.txt")
	if len(second.Topics) != 0 || len(second.Suggestions) != 1 || second.Suggestions[0].Name != "Meetings" {
		t.Fatalf("under a threshold of 0.9 the worker gave topics %+v, suggestions %+v; want Meetings suggested only", second.Topics, second.Suggestions)
	}
}

// classified imports a note through lib and waits for the worker to make
// it ready.
func classified(t *testing.T, lib *library.Library, worker *childProc, name string) library.Document {
	t.Helper()
	ctx := context.Background()
	res, err := lib.Import(ctx, name, "text/plain", strings.NewReader("minutes of the weekly meeting: "+name))
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		d, err := lib.Document(ctx, res.Document.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == store.StatusReady || d.Status == store.StatusFailed {
			return d
		}
		if time.Now().After(deadline) || worker.exited() {
			t.Fatalf("%s still %s; worker: %s", name, d.Status, worker.stderr.String())
		}
	}
}
