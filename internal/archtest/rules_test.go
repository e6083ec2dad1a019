package archtest

// module is the import path every rule's packages are relative to.
const module = "github.com/docsift/docsift/"

// drivers are the store and blob drivers: only backend/wire (and tests)
// choose one.
var drivers = []string{"backend/store/sqlite", "backend/store/postgres", "backend/blob/localfs", "backend/blob/s3"}

// rules are the import rules the build keeps. Adding one is one line: the
// package (relative to the module), what it must not depend on (a package
// and everything under it), and why, said as the failure's sentence.
var rules = []rule{
	{pkg: "backend/library", forbid: append([]string{"backend/config"}, drivers...), why: "the use cases get their stores handed to library.New; backend/wire reads the configuration and chooses the drivers"},
	{pkg: "backend/maintenance", forbid: append([]string{"backend/library", "backend/config"}, drivers...), why: "verify, export and restore work over the store interfaces the library hands them; the library builds them, never the reverse"},
}
