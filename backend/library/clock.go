package library

import "time"

// Clock is the time the library's debounces run on: when the builtin
// classifier's learning is saved, and how often another process's
// learning is looked for. It is not the time written into records
// (Deps.Now stamps those). Tests inject a clock they move by hand, so
// timing is checked without sleeping.
type Clock interface {
	// Now is the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed, as
	// time.AfterFunc does.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a call a Clock will make (*time.Timer is one).
type Timer interface {
	// Stop cancels the call; false when it has already started or been
	// stopped.
	Stop() bool
}

// systemClock is the machine's clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
