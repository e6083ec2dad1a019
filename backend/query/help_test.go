package query

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestHelpExamplesParse: every example the help texts show (Help, and the
// web UI's searchHelp.ts) is a query that parses.
func TestHelpExamplesParse(t *testing.T) {
	for _, line := range strings.Split(Help, "\n")[1:] {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		// Examples are separated from their meaning by three spaces.
		for _, ex := range strings.Split(strings.SplitN(strings.TrimSpace(line), "   ", 2)[0], "  ") {
			if _, err := Parse(ex); err != nil {
				t.Errorf("Help example %q: %v", ex, err)
			}
		}
	}
	ts, err := os.ReadFile("../../frontend/src/lib/searchHelp.ts")
	if err != nil {
		t.Fatal(err)
	}
	examples := regexp.MustCompile(`example: '([^']*)'`).FindAllStringSubmatch(string(ts), -1)
	if len(examples) < 10 {
		t.Fatalf("found %d examples in searchHelp.ts", len(examples))
	}
	for _, m := range examples {
		if q, err := Parse(m[1]); err != nil || q.Empty() {
			t.Errorf("searchHelp.ts example %q: %v", m[1], err)
		}
	}
}
