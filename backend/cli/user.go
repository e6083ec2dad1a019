package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/docsift/docsift/backend/internal/bytesize"
	"github.com/docsift/docsift/backend/library"
)

type userOpts struct {
	admin, passwordStdin, json, deleteDocs, revoke *bool
	transferTo, bytes                              *string
	documents                                      *int64
}

func userCommand() command {
	return command{
		name:    "user",
		args:    "add NAME | ls | passwd NAME | rm NAME | quota NAME | sessions NAME",
		summary: "Manage the people who sign in to `docsift serve` (none: nobody is asked).",
		help: `Actions:
  add NAME --password-stdin [--admin]   add a user; the first one takes over the library as it is
  ls [--json]                           users with their documents, bytes used and quota
  passwd NAME --password-stdin          set a new password (signs the user out everywhere)
  rm NAME [--delete-documents | --transfer-to OTHER]   remove a user; refused while they own documents
  quota NAME [--bytes 5GB] [--documents 10000]   set the quota (0: none)
  sessions NAME [--revoke]              list the user's sign-ins, or end them all

Passwords are read from standard input, one line (echo ... | docsift user add NAME
--password-stdin), never from the command line, and are never logged.`,
		flags: func(fs *flag.FlagSet) any {
			return &userOpts{
				admin:         fs.Bool("admin", false, "add: the user may manage users"),
				passwordStdin: fs.Bool("password-stdin", false, "add, passwd: read the password from standard input"),
				json:          fs.Bool("json", false, "ls: print JSON"),
				deleteDocs:    fs.Bool("delete-documents", false, "rm: delete the user's documents too"),
				transferTo:    fs.String("transfer-to", "", "rm: give the user's documents to another user"),
				revoke:        fs.Bool("revoke", false, "sessions: end every session of the user"),
				bytes:         fs.String("bytes", "", "quota: bytes the user may store, e.g. 5GB (0: no bound)"),
				documents:     fs.Int64("documents", -1, "quota: documents the user may store (0: no bound)"),
			}
		},
		run: runUser,
	}
}

func runUser(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*userOpts)
	if len(args) == 0 {
		fmt.Fprintln(r.env.Stderr, "docsift user: give an action: add, ls, passwd, rm, quota or sessions")
		return ExitUsage
	}
	sub, args := args[0], args[1:]
	want := map[string]int{"add": 1, "ls": 0, "passwd": 1, "rm": 1, "quota": 1, "sessions": 1}
	n, ok := want[sub]
	if !ok {
		fmt.Fprintf(r.env.Stderr, "docsift user: unknown action %q: use add, ls, passwd, rm, quota or sessions\n", sub)
		return ExitUsage
	}
	if len(args) != n {
		fmt.Fprintf(r.env.Stderr, "docsift user %s: expected %d argument(s)\n", sub, n)
		return ExitUsage
	}
	switch sub {
	case "add":
		pw, code := r.readPassword(opts, "add")
		if code != ExitOK {
			return code
		}
		first, err := r.lib.HasAccounts(ctx)
		if err != nil {
			return r.fail(err)
		}
		a, err := r.lib.AddAccount(ctx, args[0], pw, *opts.admin)
		if err != nil {
			return r.fail(err)
		}
		role := "user"
		if a.Admin {
			role = "admin"
		}
		fmt.Fprintf(r.env.Stdout, "added %s %s\n", role, display(a.Name))
		if !first {
			fmt.Fprintf(r.env.Stdout, "%s now owns this library (%d documents); `docsift serve` asks everyone to sign in, and the shared access token no longer works\n",
				display(a.Name), a.Usage.Documents)
		}
	case "ls":
		return r.listUsers(ctx, *opts.json)
	case "passwd":
		a, err := r.lib.AccountByName(ctx, args[0])
		if err != nil {
			return r.fail(err)
		}
		pw, code := r.readPassword(opts, "passwd")
		if code != ExitOK {
			return code
		}
		if err := r.lib.SetPassword(ctx, a.ID, pw); err != nil {
			return r.fail(err)
		}
		fmt.Fprintf(r.env.Stdout, "new password set for %s; their sessions have ended\n", display(a.Name))
	case "rm":
		a, err := r.lib.AccountByName(ctx, args[0])
		if err != nil {
			return r.fail(err)
		}
		opt := library.RemoveOptions{DeleteDocuments: *opts.deleteDocs}
		if *opts.transferTo != "" {
			to, err := r.lib.AccountByName(ctx, *opts.transferTo)
			if err != nil {
				return r.fail(err)
			}
			opt.TransferTo = to.ID
		}
		if err := r.lib.RemoveAccount(ctx, a.ID, opt); err != nil {
			return r.fail(err)
		}
		fmt.Fprintf(r.env.Stdout, "removed %s\n", display(a.Name))
		if opt.TransferTo != "" && a.Usage.Documents > 0 {
			fmt.Fprintf(r.env.Stdout, "%d documents went to %s (unfiled; topics kept by name; files they already had were not copied)\n",
				a.Usage.Documents, display(*opts.transferTo))
		}
	case "quota":
		return r.setQuota(ctx, args[0], opts)
	case "sessions":
		return r.userSessions(ctx, args[0], *opts.revoke)
	}
	return ExitOK
}

