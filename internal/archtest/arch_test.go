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
// below it), for the reason why.
type rule struct {
	pkg    string
	forbid []string
	why    string
}

// TestImportRules fails for every package a rule forbids that `go list
// -deps` finds in the rule's package graph (test files not included: tests
// may wire real drivers).
func TestImportRules(t *testing.T) {
	for _, r := range rules {
		t.Run(r.pkg, func(t *testing.T) {
			deps := listDeps(t, r.pkg)
			for _, bad := range violations(deps, r.forbid) {
				t.Errorf("%s depends on %s, which it must not: %s", r.pkg, strings.TrimPrefix(bad, module), r.why)
			}
		})
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
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the import rules need the go command in PATH: %v", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), gobin, "list", "-deps", "-f", "{{.ImportPath}}", module+pkg)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err = cmd.Run(); err != nil {
		t.Fatal(fmt.Errorf("go list -deps %s: %w: %s", pkg, err, strings.TrimSpace(stderr.String())))
	}
	return strings.Fields(stdout.String())
}
