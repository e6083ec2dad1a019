package library_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

func importText(t *testing.T, e *env, name, body string) library.Document {
	t.Helper()
	res, err := e.lib.Import(context.Background(), name, "", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return res.Document
}

func topicNames(d library.Document) []string {
	var out []string
	for _, t := range d.Topics {
		out = append(out, t.Name)
	}
	return out
}

func TestDocumentsFilterSortAndPage(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a := importText(t, e, "b-small.txt", "1")
		b := importText(t, e, "a-large.txt", "1234567890")
		c := importText(t, e, "c-mid.txt", "12345")
		if _, err := e.lib.SetTopics(ctx, a.ID, []string{"Tax"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.lib.SetTopics(ctx, c.ID, []string{"tax", "Home"}); err != nil {
			t.Fatal(err)
		}
		byName, err := e.lib.Documents(ctx, library.Filter{Sort: store.SortName})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(byName.Documents); !equal(got, []string{b.ID, a.ID, c.ID}) || byName.Total != 3 {
			t.Errorf("by name: %v (total %d)", got, byName.Total)
		}
		bySize, _ := e.lib.Documents(ctx, library.Filter{Sort: store.SortSize})
		if got := ids(bySize.Documents); !equal(got, []string{b.ID, c.ID, a.ID}) {
			t.Errorf("by size: %v", got)
		}
		tax, err := e.lib.TopicByName(ctx, "TAX")
		if err != nil {
			t.Fatal(err)
		}
		inTax, _ := e.lib.Documents(ctx, library.Filter{TopicID: &tax.ID, Sort: store.SortName})
		if got := ids(inTax.Documents); !equal(got, []string{a.ID, c.ID}) || inTax.Total != 2 {
			t.Errorf("topic filter: %v", got)
		}
		first, _ := e.lib.Documents(ctx, library.Filter{Sort: store.SortName, Limit: 2})
		if len(first.Documents) != 2 || first.Total != 3 || first.NextCursor == "" {
			t.Fatalf("first page: %d docs, total %d, cursor %q", len(first.Documents), first.Total, first.NextCursor)
		}
		rest, _ := e.lib.Documents(ctx, library.Filter{Sort: store.SortName, Limit: 2, Cursor: first.NextCursor})
		if got := ids(rest.Documents); !equal(got, []string{c.ID}) || rest.NextCursor != "" {
			t.Errorf("second page: %v cursor %q", got, rest.NextCursor)
		}
		if _, err := e.lib.Documents(ctx, library.Filter{Sort: "random"}); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("bad sort: %v", err)
		}
		bad := store.Status("lost")
		if _, err := e.lib.Documents(ctx, library.Filter{Status: &bad}); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("bad status: %v", err)
		}
	})
}

func TestDeleteRemovesRowAndObject(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		d := importText(t, e, "gone.txt", "bye")
		keep := importText(t, e, "keep.txt", "stay")
		if err := e.lib.Delete(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.lib.Document(ctx, d.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("deleted document still found: %v", err)
		}
		if keys := e.objectKeys(t); len(keys) != 1 || keys[0] != e.key(t, keep.ID) {
			t.Errorf("objects after delete: %v", keys)
		}
		if err := e.lib.Delete(ctx, d.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		// A document whose object vanished is still deletable.
		if err := e.blobs.Delete(ctx, e.key(t, keep.ID)); err != nil {
			t.Fatal(err)
		}
		if err := e.lib.Delete(ctx, keep.ID); err != nil {
			t.Errorf("delete with a missing object: %v", err)
		}
	})
}

