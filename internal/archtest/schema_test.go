package archtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sqlStatement matches the start of an SQL statement that reads or
// changes the schema's tables, keywords in capitals as the drivers write
// them (so that English in comments does not match).
var sqlStatement = regexp.MustCompile(`\b(INSERT\s+INTO|CREATE\s+(TABLE|INDEX|TRIGGER)|ALTER\s+TABLE|DELETE\s+FROM|UPDATE\s+[a-z_]+\s+SET|SELECT\s+[^;]*?\s+FROM\s+[a-z_]+)\b`)

// TestSQLLivesInTheStore fails when a Go file outside backend/store holds
// SQL: the schema has one home, the store drivers, and everything else
// (the bench's seeding, the desktop smoke's seeding) goes through a
// driver's methods or its bulk loader. Tests may corrupt rows on purpose,
// so test files are not checked.
func TestSQLLivesInTheStore(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch {
			case rel == ".":
				return nil
			case rel == "backend/store", strings.HasPrefix(d.Name(), "."), d.Name() == "node_modules", d.Name() == "build":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := sqlStatement.Find(b); m != nil {
			t.Errorf("%s holds SQL (%q): the schema lives in backend/store only; go through a store driver or its bulk loader", rel, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSQLStatementMatches makes sure the check can fail.
func TestSQLStatementMatches(t *testing.T) {
	for _, s := range []string{"INSERT INTO documents (id)", "UPDATE jobs SET state = 'x'", "SELECT id FROM documents", "CREATE TABLE t"} {
		if !sqlStatement.MatchString(s) {
			t.Errorf("%q is not seen as SQL", s)
		}
	}
	for _, s := range []string{"// select a topic from the list", "delete the document from the library", "Select the text FROM here"} {
		if sqlStatement.MatchString(s) {
			t.Errorf("%q is seen as SQL", s)
		}
	}
}
