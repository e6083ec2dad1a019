package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
)

// export, import-export and verify work per user (--user NAME), and an
// export of every user (--all-users) goes back to each owner.
func TestExportAndVerifyPerUser(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	lib, cfg := openLibrary(t, nil, data)
	st := openStore(t, cfg)
	bea := store.User{ID: uuid.NewString(), Name: "Bea"}
	if err := st.CreateUser(ctx, &bea); err != nil {
		t.Fatal(err)
	}
	libB, err := lib.As(ctx, bea.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Import(ctx, "mine.txt", "", strings.NewReader("the local user's words")); err != nil {
		t.Fatal(err)
	}
	if _, err := libB.Import(ctx, "beas.txt", "", strings.NewReader("Bea's words")); err != nil {
		t.Fatal(err)
	}

	one := filepath.Join(t.TempDir(), "bea")
	code, out, errs := run(t, nil, "export", "--data-dir", data, "--user", "bea", one)
	if code != ExitOK || !strings.Contains(out, "exported 1 documents") {
		t.Fatalf("export --user bea: exit %d\n%s%s", code, out, errs)
	}
	man, _ := os.ReadFile(filepath.Join(one, maintenance.ManifestName))
	if !strings.Contains(string(man), "beas.txt") || strings.Contains(string(man), "mine.txt") {
		t.Errorf("Bea's export holds another user's document or misses hers:\n%s", man)
	}
	if code, _, errs := run(t, nil, "export", "--data-dir", data, "--user", "nobody", t.TempDir()); code != ExitUsage ||
		!strings.Contains(errs, "there is no user called nobody") {
		t.Errorf("export --user nobody: exit %d %s", code, errs)
	}
	if code, out, errs := run(t, nil, "verify", "--data-dir", data, "--user", "Bea", "--grace", "0"); code != ExitOK ||
		!strings.Contains(out, "checked 1 documents") {
		t.Errorf("verify --user Bea: exit %d\n%s%s", code, out, errs)
	}

	all := filepath.Join(t.TempDir(), "all")
	code, out, errs = run(t, nil, "export", "--data-dir", data, "--all-users", all)
	if code != ExitOK || !strings.Contains(out, "local: exported 1 documents") || !strings.Contains(out, "Bea: exported 1 documents") {
		t.Fatalf("export --all-users: exit %d\n%s%s", code, out, errs)
	}
	fresh := t.TempDir()
	if code, _, errs := run(t, nil, "import-export", "--data-dir", fresh, "--user", "Bea", all); code != ExitUsage ||
		!strings.Contains(errs, "leave out --user") {
		t.Errorf("import-export --user of an export of every user: exit %d %s", code, errs)
	}
	code, out, errs = run(t, nil, "import-export", "--data-dir", fresh, all)
	if code != ExitOK || !strings.Contains(out, "Bea (user created): restored 1 documents") ||
		!strings.Contains(out, "local: restored 1 documents") {
		t.Fatalf("import-export of every user: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, nil, "ls", "--data-dir", fresh); code != ExitOK || !strings.Contains(out, "mine.txt") ||
		strings.Contains(out, "beas.txt") {
		t.Errorf("the local user's list after the restore: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, nil, "verify", "--data-dir", fresh, "--user", "bea", "--grace", "0"); code != ExitOK ||
		!strings.Contains(out, "checked 1 documents") {
		t.Errorf("verify --user bea after the restore: exit %d\n%s%s", code, out, errs)
	}
}

// share and unshare, as the owner and as the user shared with (--user).
func TestShareCommands(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	lib, cfg := openLibrary(t, nil, data)
	st := openStore(t, cfg)
	bea := store.User{ID: uuid.NewString(), Name: "Bea"}
	if err := st.CreateUser(ctx, &bea); err != nil {
		t.Fatal(err)
	}
	res, err := lib.Import(ctx, "bill.txt", "", strings.NewReader("a bill"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.SetTopics(ctx, res.Document.ID, []string{"Household"}); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, nil, "share", "topic", "Household", "--data-dir", data); code != ExitUsage || !strings.Contains(errs, "--with") {
		t.Errorf("share without --with: exit %d %s", code, errs)
	}
	if code, _, errs := run(t, nil, "share", "topic", "Household", "--with", "nobody", "--data-dir", data); code != ExitUsage ||
		!strings.Contains(errs, "no user called") {
		t.Errorf("share with nobody: exit %d %s", code, errs)
	}
	code, out, errs := run(t, nil, "share", "topic", "household", "--with", "bea", "--data-dir", data)
	if code != ExitOK || !strings.Contains(out, "shared topic Household with Bea, read-only") {
		t.Fatalf("share topic: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, nil, "share", "ls", "--user", "Bea", "--data-dir", data)
	if code != ExitOK || !strings.Contains(out, "received") || !strings.Contains(out, "Household") {
		t.Errorf("Bea's share ls: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = run(t, nil, "topics", "--data-dir", data)
	if strings.Contains(out, "shared by") {
		t.Errorf("the owner's topics show their own topic as shared:\n%s", out)
	}
	if code, errs := runQuiet(t, "unshare", "topic", "Household", "--with", "Bea", "--user", "Bea", "--data-dir", data); code == ExitOK {
		t.Errorf("Bea unshares Ann's topic: exit %d %s", code, errs)
	}
	code, out, errs = run(t, nil, "unshare", "topic", "Household", "--with", "Bea", "--data-dir", data)
	if code != ExitOK || !strings.Contains(out, "no longer shared with Bea") {
		t.Fatalf("unshare: exit %d\n%s%s", code, out, errs)
	}
	if _, out, _ := run(t, nil, "share", "ls", "--user", "Bea", "--data-dir", data); strings.Contains(out, "Household") {
		t.Errorf("Bea's shares after unsharing:\n%s", out)
	}
}

// runQuiet runs docsift and returns the exit code and stderr.
func runQuiet(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, _, errs := run(t, nil, args...)
	return code, errs
}
