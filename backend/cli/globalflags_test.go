package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The settings' flags work before the command as after it: an import
// through `docsift --data-dir X import` lands in X and is listed by
// `docsift ls --data-dir X`, and the other way round.
func TestGlobalFlagsBeforeTheCommand(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "note.txt"), []byte("a note about the roof"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errb := run(t, nil, "--data-dir", data, "import", "--no-wait", src); code != ExitOK {
		t.Fatalf("docsift --data-dir X import: exit %d: %s", code, errb)
	}
	if code, out, errb := run(t, nil, "ls", "--data-dir", data); code != ExitOK || !strings.Contains(out, "note.txt") {
		t.Fatalf("docsift ls --data-dir X: exit %d, out %q, err %q", code, out, errb)
	}
	if code, out, errb := run(t, nil, "--profile=local", "--data-dir="+data, "ls", "--json"); code != ExitOK || !strings.Contains(out, "note.txt") {
		t.Fatalf("docsift --profile=local --data-dir=X ls: exit %d, out %q, err %q", code, out, errb)
	}
	// A setting given before the command is the one in force.
	if code, out, _ := run(t, nil, "--data-dir", data, "--log-level", "error", "config"); code != ExitOK || !strings.Contains(out, "log_level = error") {
		t.Fatalf("docsift --log-level error config: exit %d, out %q", code, out)
	}
}

func TestGlobalFlagsRefused(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--workers", "2", "serve", "--data-dir", data}, "--workers is not a flag that can come before the command"},
		{[]string{"--bogus", "ls"}, "--bogus is not a flag"},
		{[]string{"--data-dir"}, "the flag --data-dir needs a value"},
	} {
		code, _, errb := run(t, nil, c.args...)
		if code != ExitUsage || !strings.Contains(errb, c.want) {
			t.Errorf("docsift %q: exit %d, stderr %q; want exit %d and %q", c.args, code, errb, ExitUsage, c.want)
		}
	}
	// The general help, whatever settings come before it.
	if code, out, _ := run(t, nil, "--data-dir", data, "--help"); code != ExitOK || !strings.Contains(out, "Commands:") {
		t.Errorf("docsift --data-dir X --help: exit %d, out %q", code, out)
	}
}

func TestHoistGlobalFlags(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"import", "a"}, []string{"import", "a"}},
		{[]string{"--data-dir", "X", "import", "a"}, []string{"import", "--data-dir", "X", "a"}},
		{[]string{"--data-dir=X", "--insecure-http", "serve"}, []string{"serve", "--data-dir=X", "--insecure-http"}},
		{[]string{"-data-dir", "X", "ls", "--", "-f"}, []string{"ls", "-data-dir", "X", "--", "-f"}},
		{[]string{"--data-dir", "X"}, []string{"--data-dir", "X"}},
		{[]string{"--help"}, []string{"--help"}},
		{[]string{}, []string{}},
	} {
		got, err := hoistGlobalFlags(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("hoistGlobalFlags(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
