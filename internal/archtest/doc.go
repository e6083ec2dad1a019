// Package archtest holds the test that keeps Docsift's imports flowing one
// way (DESIGN.md, "Imports flow one way"): each rule names a package and
// the packages it must never depend on, directly or not, as `go list -deps`
// sees them. It has no code of its own; `make check-arch` runs it alone and
// `go test ./...` (make test) runs it with everything else. A second test
// checks that the docsift binary links no backend/bench (the bench is its
// own command, cmd/docsift-bench), in the serve and the desktop builds.
package archtest
