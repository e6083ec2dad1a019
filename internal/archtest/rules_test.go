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
	{pkg: "app", forbid: append([]string{"backend/config", "backend/wire"}, drivers...), why: "the desktop face is handed its library; backend/cli wires it"},
	{pkg: "backend/httpapi", forbid: append([]string{"backend/config", "backend/wire"}, drivers...), why: "the serve face is handed its library; backend/cli wires it"},
	{pkg: "app", direct: true, forbid: append([]string{"backend/httpapi"}, faceForbids...), why: "a face calls the library (and listens to events) only: what it shows is the library's types"},
	{pkg: "backend/httpapi", direct: true, forbid: faceForbids, why: "a face calls the library (and listens to events) only: what it sends is the library's types"},
	{pkg: "backend/maintenance", forbid: append([]string{"backend/library", "backend/config"}, drivers...), why: "verify, export and restore work over the store interfaces the library hands them; the library builds them, never the reverse"},
	{pkg: "backend/meta", forbid: []string{"backend/store", "backend/blob", "backend/library", "backend/extract", "backend/classify", "backend/jobs", "backend/config", "backend/events"}, why: "document-date, correspondent and amount extraction is pure: text and options in, fields out; the pipeline hands it the text and stores what it finds"},
}

// faceForbids are the packages below the library that a face must not
// reach past it for.
var faceForbids = []string{"backend/store", "backend/blob", "backend/watch", "backend/classify", "backend/jobs", "backend/extract"}
