package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

type lsOpts struct {
	topic, folder, status, sort, query *string
	limit                              *int
	json, inbox, unclassified          *bool
}

func lsCommand() command {
	return command{
		name:    "ls",
		args:    "",
		summary: "List documents.",
		flags: func(fs *flag.FlagSet) any {
			return &lsOpts{
				topic:  fs.String("topic", "", "only documents with this topic (name)"),
				folder: fs.String("folder", "", "only documents directly in this folder (name or id; \"/\" for unfiled)"),
				status: fs.String("status", "", "only documents in this state (stored, extracting, classifying, ready, failed)"),
				sort:   fs.String("sort", "newest", "newest, oldest, name or size"),
				query:  fs.String("q", "", "only documents whose name contains this"),
				limit:  fs.Int("limit", 0, "print at most this many (0: all)"),
				json:   fs.Bool("json", false, "print a JSON array"),
				inbox:  fs.Bool("inbox", false, "only ready documents waiting for you: with suggestions, or with no topic"),
				unclassified: fs.Bool("unclassified", false,
					"only ready documents the AI provider could not sort (docsift classify --failed tries again)"),
			}
		},
		run: runLs,
	}
}

// lsRow is what `ls --json` prints per document.
type lsRow struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
	Status      string `json:"status"`
	Error       string `json:"error,omitempty"`
	// ClassifyError is the provider's sentence for a document it could not sort.
	ClassifyError string   `json:"classify_error,omitempty"`
	Topics        []string `json:"topics"`
	FolderID      *string  `json:"folder_id"`
	CreatedAt     string   `json:"created_at"`
}

func runLs(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*lsOpts)
	if len(args) > 0 {
		fmt.Fprintf(r.env.Stderr, "docsift ls: unexpected argument %q\n", args[0])
		return ExitUsage
	}
	f := library.Filter{Sort: store.Sort(*opts.sort), Query: *opts.query, Limit: 500}
	if *opts.topic != "" {
		t, err := r.lib.TopicByName(ctx, *opts.topic)
		if errors.Is(err, library.ErrNotFound) {
			fmt.Fprintf(r.env.Stderr, "docsift ls: there is no topic called %s\n", display(*opts.topic))
			return ExitUsage
		} else if err != nil {
			return r.fail(err)
		}
		f.TopicID = &t.ID
	}
	if *opts.folder == "/" {
		f.Unfiled = true
	} else if *opts.folder != "" {
		id, err := r.lib.FolderByName(ctx, *opts.folder)
		if err != nil {
			return r.fail(err)
		}
		f.FolderID = &id
	}
	if *opts.status != "" {
		s := store.Status(*opts.status)
		f.Status = &s
	}
	f.Inbox = *opts.inbox
	f.Unclassified = *opts.unclassified
	rows := []lsRow{}
	for {
		page, err := r.lib.Documents(ctx, f)
		if err != nil {
			return r.fail(err)
		}
		for _, d := range page.Documents {
			rows = append(rows, toRow(d))
			if *opts.limit > 0 && len(rows) == *opts.limit {
				page.NextCursor = ""
				break
			}
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if *opts.json {
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return r.fail(err)
		}
		return ExitOK
	}
	tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSIZE\tSTATUS\tTOPICS\tNAME")
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.ID, humanSize(row.SizeBytes), row.Status, strings.Join(row.Topics, ", "), display(row.Filename))
	}
	tw.Flush()
	return ExitOK
}

func toRow(d library.Document) lsRow {
	row := lsRow{
		ID: d.ID, Filename: d.Filename, ContentType: d.ContentType, SizeBytes: d.SizeBytes,
		SHA256: d.SHA256, Status: string(d.Status), Error: d.Error, ClassifyError: d.ClassifyError, FolderID: d.FolderID,
		CreatedAt: d.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), Topics: []string{},
	}
	for _, t := range d.Topics {
		row.Topics = append(row.Topics, t.Name)
	}
	return row
}

func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
