package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// runStdin is run with standard input.
func runStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }, Home: "/nonexistent-home",
	}
	code = Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func TestUserAndTokenCommands(t *testing.T) {
	data := t.TempDir()
	src, _ := mixedFolder(t)
	if code, out, errs := run(t, nil, "import", "--data-dir", data, src); code != ExitOK {
		t.Fatalf("import: %s %s", out, errs)
	}
	if code, out, _ := run(t, nil, "user", "ls", "--data-dir", data); code != ExitOK || !strings.Contains(out, "no users") {
		t.Fatalf("user ls with no users: %d %q", code, out)
	}
	if code, out, errs := run(t, nil, "token", "--data-dir", data); code != ExitOK || len(strings.TrimSpace(out)) < 16 {
		t.Fatalf("token with no users: %d %q %s", code, out, errs)
	}

	const annPW = "ann's long password"
	if code, _, errs := runStdin(t, annPW+"\n", "user", "add", "ann", "--data-dir", data); code != ExitUsage || !strings.Contains(errs, "--password-stdin") {
		t.Fatalf("user add without --password-stdin: %d %s", code, errs)
	}
	code, out, errs := runStdin(t, annPW+"\n", "user", "add", "ann", "--password-stdin", "--data-dir", data)
	if code != ExitOK || !strings.Contains(out, "added admin ann") || !strings.Contains(out, "now owns this library") {
		t.Fatalf("user add ann: %d %q %s", code, out, errs)
	}
	if strings.Contains(out+errs, annPW) {
		t.Fatal("the password was printed")
	}
	code, _, errs = run(t, nil, "token", "--data-dir", data)
	if code != ExitFailed || !strings.Contains(errs, "docsift user add") || !strings.Contains(errs, "no longer works") {
		t.Fatalf("token once a user exists: %d %s", code, errs)
	}
	if code, out, errs := runStdin(t, "bob's long password\r\n", "user", "add", "Bob", "--password-stdin", "--data-dir", data); code != ExitOK || !strings.Contains(out, "added user Bob") {
		t.Fatalf("user add Bob: %d %q %s", code, out, errs)
	}
	if code, _, errs := runStdin(t, "another password\n", "user", "add", "BOB", "--password-stdin", "--data-dir", data); code != ExitFailed || !strings.Contains(errs, "already taken") {
		t.Fatalf("user add BOB: %d %s", code, errs)
	}
	if code, out, errs := run(t, nil, "user", "quota", "bob", "--bytes", "5GB", "--documents", "10000", "--data-dir", data); code != ExitOK || !strings.Contains(out, "5 GB, 10000 documents") {
		t.Fatalf("user quota: %d %q %s", code, out, errs)
	}
	code, out, errs = run(t, nil, "user", "ls", "--json", "--data-dir", data)
	if code != ExitOK {
		t.Fatalf("user ls --json: %s", errs)
	}
	var rows []userRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("user ls --json: %v in %s", err, out)
	}
	if len(rows) != 2 || rows[0].Name != "ann" || !rows[0].Admin || rows[0].Usage.Documents == 0 || rows[0].Usage.Bytes == 0 ||
		rows[1].Name != "Bob" || rows[1].Admin || rows[1].Usage.Documents != 0 || rows[1].Quota.Bytes != 5e9 || rows[1].Quota.Documents != 10000 {
		t.Fatalf("user ls --json = %+v", rows)
	}
	if code, out, _ := run(t, nil, "user", "ls", "--data-dir", data); code != ExitOK || !strings.Contains(out, "BYTES USED") || !strings.Contains(out, "Bob") {
		t.Fatalf("user ls: %q", out)
	}

	// Tokens.
	code, out, errs = run(t, nil, "token", "create", "--user", "ann", "--name", "backup script", "--data-dir", data)
	secret := strings.TrimSpace(out)
	if code != ExitOK || !strings.HasPrefix(secret, "ds_t_") || !strings.Contains(errs, "not shown again") {
		t.Fatalf("token create: %d %q %s", code, out, errs)
	}
	code, out, _ = run(t, nil, "token", "ls", "--user", "ann", "--data-dir", data)
	if code != ExitOK || !strings.Contains(out, "backup script") || strings.Contains(out, secret) {
		t.Fatalf("token ls: %d %q", code, out)
	}
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	if code, _, errs := run(t, nil, "token", "revoke", id, "--user", "bob", "--data-dir", data); code != ExitFailed {
		t.Fatalf("revoking ann's token as bob: %d %s", code, errs)
	}
	if code, _, errs := run(t, nil, "token", "revoke", id, "--user", "ann", "--data-dir", data); code != ExitOK {
		t.Fatalf("token revoke: %s", errs)
	}

	// Sessions.
	lib, _ := openLibrary(t, nil, data)
	if _, _, err := lib.SignIn(t.Context(), "ann", annPW, "TestBrowser/1.0", "192.0.2.9", 0); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, nil, "user", "sessions", "ann", "--data-dir", data); code != ExitOK || !strings.Contains(out, "TestBrowser/1.0") {
		t.Fatalf("user sessions: %d %q", code, out)
	}
	if code, out, _ := run(t, nil, "user", "sessions", "ann", "--revoke", "--data-dir", data); code != ExitOK || !strings.Contains(out, "ended 1 sessions") {
		t.Fatalf("user sessions --revoke: %d %q", code, out)
	}
	if code, out, errs := runStdin(t, "a new long password\n", "user", "passwd", "ann", "--password-stdin", "--data-dir", data); code != ExitOK {
		t.Fatalf("user passwd: %d %q %s", code, out, errs)
	}
	if _, _, err := lib.SignIn(t.Context(), "ann", "a new long password", "", "", 0); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}

	// Removal.
	if code, _, errs := run(t, nil, "user", "rm", "ann", "--transfer-to", "bob", "--data-dir", data); code != ExitFailed || !strings.Contains(errs, "last admin") {
		t.Fatalf("user rm of the last admin: %d %s", code, errs)
	}
	if code, _, errs := runStdin(t, "carl's long password\n", "user", "add", "carl", "--admin", "--password-stdin", "--data-dir", data); code != ExitOK {
		t.Fatalf("user add carl: %s", errs)
	}
	if code, _, errs := run(t, nil, "user", "rm", "ann", "--data-dir", data); code != ExitFailed || !strings.Contains(errs, "still owns") {
		t.Fatalf("user rm of an owner of documents: %d %s", code, errs)
	}
	annDocs := rows[0].Usage
	if code, out, errs := run(t, nil, "user", "rm", "ann", "--transfer-to", "bob", "--data-dir", data); code != ExitOK || !strings.Contains(out, "removed ann") {
		t.Fatalf("user rm ann --transfer-to bob: %d %q %s", code, out, errs)
	}
	_, out, _ = run(t, nil, "user", "ls", "--json", "--data-dir", data)
	rows = nil
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Name != "Bob" || rows[0].Usage != annDocs {
		t.Fatalf("after the transfer: %+v; want Bob with ann's %+v", rows, annDocs)
	}
	// Every moved document has its bytes under its new owner, and no
	// object is left behind.
	if code, out, errs := run(t, nil, "verify", "--data-dir", data); code != ExitOK {
		t.Fatalf("verify after the transfer: %d %s %s", code, out, errs)
	}
	if code, out, errs := run(t, nil, "user", "rm", "bob", "--delete-documents", "--data-dir", data); code != ExitOK || !strings.Contains(out, "removed Bob") {
		t.Fatalf("user rm bob --delete-documents: %d %q %s", code, out, errs)
	}
}