func TestSetTopicsCreatesAndDedupes(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		d := importText(t, e, "x.txt", "x")
		got, err := e.lib.SetTopics(ctx, d.ID, []string{"  Bank  ", "bank", "Health Insurance"})
		if err != nil {
			t.Fatal(err)
		}
		if names := topicNames(got); !equal(names, []string{"Bank", "Health Insurance"}) {
			t.Errorf("topics %v", names)
		}
		for _, tp := range got.Topics {
			if tp.Source != store.SourceUser || tp.Confidence != 1 {
				t.Errorf("link %+v should be the user's, confidence 1", tp)
			}
		}
		got, err = e.lib.SetTopics(ctx, d.ID, []string{"BANK"})
		if err != nil {
			t.Fatal(err)
		}
		if names := topicNames(got); !equal(names, []string{"Bank"}) {
			t.Errorf("replaced topics %v (first spelling must be kept)", names)
		}
		topics, _ := e.lib.Topics(ctx)
		if len(topics) != 2 {
			t.Errorf("topics created: %+v", topics)
		}
		if _, err := e.lib.SetTopics(ctx, d.ID, []string{" "}); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("blank topic name: %v", err)
		}
		if _, err := e.lib.SetTopics(ctx, "00000000-0000-0000-0000-000000000000", []string{"a"}); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("unknown document: %v", err)
		}
	})
}

func TestTopicCRUD(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tax, err := e.lib.CreateTopic(ctx, library.TopicInput{Name: "Tax", Description: "returns", Color: "#AABBCC"})
		if err != nil {
			t.Fatal(err)
		}
		if tax.Color != "#aabbcc" {
			t.Errorf("color %q", tax.Color)
		}
		again, err := e.lib.CreateTopic(ctx, library.TopicInput{Name: "TAX"})
		if err != nil || again.ID != tax.ID || again.Name != "Tax" {
			t.Errorf("create with another case: %+v %v", again, err)
		}
		home, _ := e.lib.CreateTopic(ctx, library.TopicInput{Name: "Home"})
		if !strings.HasPrefix(home.Color, "#") || len(home.Color) != 7 {
			t.Errorf("default color %q", home.Color)
		}
		if _, err := e.lib.CreateTopic(ctx, library.TopicInput{Name: "x", Color: "red"}); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("bad color: %v", err)
		}
		newName := "tax"
		if _, err := e.lib.UpdateTopic(ctx, home.ID, library.TopicPatch{Name: &newName}); !errors.Is(err, library.ErrConflict) {
			t.Errorf("rename onto another topic: %v", err)
		}
		renamed, err := e.lib.UpdateTopic(ctx, tax.ID, library.TopicPatch{Name: &newName})
		if err != nil || renamed.Name != "tax" {
			t.Errorf("rename own case: %+v %v", renamed, err)
		}
		d := importText(t, e, "d.txt", "d")
		e.lib.SetTopics(ctx, d.ID, []string{"tax", "Home"})
		topics, _ := e.lib.Topics(ctx)
		for _, tp := range topics {
			if tp.DocumentCount != 1 {
				t.Errorf("topic %s count %d", tp.Name, tp.DocumentCount)
			}
		}
		if err := e.lib.DeleteTopic(ctx, tax.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.lib.Document(ctx, d.ID)
		if err != nil {
			t.Fatalf("document must survive its topic's deletion: %v", err)
		}
		if names := topicNames(got); !equal(names, []string{"Home"}) {
			t.Errorf("topics after delete: %v", names)
		}
	})
}

func TestFolders(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		work, err := e.lib.CreateFolder(ctx, "Work", nil)
		if err != nil {
			t.Fatal(err)
		}
		y2026, err := e.lib.CreateFolder(ctx, "2026", &work.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.lib.MoveFolder(ctx, work.ID, &y2026.ID); !errors.Is(err, library.ErrConflict) {
			t.Errorf("move into own child: %v", err)
		}
		if _, err := e.lib.RenameFolder(ctx, y2026.ID, "Year 2026"); err != nil {
			t.Fatal(err)
		}
		d := importText(t, e, "f.txt", "f")
		if err := e.lib.MoveDocuments(ctx, []string{d.ID}, &y2026.ID); err != nil {
			t.Fatal(err)
		}
		in, _ := e.lib.Documents(ctx, library.Filter{FolderID: &y2026.ID})
		if in.Total != 1 {
			t.Errorf("folder holds %d documents", in.Total)
		}
		if err := e.lib.DeleteFolder(ctx, y2026.ID, false); !errors.Is(err, library.ErrConflict) {
			t.Errorf("delete non-empty folder: %v", err)
		}
		if err := e.lib.DeleteFolder(ctx, y2026.ID, true); err != nil {
			t.Fatal(err)
		}
		got, _ := e.lib.Document(ctx, d.ID)
		if got.FolderID == nil || *got.FolderID != work.ID {
			t.Errorf("document should have moved to the parent: %v", got.FolderID)
		}
		if err := e.lib.MoveDocuments(ctx, []string{d.ID}, nil); err != nil {
			t.Fatal(err)
		}
		if err := e.lib.DeleteFolder(ctx, work.ID, false); err != nil {
			t.Errorf("delete empty folder: %v", err)
		}
		if _, err := e.lib.CreateFolder(ctx, "\t", nil); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("blank folder name: %v", err)
		}
	})
}

