package archtest

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// rule says that pkg must not depend on any package in forbid (nor one
// below it), for the reason why. A direct rule looks at pkg's own imports
// only: a face may reach the store through the library, never by itself.
type rule struct {
	pkg    string
	direct bool
	forbid []string
	why    string
}

// TestImportRules fails for every package a rule forbids that `go list
// -deps` finds in the rule's package graph, or, for a direct rule, among
// the package's own imports (test files not included: tests may wire
// real drivers).
func TestImportRules(t *testing.T) {
	for _, r := range rules {
		t.Run(r.pkg, func(t *testing.T) {
			deps, verb := listDeps(t, r.pkg), "depends on"
			if r.direct {
				deps, verb = listImports(t, r.pkg), "imports"
			}
			for _, bad := range violations(deps, r.forbid) {
				t.Errorf("%s %s %s, which it must not: %s", r.pkg, verb, strings.TrimPrefix(bad, module), r.why)
			}
		})
	}
}

// TestDirectRulesSeeAnImport makes sure a direct rule can fail: the
// library itself imports the store package, which a face must not.
func TestDirectRulesSeeAnImport(t *testing.T) {
	got := violations(listImports(t, "backend/library"), []string{"backend/store"})
	if !slices.Contains(got, module+"backend/store") {
		t.Errorf("backend/library imports backend/store, but the check did not see it (found %v)", got)
	}
}

// TestViolationsSeeADriver makes sure the check can fail: backend/wire is
// the place that imports the drivers and config, so the library's rule,
// applied to it, must name each of them.
func TestViolationsSeeADriver(t *testing.T) {
	forbid := rules[0].forbid
	got := violations(listDeps(t, "backend/wire"), forbid)
	for _, f := range forbid {
		if !slices.Contains(got, module+f) {
			t.Errorf("backend/wire depends on %s, but the check did not see it (found %v)", f, got)
		}
	}
}

func TestViolationsMatchWholePathElements(t *testing.T) {
	deps := []string{module + "backend/store/sqlite/internal/fts", module + "backend/store/sqlitex", module + "backend/blob"}
	got := violations(deps, []string{"backend/store/sqlite", "backend/blob/s3"})
	want := []string{module + "backend/store/sqlite/internal/fts"}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v", got, want)
	}
}

// violations returns the deps that are, or are below, a forbidden package
// (given relative to the module).
func violations(deps, forbid []string) []string {
	var out []string
	for _, d := range deps {
		for _, f := range forbid {
			full := module + f
			if d == full || strings.HasPrefix(d, full+"/") {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// listDeps returns the import paths pkg depends on, itself included, as
// `go list -deps` prints them for the build tags in GOFLAGS.
func listDeps(t *testing.T, pkg string) []string {
	t.Helper()
	return goList(t, "-deps", "-f", "{{.ImportPath}}", module+pkg)
}

// listImports returns the import paths pkg's own (non-test) files import.
func listImports(t *testing.T, pkg string) []string {
	t.Helper()
	return goList(t, "-f", `{{join .Imports "\n"}}`, module+pkg)
}

// goList runs `go list` with args and returns the words it printed.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the import rules need the go command in PATH: %v", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), gobin, append([]string{"list"}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err = cmd.Run(); err != nil {
		t.Fatal(fmt.Errorf("go list %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String())))
	}
	return strings.Fields(stdout.String())
}
