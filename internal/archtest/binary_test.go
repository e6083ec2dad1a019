package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// depsTagged returns the packages pkg links under the given build tags
// (go list -deps), run from the module's root.
func depsTagged(t *testing.T, tags, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-tags", tags, pkg)
	cmd.Dir = moduleRoot(t)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr.String())
	}
	return strings.Fields(string(out))
}

// moduleRoot is the folder of go.mod, above this package's.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// linked returns the packages of list that are prefix or below it.
func linked(list []string, prefix string) []string {
	var out []string
	for _, p := range list {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			out = append(out, p)
		}
	}
	return out
}

// TestDocsiftDoesNotLinkTheBench: the benchmark harness is a tool of the
// project (cmd/docsift-bench), never part of the docsift binary, in the
// serve build and in the desktop build alike.
func TestDocsiftDoesNotLinkTheBench(t *testing.T) {
	const bench = module + "backend/bench"
	for _, tags := range []string{"nodynamic", "nodynamic,production"} {
		if got := linked(depsTagged(t, tags, strings.TrimSuffix(module, "/")), bench); len(got) > 0 {
			t.Errorf("the docsift binary (tags %s) links %s: only cmd/docsift-bench may import the bench", tags, strings.Join(got, ", "))
		}
	}
	// The check sees the bench where it is linked: the bench's own command.
	if !slices.Contains(depsTagged(t, "nodynamic", module+"cmd/docsift-bench"), bench) {
		t.Errorf("go list -deps of cmd/docsift-bench does not show %s: the check above would see nothing either", bench)
	}
}
