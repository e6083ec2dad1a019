package httpapi_test

import (
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/watch"
)

func TestWatchStatus(t *testing.T) {
	// No watcher: an empty list, not null.
	e := newLocal(t, httpapi.Options{})
	if body := e.call(t, "GET", "/api/watch", nil, 200, nil); body != "[]\n" {
		t.Fatalf("GET /api/watch without a watcher = %q, want []", body)
	}
	want := watch.FolderStatus{Path: "/srv/scans", State: watch.StateWatching, Imported: 2, Failed: 1, LastError: "A file could not be read."}
	e = newLocal(t, httpapi.Options{WatchStatus: func() []watch.FolderStatus { return []watch.FolderStatus{want} }})
	var got []watch.FolderStatus
	e.call(t, "GET", "/api/watch", nil, 200, &got)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("GET /api/watch = %+v, want %+v", got, want)
	}
}