func TestRename(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		d := importText(t, e, "old.txt", "r")
		key := e.key(t, d.ID)
		got, err := e.lib.Rename(context.Background(), d.ID, "  new name.txt ")
		if err != nil || got.Filename != "new name.txt" || e.key(t, got.ID) != key {
			t.Errorf("rename: %+v %v", got, err)
		}
	})
}

func TestSettingsMaskTheKey(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		s, err := e.lib.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.AIProvider != "builtin" || s.AutoApplyThreshold != library.DefaultAutoApplyThreshold || s.APIKey != "" || !equal(s.OCRLanguages, []string{"eng"}) {
			t.Errorf("defaults %+v", s)
		}
		s.AIProvider = "openai"
		s.APIKey = "sk-proj-verysecret-abcd"
		s.WatchedFolders = []library.WatchedFolder{{Path: "/srv/scans/"}}
		s.OCRLanguages = []string{"eng", "deu"}
		saved, err := e.lib.SaveSettings(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if saved.APIKey != "…abcd" || strings.Contains(saved.APIKey, "secret") {
			t.Errorf("masked key %q", saved.APIKey)
		}
		if !equal(saved.OCRLanguages, []string{"eng", "deu"}) {
			t.Errorf("OCR languages %v", saved.OCRLanguages)
		}
		if w := saved.WatchedFolders; len(w) != 1 || w[0].Path != "/srv/scans" || w[0].AfterImport != "move" || w[0].Subfolders != "none" {
			t.Errorf("watched folders %+v", w)
		}
		info, err := os.Stat(filepath.Join(e.dataDir, "secrets", "api_key"))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("key file: %v %v", info, err)
		}
		saved.AIModel = "gpt-5-mini"
		if _, err := e.lib.SaveSettings(ctx, saved); err != nil { // masked value sent back
			t.Fatal(err)
		}
		if key, _ := e.lib.APIKey(); key != "sk-proj-verysecret-abcd" {
			t.Errorf("saving the masked key changed it to %q", key)
		}
		saved.APIKey = ""
		if _, err := e.lib.SaveSettings(ctx, saved); err != nil {
			t.Fatal(err)
		}
		if key, _ := e.lib.APIKey(); key != "" {
			t.Errorf("clearing the key left %q", key)
		}
		bad := library.Settings{AIProvider: "skynet", AutoApplyThreshold: 2, AIBaseURL: "ftp://x", WatchedFolders: []library.WatchedFolder{{Path: "rel"}}, OCRLanguages: []string{"../eng"}}
		_, err = e.lib.SaveSettings(ctx, bad)
		if !errors.Is(err, library.ErrInvalid) {
			t.Fatalf("bad settings: %v", err)
		}
		for _, want := range []string{"skynet", "threshold", "base URL", "absolute", "Tesseract language"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("no sentence about %q in %v", want, err)
			}
		}
	})
}

func TestMaskKey(t *testing.T) {
	for key, want := range map[string]string{"": "", "short": "********", "12345678901": "********", "sk-ant-api03-xyzW": "…xyzW"} {
		if got := library.MaskKey(key); got != want {
			t.Errorf("MaskKey(%q) = %q, want %q", key, got, want)
		}
	}
}

func ids(ds []library.Document) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