// readPassword reads one line from standard input (--password-stdin).
func (r *runner) readPassword(opts *userOpts, sub string) (string, int) {
	if !*opts.passwordStdin {
		fmt.Fprintf(r.env.Stderr, "docsift user %s: give the password on standard input with --password-stdin (never on the command line)\n", sub)
		return "", ExitUsage
	}
	line, err := bufio.NewReader(io.LimitReader(r.env.Stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", r.fail(fmt.Errorf("read the password: %w", err))
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		fmt.Fprintf(r.env.Stderr, "docsift user %s: standard input held no password\n", sub)
		return "", ExitUsage
	}
	return pw, ExitOK
}

// userRow is what `user ls --json` prints per user.
type userRow struct {
	Name      string        `json:"name"`
	Admin     bool          `json:"admin"`
	Usage     library.Usage `json:"usage"`
	Quota     library.Quota `json:"quota"`
	CreatedAt time.Time     `json:"created_at"`
}

func (r *runner) listUsers(ctx context.Context, asJSON bool) int {
	list, err := r.lib.Accounts(ctx)
	if err != nil {
		return r.fail(err)
	}
	if asJSON {
		rows := make([]userRow, len(list))
		for i, a := range list {
			rows[i] = userRow{Name: a.Name, Admin: a.Admin, Usage: a.Usage, Quota: a.Quota, CreatedAt: a.CreatedAt}
		}
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return r.fail(err)
		}
		return ExitOK
	}
	if len(list) == 0 {
		fmt.Fprintln(r.env.Stdout, "no users: nobody is asked to sign in (add the first with docsift user add NAME --password-stdin)")
		return ExitOK
	}
	tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tADMIN\tDOCUMENTS\tBYTES USED\tQUOTA")
	for _, a := range list {
		admin := ""
		if a.Admin {
			admin = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", display(a.Name), admin, a.Usage.Documents, bytesize.Format(a.Usage.Bytes), quotaText(a.Quota))
	}
	tw.Flush()
	return ExitOK
}

// quotaText shows a quota in words ("none" without a bound).
func quotaText(q library.Quota) string {
	var parts []string
	if q.Bytes > 0 {
		parts = append(parts, bytesize.Format(q.Bytes))
	}
	if q.Documents > 0 {
		parts = append(parts, fmt.Sprintf("%d documents", q.Documents))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func (r *runner) setQuota(ctx context.Context, name string, opts *userOpts) int {
	if *opts.bytes == "" && *opts.documents < 0 {
		fmt.Fprintln(r.env.Stderr, "docsift user quota: give --bytes (e.g. 5GB) and/or --documents (0: no bound)")
		return ExitUsage
	}
	a, err := r.lib.AccountByName(ctx, name)
	if err != nil {
		return r.fail(err)
	}
	q := a.Quota
	if *opts.bytes != "" {
		n, err := bytesize.Parse(*opts.bytes)
		if err != nil {
			fmt.Fprintf(r.env.Stderr, "docsift user quota: --bytes: %v\n", err)
			return ExitUsage
		}
		q.Bytes = n
	}
	if *opts.documents >= 0 {
		q.Documents = *opts.documents
	}
	if err := r.lib.SetQuota(ctx, a.ID, q); err != nil {
		return r.fail(err)
	}
	fmt.Fprintf(r.env.Stdout, "quota of %s: %s (uses %d documents, %s)\n", display(a.Name), quotaText(q),
		a.Usage.Documents, bytesize.Format(a.Usage.Bytes))
	return ExitOK
}

func (r *runner) userSessions(ctx context.Context, name string, revoke bool) int {
	a, err := r.lib.AccountByName(ctx, name)
	if err != nil {
		return r.fail(err)
	}
	if revoke {
		n, err := r.lib.RevokeSessions(ctx, a.ID)
		if err != nil {
			return r.fail(err)
		}
		fmt.Fprintf(r.env.Stdout, "ended %d sessions of %s (a running server notices within %s)\n",
			n, display(a.Name), library.DefaultAuthCacheTTL)
		return ExitOK
	}
	list, err := r.lib.Sessions(ctx, a.ID, "")
	if err != nil {
		return r.fail(err)
	}
	tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SIGNED IN\tLAST SEEN\tEXPIRES\tADDRESS\tBROWSER")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.CreatedAt.Local().Format(time.DateTime), s.LastSeenAt.Local().Format(time.DateTime),
			s.ExpiresAt.Local().Format(time.DateOnly), display(s.Address), display(s.UserAgent))
	}
	tw.Flush()
	return ExitOK
}
