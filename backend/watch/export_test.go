package watch

// WithoutLeases returns opt with the open-for-writing check always saying
// it cannot tell, as on a network share or for another user's files, so
// tests can run the paths taken where leases are unavailable.
func WithoutLeases(opt Options) Options {
	opt.writing = func(string) (bool, bool) { return false, false }
	return opt
}

// OpenForWriting is the open-for-writing check, for tests that look at it
// from outside the package.
var OpenForWriting = openForWriting
