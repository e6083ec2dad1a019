package jobs

import (
	"fmt"

	"github.com/docsift/docsift/backend/store"
)

// giveUpSentence is a document's error when its job ran out of attempts:
// how many of the job's claims stopped the program (the lease expired with
// no outcome: a crash, an out-of-memory kill) and how many ended in an
// error (the last one quoted), and that the file is kept — the person can
// retry it. j is the job as it ends: Attempts its claims, Stopped those
// that stopped the program, LastError the last handler error.
func giveUpSentence(j store.Job) string {
	stopped := min(max(j.Stopped, 0), j.Attempts)
	failed := j.Attempts - stopped
	var what string
	switch {
	case failed == 0:
		what = "processing stopped this program " + times(stopped)
	case stopped == 0:
		what = "processing failed " + times(failed)
	default:
		what = "processing stopped this program " + times(stopped) + " and failed " + times(failed)
	}
	if failed > 0 && j.LastError != "" {
		what += " (last error: " + j.LastError + ")"
	}
	return what + "; the file is kept"
}

// times says how often: once, twice, 3 times.
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}
