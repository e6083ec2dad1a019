package jobs

import (
	"testing"

	"github.com/docsift/docsift/backend/store"
)

func TestGiveUpSentence(t *testing.T) {
	for _, c := range []struct {
		attempts, stopped int
		lastError, want   string
	}{
		{3, 3, "", "processing stopped this program 3 times; the file is kept"},
		{3, 3, "an old error", "processing stopped this program 3 times; the file is kept"},
		{1, 1, "", "processing stopped this program once; the file is kept"},
		{5, 0, "the object store is unreachable", "processing failed 5 times (last error: the object store is unreachable); the file is kept"},
		{3, 2, "still down", "processing stopped this program twice and failed once (last error: still down); the file is kept"},
		{4, 1, "", "processing stopped this program once and failed 3 times; the file is kept"},
	} {
		got := giveUpSentence(store.Job{Attempts: c.attempts, Stopped: c.stopped, LastError: c.lastError})
		if got != c.want {
			t.Errorf("%d attempts, %d stopped, %q:\n got %q\nwant %q", c.attempts, c.stopped, c.lastError, got, c.want)
		}
	}
}
