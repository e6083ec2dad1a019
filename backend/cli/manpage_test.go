package cli

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestManPageListsEveryCommandAndFlag: the page has an entry for every
// command of the table with its arguments, every command's own flags
// under it, and the settings' flags once in their own section.
func TestManPageListsEveryCommandAndFlag(t *testing.T) {
	var out bytes.Buffer
	if err := WriteManPage(&out, ManPage{Version: "1.2.3", Date: "2026-12-08"}); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	if !strings.HasPrefix(page, `.\"`) || !strings.Contains(page, `.TH DOCSIFT 1 "2026\-12\-08" "docsift 1.2.3" "User Commands"`) {
		t.Fatalf("no title line with the date and version:\n%.300s", page)
	}
	commandsAt := strings.Index(page, ".SH COMMANDS")
	settingsAt := strings.Index(page, ".SH SETTINGS FLAGS")
	if commandsAt < 0 || settingsAt < commandsAt {
		t.Fatalf("sections COMMANDS then SETTINGS FLAGS missing:\n%s", page)
	}
	cmdSection := page[commandsAt:settingsAt]
	for _, c := range commands() {
		entry := ".TP\n\\fB" + roffText(c.name) + "\\fR"
		at := strings.Index(cmdSection, entry+" ")
		if at < 0 {
			at = strings.Index(cmdSection, entry+"\n")
		}
		if at < 0 {
			t.Errorf("command %s has no entry", c.name)
			continue
		}
		if c.args != "" && !strings.Contains(cmdSection[at:], `\fI`+roffText(c.args)+`\fR`) {
			t.Errorf("command %s: arguments %q missing", c.name, c.args)
		}
		own, _ := commandFlags(c)
		for _, f := range own {
			if !strings.Contains(cmdSection[at:], `\-`+roffText(f.Name)+`\fR`) {
				t.Errorf("command %s: flag %s missing", c.name, f.Name)
			}
		}
	}
	_, settings := commandFlags(command{})
	if len(settings) < 5 {
		t.Fatalf("only %d settings flags", len(settings))
	}
	for _, f := range settings {
		tag := `\fB\-\-` + roffText(f.Name) + `\fR`
		if strings.Contains(cmdSection, tag) {
			t.Errorf("setting --%s repeated under a command", f.Name)
		}
		if !strings.Contains(page[settingsAt:], tag) {
			t.Errorf("setting --%s missing from SETTINGS FLAGS", f.Name)
		}
	}
}

// TestManPageNeedsVersionAndDate: no page with an empty header field.
func TestManPageNeedsVersionAndDate(t *testing.T) {
	for _, m := range []ManPage{{}, {Version: "1"}, {Date: "2026-12-08"}} {
		if err := WriteManPage(&bytes.Buffer{}, m); err == nil {
			t.Errorf("%+v: no error", m)
		}
	}
}

func TestRoffText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain words", "plain words"},
		{`a\b`, `a\eb`},
		{"--data-dir", `\-\-data\-dir`},
		{".hidden is a request", `\&.hidden is a request`},
		{"'quoted at the start", `\&'quoted at the start`},
		{"one — two…", `one \(em two...`},
		{"two\nlines", "two lines"},
	} {
		if got := roffText(c.in); got != c.want {
			t.Errorf("roffText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestManPageFormatsWithoutWarnings formats the page with man-db and
// groff as lintian does and fails on any warning.
func TestManPageFormatsWithoutWarnings(t *testing.T) {
	man, err := exec.LookPath("man")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("man is missing under CI=true (scripts/setup.sh installs man-db)")
		}
		t.Skip("SKIPPING: man is not installed (scripts/setup.sh installs man-db)")
	}
	var page bytes.Buffer
	if err := WriteManPage(&page, ManPage{Version: "1.2.3", Date: "2026-12-08"}); err != nil {
		t.Fatal(err)
	}
	file := t.TempDir() + "/docsift.1"
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(man, "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", file)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "MANWIDTH=80")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("man: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Fatalf("groff warned:\n%s", stderr.String())
	}
	// The formatted page reads as text: the name line and a flag.
	text := regexp.MustCompile(`x [^\n]*\n`).ReplaceAllString(string(out), "")
	for _, want := range []string{"docsift", "data", "import"} {
		if !strings.Contains(text, want) {
			t.Errorf("formatted page lacks %q", want)
		}
	}
}
