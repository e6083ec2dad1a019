//go:build !linux

package watch

// openForWriting cannot tell on this platform; the timing checks decide.
func openForWriting(string) (busy, known bool) { return false, false }
