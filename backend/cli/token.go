package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// tokenFile is the serve face's access token, in the data directory.
const tokenFile = "token"

type tokenOpts struct {
	user, name *string
}

func tokenCommand() command {
	return command{
		name:    "token",
		args:    "[create | ls | revoke ID]",
		summary: "Print the shared access token (no users yet), or manage personal API tokens.",
		help: `Without an action: print the access token ` + "`docsift serve`" + ` asks for off loopback
(creating it if needed) — only while the server has no users.
  create --user NAME --name LABEL   make a personal token for scripts (printed once)
  ls --user NAME                    list a user's tokens
  revoke --user NAME ID             delete one
A personal token is sent as "Authorization: Bearer TOKEN".`,
		flags: func(fs *flag.FlagSet) any {
			return &tokenOpts{
				user: fs.String("user", "", "create, ls, revoke: the user the token belongs to"),
				name: fs.String("name", "", "create: a label for the token, e.g. \"backup script\""),
			}
		},
		run: runToken,
	}
}

func runToken(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*tokenOpts)
	if len(args) == 0 {
		accounts, err := r.lib.HasAccounts(ctx)
		if err != nil {
			return r.fail(err)
		}
		if accounts {
			fmt.Fprintln(r.env.Stderr, "docsift token: this library has users, so the shared access token no longer works; "+
				"sign in as a user, or make a personal token with docsift token create --user NAME --name LABEL (users are added with docsift user add)")
			return ExitFailed
		}
		tok, err := loadOrCreateToken(r.cfg.DataDir)
		if err != nil {
			return r.fail(err)
		}
		fmt.Fprintln(r.env.Stdout, tok)
		return ExitOK
	}
	sub, args := args[0], args[1:]
	want := map[string]int{"create": 0, "ls": 0, "revoke": 1}
	n, ok := want[sub]
	if !ok {
		fmt.Fprintf(r.env.Stderr, "docsift token: unknown action %q: use create, ls or revoke (or no action for the shared token)\n", sub)
		return ExitUsage
	}
	if len(args) != n {
		fmt.Fprintf(r.env.Stderr, "docsift token %s: expected %d argument(s)\n", sub, n)
		return ExitUsage
	}
	if *opts.user == "" {
		fmt.Fprintf(r.env.Stderr, "docsift token %s: say whose token with --user NAME\n", sub)
		return ExitUsage
	}
	a, err := r.lib.AccountByName(ctx, *opts.user)
	if err != nil {
		return r.fail(err)
	}
	switch sub {
	case "create":
		secret, t, err := r.lib.CreateToken(ctx, a.ID, *opts.name)
		if err != nil {
			return r.fail(err)
		}
		fmt.Fprintln(r.env.Stdout, secret)
		fmt.Fprintf(r.env.Stderr, "personal token %s (id %s) for %s: keep it now, it is not shown again\n", display(t.Name), t.ID, display(a.Name))
	case "ls":
		list, err := r.lib.Tokens(ctx, a.ID)
		if err != nil {
			return r.fail(err)
		}
		tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED")
		for _, t := range list {
			used := "never"
			if t.LastUsedAt != nil {
				used = t.LastUsedAt.Local().Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, display(t.Name), t.CreatedAt.Local().Format(time.DateTime), used)
		}
		tw.Flush()
	case "revoke":
		if err := r.lib.RevokeToken(ctx, a.ID, args[0]); err != nil {
			return r.fail(err)
		}
		fmt.Fprintf(r.env.Stdout, "revoked token %s of %s\n", args[0], display(a.Name))
	}
	return ExitOK
}

// loadOrCreateToken reads DATA_DIR/token, or creates it (32 random bytes,
// base64url, mode 0600) when it does not exist yet.
func loadOrCreateToken(dataDir string) (string, error) {
	path := filepath.Join(dataDir, tokenFile)
	for attempt := 0; attempt < 2; attempt++ {
		b, err := os.ReadFile(path)
		if err == nil {
			tok := strings.TrimSpace(string(b))
			if len(tok) < 16 {
				return "", fmt.Errorf("the access token file %s is empty or too short: delete it to make a new one", path)
			}
			return tok, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("read the access token: %w", err)
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return "", fmt.Errorf("create the data directory: %w", err)
		}
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return "", fmt.Errorf("make an access token: %w", err)
		}
		tok := base64.RawURLEncoding.EncodeToString(raw)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // another process made it first: read theirs
		}
		if err != nil {
			return "", fmt.Errorf("create the access token file: %w", err)
		}
		_, werr := f.WriteString(tok + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			os.Remove(path)
			return "", fmt.Errorf("write the access token file: %w", err)
		}
		return tok, nil
	}
	return "", fmt.Errorf("the access token file %s could not be read or created", path)
}
