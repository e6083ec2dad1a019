package library

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/store"
)

// ImportOptions says where an imported file goes. The zero value files
// nothing and links no topic.
type ImportOptions struct {
	// Topics are linked to the document as source "rule" (confidence 1),
	// created when missing. On a duplicate they are added to the links the
	// document already has; the user's own links are never replaced.
	Topics []string
	// FolderID files a new document in this folder of the user (nil: no
	// folder). A duplicate stays where it is: the user may have moved it.
	FolderID *string
}

// ImportPathWith imports a file on disk like ImportPath and then applies
// opt. Options are checked before anything is stored. When it returns
// without error the document's metadata is committed; an error after the
// commit (linking the topics failed) is safe to retry: the retry finds the
// document as a duplicate and links the topics again.
func (l *Library) ImportPathWith(ctx context.Context, path string, opt ImportOptions) (ImportResult, error) {
	names, err := cleanTopicNames(opt.Topics)
	if err != nil {
		return ImportResult{}, err
	}
	if opt.FolderID != nil {
		if _, err := l.Folder(ctx, *opt.FolderID); err != nil {
			return ImportResult{}, err
		}
	}
	res, err := l.importPath(ctx, path, opt.FolderID)
	if err != nil || len(names) == 0 {
		return res, err
	}
	doc, err := l.addRuleTopics(ctx, res.Document, names)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %s: link topics: %w", quoteName(path), err)
	}
	res.Document = doc
	return res, nil
}

// addRuleTopics links the named topics to doc as source "rule", keeping
// every link doc already has (a topic already linked keeps its link and
// source), and returns the document as stored.
func (l *Library) addRuleTopics(ctx context.Context, doc Document, names []string) (Document, error) {
	links := make([]store.TopicLink, 0, len(doc.Topics)+len(names))
	linked := map[string]bool{}
	for _, t := range doc.Topics {
		links = append(links, store.TopicLink{TopicID: t.TopicID, Source: t.Source, Confidence: t.Confidence})
		linked[t.TopicID] = true
	}
	added := false
	for _, name := range names {
		t, err := l.CreateTopic(ctx, TopicInput{Name: name})
		if err != nil {
			return Document{}, err
		}
		if linked[t.ID] {
			continue
		}
		linked[t.ID] = true
		added = true
		links = append(links, store.TopicLink{TopicID: t.ID, Source: store.SourceRule, Confidence: 1})
	}
	if !added {
		return doc, nil
	}
	if err := l.store.SetDocumentTopics(ctx, l.user.ID, doc.ID, links); err != nil {
		return Document{}, fmt.Errorf("set topics of %s: %w", doc.ID, err)
	}
	return l.Document(ctx, doc.ID)
}

// cleanTopicNames cleans names and drops repeats (ignoring case), keeping
// the first spelling.
func cleanTopicNames(raw []string) ([]string, error) {
	var names []string
	seen := map[string]bool{}
	for _, r := range raw {
		name, err := naming.TopicName(r)
		if err != nil {
			return nil, err
		}
		if k := strings.ToLower(name); !seen[k] {
			seen[k] = true
			names = append(names, name)
		}
	}
	return names, nil
}

// EnsureFolder returns the user's folder called name (compared ignoring
// case) directly under parentID (nil: at the top), creating it when there
// is none. It is not atomic: two callers racing on a new name may both
// create it, so callers that import in parallel should serialise their
// calls. When twins exist, the oldest is returned, so every caller settles
// on the same one.
func (l *Library) EnsureFolder(ctx context.Context, name string, parentID *string) (Folder, error) {
	clean, err := naming.FolderName(name)
	if err != nil {
		return Folder{}, err
	}
	all, err := l.Folders(ctx)
	if err != nil {
		return Folder{}, err
	}
	var matches []Folder
	for _, f := range all {
		if !f.Shared && sameParent(f.ParentID, parentID) && strings.EqualFold(f.Name, clean) {
			matches = append(matches, f)
		}
	}
	if len(matches) > 0 {
		sort.Slice(matches, func(i, j int) bool {
			if !matches[i].CreatedAt.Equal(matches[j].CreatedAt) {
				return matches[i].CreatedAt.Before(matches[j].CreatedAt)
			}
			return matches[i].ID < matches[j].ID
		})
		return matches[0], nil
	}
	f, err := l.CreateFolder(ctx, clean, parentID)
	if err != nil && !errors.Is(err, ErrInvalid) {
		return Folder{}, fmt.Errorf("ensure folder %q: %w", clean, err)
	}
	return f, err
}

func sameParent(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
