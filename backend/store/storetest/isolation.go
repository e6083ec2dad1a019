package storetest

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// The isolation suite holds every Store method to the rule the Store
// states: a row of another user is as good as missing, and no list,
// count, search or suggestion includes another user's rows. Two users,
// A and B, get documents, topics, folders, views, settings, suggestions,
// decisions and classifier examples; then B tries every method on A's
// data. A snapshot of everything A has, taken before and compared after,
// proves that none of B's attempts changed it.
//
// isolationCases maps every Store method to its case. A method with no
// user data (the connection, the accounts themselves, the queue's
// process-wide counters) is in isolationExempt with the reason; every
// method must be in exactly one of them, which testIsolationCovers
// checks by reflection, so a method added later cannot skip the suite.

func isolationTests() []subtest {
	return []subtest{
		{"Isolation/EveryMethodCovered", testIsolationCovers},
		{"Isolation/EveryMethod", testIsolation},
	}
}

// isolationExempt lists the Store methods that touch no user's data, and
// why.
var isolationExempt = map[string]string{
	"Backend":     "names the driver",
	"Ping":        "checks the connection",
	"Close":       "releases the connection pool",
	"DefaultUser": "the local account itself, not data a user owns",
	"CreateUser":  "creates an account (an admin's act), not data a user owns",
	"User":        "reads an account (an admin's or the sign-in's lookup)",
	"UserByName":  "reads an account (an admin's or the sign-in's lookup)",
	"Users":       "lists the accounts (an admin's view), not data a user owns",
	"JobCounts":   "counts the whole queue for the process's progress and metrics; names no document",
	"JobDepths":   "counts the whole queue by kind for metrics; names no document",
	// Accounts (accounts.go): managing them is an admin's act, which the
	// library and the API allow only to admins; signing in looks a
	// session or token up by the hash of a secret only its holder has.
	"AccountCount":     "counts the accounts (whether anyone must sign in)",
	"CreateAccount":    "creates an account (an admin's act)",
	"Account":          "reads an account (an admin's or the sign-in's lookup)",
	"AccountByName":    "reads an account (an admin's or the sign-in's lookup)",
	"ListAccounts":     "lists the accounts with their usage (an admin's view)",
	"SetPassword":      "changes an account's password (its owner's or an admin's act)",
	"SetQuota":         "changes an account's quota (an admin's act)",
	"SetAdmin":         "grants or takes admin rights (an admin's act)",
	"DeleteAccount":    "removes an account (an admin's act)",
	"TransferDocument": "gives a document to another account when its owner is removed (an admin's act naming both)",
	"CreateSession":    "starts a session for the account that just proved its password",
	"SessionByToken":   "the sign-in's lookup by the hash of the cookie's secret",
	"TouchSession":     "records a use of the session the sign-in just found",
	"CreateToken":      "creates a personal token for the signed-in account",
	"TokenByHash":      "the sign-in's lookup by the hash of the token's secret",
	"TouchToken":       "records a use of the token the sign-in just found",
}

// isoWorld is the two users' data.
type isoWorld struct {
	*jobFixture
	// c is a third user A shares a topic with, so that a share exists
	// for B to (fail to) see.
	a, b, c store.User
	// A's rows.
	aTax, aTravel   store.Topic
	aFolder         store.Folder
	aDoc, aSuggest  store.Document // aDoc: linked, in aFolder; aSuggest: a pending Travel suggestion
	aStuck          store.Document // stored, no job: what StuckDocuments finds
	aView           store.SavedView
	aGeneration     int64
	aDocs, aAllDocs []string
	// B's rows.
	bTax    store.Topic
	bFolder store.Folder
	bDoc    store.Document
	bView   store.SavedView
}

// isolationCases are the checks of B against A's data, one per method.
// They run in the order of isolationOrder, reads before writes.
var isolationCases = map[string]func(t *testing.T, w *isoWorld){
	"CreateDocuments": func(t *testing.T, w *isoWorld) {
		own, into := newDoc(w.b, "batch-own.pdf"), newDoc(w.b, "batch-into-a.pdf")
		into.FolderID = &w.aFolder.ID
		wantErr(t, "B creates a batch with a document in A's folder",
			w.s.CreateDocuments(w.ctx, []store.NewDocument{{Document: own}, {Document: into}}), store.ErrNotFound)
		own = newDoc(w.b, "batch-job.pdf")
		wantErr(t, "B creates a batch with a job on A's document",
			w.s.CreateDocuments(w.ctx, []store.NewDocument{{Document: own, Jobs: []store.Job{{Kind: "extract", DocumentID: w.aDoc.ID}}}}), store.ErrNotFound)
	},
	"Usage": func(t *testing.T, w *isoWorld) {
		u, err := w.s.Usage(w.ctx, w.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		p, err := w.s.Documents(w.ctx, store.DocumentFilter{UserID: w.b.ID})
		if err != nil {
			t.Fatal(err)
		}
		if u.Documents != int64(p.Total) {
			t.Errorf("B's usage counts %d documents, B has %d", u.Documents, p.Total)
		}
	},
	"Sessions": func(t *testing.T, w *isoWorld) {
		a := w.session(t, w.a)
		got, err := w.s.Sessions(w.ctx, w.b.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			if s.ID == a.ID || s.UserID != w.b.ID {
				t.Errorf("B's sessions include %+v", s)
			}
		}
	},
	"RevokeSession": func(t *testing.T, w *isoWorld) {
		a := w.session(t, w.a)
		wantErr(t, "B revokes A's session", w.s.RevokeSession(w.ctx, w.b.ID, a.ID), store.ErrNotFound)
		if _, err := w.s.SessionByToken(w.ctx, a.TokenHash, time.Now()); err != nil {
			t.Errorf("A's session after B's attempt: %v", err)
		}
	},
	"RevokeSessions": func(t *testing.T, w *isoWorld) {
		a := w.session(t, w.a)
		w.session(t, w.b)
		if n, err := w.s.RevokeSessions(w.ctx, w.b.ID); err != nil || n < 1 {
			t.Fatalf("B revokes its sessions: %d, %v", n, err)
		}
		if _, err := w.s.SessionByToken(w.ctx, a.TokenHash, time.Now()); err != nil {
			t.Errorf("A's session after B revoked its own: %v", err)
		}
	},
	"Tokens": func(t *testing.T, w *isoWorld) {
		a := w.token(t, w.a)
		got, err := w.s.Tokens(w.ctx, w.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range got {
			if tk.ID == a.ID || tk.UserID != w.b.ID {
				t.Errorf("B's tokens include %+v", tk)
			}
		}
	},
	"RevokeToken": func(t *testing.T, w *isoWorld) {
		a := w.token(t, w.a)
		wantErr(t, "B revokes A's token", w.s.RevokeToken(w.ctx, w.b.ID, a.ID), store.ErrNotFound)
		if _, err := w.s.TokenByHash(w.ctx, a.TokenHash); err != nil {
			t.Errorf("A's token after B's attempt: %v", err)
		}
	},
	"Document": func(t *testing.T, w *isoWorld) {
		_, err := w.s.Document(w.ctx, w.b.ID, w.aDoc.ID)
		wantErr(t, "B reads A's document", err, store.ErrNotFound)
	},
	"DocumentBySHA256": func(t *testing.T, w *isoWorld) {
		_, err := w.s.DocumentBySHA256(w.ctx, w.b.ID, w.aDoc.SHA256)
		wantErr(t, "B finds A's document by hash", err, store.ErrNotFound)
	},
	"Documents": func(t *testing.T, w *isoWorld) {
		filters := map[string]store.DocumentFilter{
			"everything":  {},
			"A's topic":   {TopicID: &w.aTax.ID},
			"A's folder":  {FolderID: &w.aFolder.ID},
			"name":        {Query: "zebra"},
			"inbox":       {Inbox: true},
			"stored":      {Status: ptr(store.StatusStored)},
			"unfiled":     {Unfiled: true},
			"by name":     {Sort: store.SortName},
			"by size":     {Sort: store.SortSize, Limit: 1},
			"first pages": {Limit: 1, Offset: 0},
		}
		for name, f := range filters {
			f.UserID = w.b.ID
			p, err := w.s.Documents(w.ctx, f)
			if err != nil {
				t.Fatalf("Documents(%s): %v", name, err)
			}
			w.noneOfA(t, "Documents("+name+")", ids(p.Documents))
			if p.Total > 1 {
				t.Errorf("Documents(%s): total %d, B has one document", name, p.Total)
			}
		}
		p, err := w.s.Documents(w.ctx, store.DocumentFilter{UserID: w.b.ID, TopicID: &w.aTax.ID})
		if err != nil || p.Total != 0 {
			t.Errorf("B's documents with A's topic: total %d, %v; want 0", p.Total, err)
		}
	},
	"UpdateDocument": func(t *testing.T, w *isoWorld) {
		_, err := w.s.UpdateDocument(w.ctx, w.b.ID, w.aDoc.ID, store.DocumentPatch{Filename: ptr("taken.pdf")})
		wantErr(t, "B renames A's document", err, store.ErrNotFound)
		_, err = w.s.UpdateDocument(w.ctx, w.b.ID, w.bDoc.ID, store.DocumentPatch{FolderID: ptr(&w.aFolder.ID)})
		wantErr(t, "B moves its document into A's folder", err, store.ErrNotFound)
	},
	"ReplaceDocumentContent": func(t *testing.T, w *isoWorld) {
		c := newContent(w.b, w.aDoc.ID, "B's bytes")
		wantErr(t, "B replaces A's bytes",
			w.s.ReplaceDocumentContent(w.ctx, w.b.ID, w.aDoc.ID, c, store.Job{Kind: "extract"}), store.ErrNotFound)
	},
	"DeleteDocument": func(t *testing.T, w *isoWorld) {
		wantErr(t, "B deletes A's document", w.s.DeleteDocument(w.ctx, w.b.ID, w.aDoc.ID), store.ErrNotFound)
	},
	"MoveDocuments": func(t *testing.T, w *isoWorld) {
		wantErr(t, "B moves A's document",
			w.s.MoveDocuments(w.ctx, w.b.ID, []string{w.aDoc.ID}, &w.bFolder.ID), store.ErrNotFound)
		wantErr(t, "B moves its document into A's folder",
			w.s.MoveDocuments(w.ctx, w.b.ID, []string{w.bDoc.ID}, &w.aFolder.ID), store.ErrNotFound)
	},
	"SetDocumentTopics": func(t *testing.T, w *isoWorld) {
		wantErr(t, "B re-topics A's document",
			w.s.SetDocumentTopics(w.ctx, w.b.ID, w.aDoc.ID, []store.TopicLink{{TopicID: w.bTax.ID}}), store.ErrNotFound)
		wantErr(t, "B links A's topic to its document",
			w.s.SetDocumentTopics(w.ctx, w.b.ID, w.bDoc.ID, []store.TopicLink{{TopicID: w.aTax.ID}}), store.ErrNotFound)
	},
	"CreateDocument": func(t *testing.T, w *isoWorld) {
		d := newDoc(w.b, "into-a.pdf")
		d.FolderID = &w.aFolder.ID
		wantErr(t, "B creates a document in A's folder", w.s.CreateDocument(w.ctx, d), store.ErrNotFound)
		d = newDoc(w.b, "job-on-a.pdf")
		wantErr(t, "B creates a document with a job on A's document",
			w.s.CreateDocument(w.ctx, d, store.Job{Kind: "extract", DocumentID: w.aDoc.ID}), store.ErrNotFound)
		// The same bytes as A's are B's own document: hashes are unique per user.
		d = newDoc(w.b, "same-bytes.pdf")
		d.SHA256 = w.aDoc.SHA256
		if err := w.s.CreateDocument(w.ctx, d); err != nil {
			t.Fatalf("B creates a document with the hash of A's: %v", err)
		}
		if err := w.s.DeleteDocument(w.ctx, w.b.ID, d.ID); err != nil {
			t.Fatalf("B deletes its document: %v", err)
		}
	},
	"Topic": func(t *testing.T, w *isoWorld) {
		_, err := w.s.Topic(w.ctx, w.b.ID, w.aTax.ID)
		wantErr(t, "B reads A's topic", err, store.ErrNotFound)
	},
	"TopicByName": func(t *testing.T, w *isoWorld) {
		_, err := w.s.TopicByName(w.ctx, w.b.ID, w.aTravel.Name)
		wantErr(t, "B finds A's topic by name", err, store.ErrNotFound)
		got, err := w.s.TopicByName(w.ctx, w.b.ID, w.aTax.Name)
		if err != nil || got.ID != w.bTax.ID {
			t.Errorf("B's topic named like A's = %v, %v; want B's own %s", got.ID, err, w.bTax.ID)
		}
	},
	"Topics": func(t *testing.T, w *isoWorld) {
		ts, err := w.s.Topics(w.ctx, w.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 1 || ts[0].ID != w.bTax.ID || ts[0].DocumentCount != 1 {
			t.Errorf("B's topics = %+v; want only B's Tax, counting B's one document", ts)
		}
	},
	"UpdateTopic": func(t *testing.T, w *isoWorld) {
		tp := w.aTax
		tp.UserID, tp.Name = w.b.ID, "Renamed by B"
		wantErr(t, "B renames A's topic", w.s.UpdateTopic(w.ctx, tp), store.ErrNotFound)
	},
	"DeleteTopic": func(t *testing.T, w *isoWorld) {
		wantErr(t, "B deletes A's topic", w.s.DeleteTopic(w.ctx, w.b.ID, w.aTax.ID), store.ErrNotFound)
	},
	"CreateTopic": func(t *testing.T, w *isoWorld) {
		// A name A uses is free for B: names are unique per user.
		tp := store.Topic{UserID: w.b.ID, Name: w.aTravel.Name}
		if err := w.s.CreateTopic(w.ctx, &tp); err != nil {
			t.Fatalf("B creates a topic named like A's: %v", err)
		}
		if err := w.s.DeleteTopic(w.ctx, w.b.ID, tp.ID); err != nil {
			t.Fatalf("B deletes its topic: %v", err)
		}
	},
	"Folder": func(t *testing.T, w *isoWorld) {
		_, err := w.s.Folder(w.ctx, w.b.ID, w.aFolder.ID)
		wantErr(t, "B reads A's folder", err, store.ErrNotFound)
	},
	"Folders": func(t *testing.T, w *isoWorld) {
		fs, err := w.s.Folders(w.ctx, w.b.ID)
		if err != nil || len(fs) != 1 || fs[0].ID != w.bFolder.ID {
			t.Errorf("B's folders = %+v, %v; want only B's", fs, err)
		}
	},
	"CreateFolder": func(t *testing.T, w *isoWorld) {
		f := store.Folder{UserID: w.b.ID, ParentID: &w.aFolder.ID, Name: "Inside A's"}
		wantErr(t, "B creates a folder in A's", w.s.CreateFolder(w.ctx, &f), store.ErrNotFound)
	},
	"UpdateFolder": func(t *testing.T, w *isoWorld) {
		f := w.aFolder
		f.UserID, f.Name = w.b.ID, "Renamed by B"
		wantErr(t, "B renames A's folder", w.s.UpdateFolder(w.ctx, f), store.ErrNotFound)
		mine := w.bFolder
		mine.ParentID = &w.aFolder.ID
		wantErr(t, "B moves its folder into A's", w.s.UpdateFolder(w.ctx, mine), store.ErrNotFound)
	},
	"DeleteFolder": func(t *testing.T, w *isoWorld) {
		for _, move := range []bool{false, true} {
			wantErr(t, "B deletes A's folder", w.s.DeleteFolder(w.ctx, w.b.ID, w.aFolder.ID, move), store.ErrNotFound)
		}
	},
	"FolderDocumentCount": func(t *testing.T, w *isoWorld) {
		_, err := w.s.FolderDocumentCount(w.ctx, w.b.ID, w.aFolder.ID)
		wantErr(t, "B counts A's folder", err, store.ErrNotFound)
	},
	"Settings": func(t *testing.T, w *isoWorld) {
		m, err := w.s.Settings(w.ctx, w.b.ID)
		if err != nil || len(m) != 1 || m["ai_provider"] != "b-provider" {
			t.Errorf("B's settings = %v, %v; want only B's", m, err)
		}
	},
	"SaveSettings": func(t *testing.T, w *isoWorld) {
		if err := w.s.SaveSettings(w.ctx, w.b.ID, map[string]string{"ai_provider": "b-again", "ai_model": "b"}); err != nil {
			t.Fatal(err)
		}
	},
	"EnqueueJob": func(t *testing.T, w *isoWorld) {
		j := store.Job{Kind: "extract", DocumentID: w.aDoc.ID, UserID: w.b.ID}
		wantErr(t, "B queues a job on A's document", w.s.EnqueueJob(w.ctx, &j), store.ErrNotFound)
	},
	"DocumentJobs": func(t *testing.T, w *isoWorld) {
		js, err := w.s.DocumentJobs(w.ctx, w.b.ID, w.aSuggest.ID)
		if err != nil || len(js) != 0 {
			t.Errorf("B lists the jobs of A's document: %v, %v; want none", js, err)
		}
	},
	"Search": func(t *testing.T, w *isoWorld) {
		zebra := [][]store.SearchTerm{{{Text: "zebra"}}}
		queries := map[string]store.SearchQuery{
			"text":       {Must: zebra},
			"by date":    {Must: zebra, ByDate: true},
			"no text":    {},
			"A's topic":  {Filter: store.DocumentFilter{TopicID: &w.aTax.ID}},
			"A's folder": {Filter: store.DocumentFilter{FolderID: &w.aFolder.ID}},
			"topic filter": {Filters: []store.SearchFilter{{Kind: store.FilterTopic, IDs: []string{w.aTax.ID}}},
				Must: zebra},
			"folder filter": {Filters: []store.SearchFilter{{Kind: store.FilterFolder, IDs: []string{w.aFolder.ID}}}},
			"topic name":    {Must: [][]store.SearchTerm{{{Text: "travel"}}}},
		}
		for name, q := range queries {
			q.Filter.UserID = w.b.ID
			p, err := w.s.Search(w.ctx, q)
			if err != nil {
				t.Fatalf("Search(%s): %v", name, err)
			}
			var got []string
			for _, h := range p.Hits {
				got = append(got, h.Document.ID)
			}
			w.noneOfA(t, "Search("+name+")", got)
			if p.Total > 1 {
				t.Errorf("Search(%s): total %d, B has one document", name, p.Total)
			}
		}
	},
	"Similar": func(t *testing.T, w *isoWorld) {
		_, err := w.s.Similar(w.ctx, w.b.ID, w.aDoc.ID, 10)
		wantErr(t, "B asks for documents like A's", err, store.ErrNotFound)
		hits, err := w.s.Similar(w.ctx, w.b.ID, w.bDoc.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.Document.ID)
		}
		w.noneOfA(t, "Similar(B's document)", got)
	},
	"DocumentSuggestions": func(t *testing.T, w *isoWorld) {
		_, _, err := w.s.DocumentSuggestions(w.ctx, w.b.ID, w.aSuggest.ID)
		wantErr(t, "B reads A's suggestions", err, store.ErrNotFound)
	},
	"AcceptSuggestion": func(t *testing.T, w *isoWorld) {
		wantErr(t, "B accepts A's suggestion",
			w.s.AcceptSuggestion(w.ctx, w.b.ID, w.aSuggest.ID, w.aTravel.ID), store.ErrNotFound)
	},
	"RejectSuggestion": func(t *testing.T, w *isoWorld) {
		wantErr(t, "B rejects A's suggestion",
			w.s.RejectSuggestion(w.ctx, w.b.ID, w.aSuggest.ID, w.aTravel.ID), store.ErrNotFound)
	},
	"TrainingExamples": func(t *testing.T, w *isoWorld) {
		for _, q := range []store.TrainingQuery{
			{UserID: w.b.ID, WithText: true},
			{UserID: w.b.ID, DocumentID: w.aDoc.ID, WithText: true},
		} {
			var got []string
			err := w.s.TrainingExamples(w.ctx, q, func(ex store.TrainingExample) error {
				got = append(got, ex.DocumentID)
				return nil
			})
			// A's document asked for by id is missing to B.
			if err != nil && (q.DocumentID == "" || !errors.Is(err, store.ErrNotFound)) {
				t.Fatalf("TrainingExamples(%+v): %v", q, err)
			}
			w.noneOfA(t, "TrainingExamples", got)
		}
	},
	"ClassifierModel": func(t *testing.T, w *isoWorld) {
		m, err := w.s.ClassifierModel(w.ctx, w.b.ID, "builtin")
		if err != nil || string(m.Data) != "B's model" || m.UserID != w.b.ID {
			t.Errorf("B's model = %q of %s, %v; want B's own", m.Data, m.UserID, err)
		}
	},
	"SaveClassifierModel": func(t *testing.T, w *isoWorld) {
		m := store.ClassifierModel{UserID: w.b.ID, Name: "builtin", Data: []byte("B's new model"), Generation: 1000}
		if err := w.s.SaveClassifierModel(w.ctx, m); err != nil {
			t.Fatal(err)
		}
	},
	"ClassifierDecisions": func(t *testing.T, w *isoWorld) {
		c, err := w.s.ClassifierDecisions(w.ctx, w.b.ID, 100)
		if err != nil || c != (store.DecisionCounts{}) {
			t.Errorf("B's decisions = %+v, %v; want none (only A decided)", c, err)
		}
	},
	"ClassifierGeneration": func(t *testing.T, w *isoWorld) {
		g, err := w.s.ClassifierGeneration(w.ctx, w.b.ID, "builtin")
		if err != nil || g != 0 {
			t.Errorf("B's generation = %d, %v; want 0 (A wrote %d)", g, err, w.aGeneration)
		}
	},
	"ClassifierExamplesAfter": func(t *testing.T, w *isoWorld) {
		var got []string
		err := w.s.ClassifierExamplesAfter(w.ctx, w.b.ID, "builtin", 0, func(ex store.ClassifierExample) error {
			got = append(got, ex.DocumentID)
			return nil
		})
		if err != nil || len(got) != 0 {
			t.Errorf("B's examples = %v, %v; want none", got, err)
		}
	},
	"ClassifierExample": func(t *testing.T, w *isoWorld) {
		_, err := w.s.ClassifierExample(w.ctx, w.b.ID, "builtin", w.aDoc.ID)
		wantErr(t, "B reads A's lesson", err, store.ErrNotFound)
	},
	"AppendClassifierExamples": func(t *testing.T, w *isoWorld) {
		n, err := w.s.AppendClassifierExamples(w.ctx, w.b.ID, "builtin",
			[]store.ClassifierExample{{DocumentID: w.aDoc.ID, Data: []byte("B learns about A's id")}})
		if err != nil || n != 1 {
			t.Errorf("B's first example = %d, %v; want number 1 (numbers are per user)", n, err)
		}
	},
	"ReplaceClassifierExamples": func(t *testing.T, w *isoWorld) {
		m := store.ClassifierModel{UserID: w.b.ID, Name: "builtin", Data: []byte("B rebuilt")}
		if _, err := w.s.ReplaceClassifierExamples(w.ctx, m, []store.ClassifierExample{{DocumentID: w.bDoc.ID, Data: []byte("b")}}); err != nil {
			t.Fatal(err)
		}
	},
	"EnqueueForAll": func(t *testing.T, w *isoWorld) {
		n, err := w.s.EnqueueForAll(w.ctx, w.b.ID, "extract", []store.Status{store.StatusStored, store.StatusReady})
		if err != nil || n != 1 {
			t.Errorf("EnqueueForAll(B) queued %d, %v; want 1 (B's one document)", n, err)
		}
		js, err := w.s.DocumentJobs(w.ctx, w.b.ID, w.bDoc.ID)
		if err != nil || len(js) != 1 || js[0].UserID != w.b.ID {
			t.Errorf("B's queued jobs = %+v, %v; want one of B's", js, err)
		}
	},
	"SearchIndexCheck": func(t *testing.T, w *isoWorld) {
		r, err := w.s.SearchIndexCheck(w.ctx, w.b.ID)
		if err != nil || r.Checked != 1 || !r.Clean() {
			t.Errorf("SearchIndexCheck(B) = %+v, %v; want B's one document checked, clean", r, err)
		}
	},
	"RebuildSearchIndex": func(t *testing.T, w *isoWorld) {
		if err := w.s.RebuildSearchIndex(w.ctx, w.b.ID, append([]string{w.bDoc.ID}, w.aAllDocs...)); err != nil {
			t.Fatal(err)
		}
	},
	"StuckDocuments": func(t *testing.T, w *isoWorld) {
		got, err := w.s.StuckDocuments(w.ctx, w.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.noneOfA(t, "StuckDocuments", got)
	},
	"View": func(t *testing.T, w *isoWorld) {
		_, err := w.s.View(w.ctx, w.b.ID, w.aView.ID)
		wantErr(t, "B reads A's view", err, store.ErrNotFound)
	},
	"ViewByName": func(t *testing.T, w *isoWorld) {
		_, err := w.s.ViewByName(w.ctx, w.b.ID, w.aView.Name)
		wantErr(t, "B finds A's view by name", err, store.ErrNotFound)
	},
	"Views": func(t *testing.T, w *isoWorld) {
		vs, err := w.s.Views(w.ctx, w.b.ID)
		if err != nil || len(vs) != 1 || vs[0].ID != w.bView.ID {
			t.Errorf("B's views = %+v, %v; want only B's", vs, err)
		}
	},
	"CreateView": func(t *testing.T, w *isoWorld) {
		v := store.SavedView{UserID: w.b.ID, Name: w.aView.Name, Query: "b"}
		if err := w.s.CreateView(w.ctx, &v); err != nil {
			t.Fatalf("B creates a view named like A's: %v", err)
		}
		if err := w.s.DeleteView(w.ctx, w.b.ID, v.ID); err != nil {
			t.Fatal(err)
		}
	},
	"UpdateView": func(t *testing.T, w *isoWorld) {
		v := w.aView
		v.UserID, v.Name = w.b.ID, "Renamed by B"
		wantErr(t, "B renames A's view", w.s.UpdateView(w.ctx, &v), store.ErrNotFound)
	},
	"DeleteView": func(t *testing.T, w *isoWorld) {
		wantErr(t, "B deletes A's view", w.s.DeleteView(w.ctx, w.b.ID, w.aView.ID), store.ErrNotFound)
	},
	"SaveShare": func(t *testing.T, w *isoWorld) {
		for _, sh := range []store.Share{
			{OwnerID: w.b.ID, GranteeID: w.c.ID, Kind: store.ShareTopic, TargetID: w.aTax.ID, Permission: store.PermissionWrite},
			{OwnerID: w.b.ID, GranteeID: w.c.ID, Kind: store.ShareFolder, TargetID: w.aFolder.ID, Permission: store.PermissionRead},
		} {
			wantErr(t, "B shares A's "+string(sh.Kind), w.s.SaveShare(w.ctx, &sh), store.ErrNotFound)
		}
	},
	"DeleteShare": func(t *testing.T, w *isoWorld) {
		wantErr(t, "B removes A's share", w.s.DeleteShare(w.ctx, w.b.ID, store.ShareTopic, w.aTax.ID, w.c.ID), store.ErrNotFound)
	},
	"Shares": func(t *testing.T, w *isoWorld) {
		shs, err := w.s.Shares(w.ctx, w.b.ID)
		if err != nil || len(shs) != 0 {
			t.Errorf("B's shares = %+v, %v; want none (A shared with C)", shs, err)
		}
	},
	"SharedDocument": func(t *testing.T, w *isoWorld) {
		_, err := w.s.SharedDocument(w.ctx, w.b.ID, w.aDoc.ID)
		wantErr(t, "B reaches A's document shared with C", err, store.ErrNotFound)
	},
}

// isolationWorkerCases are the queue's worker steps, which serve every
// user: they run before A's snapshot, on documents of their own, and
// check that each job carries its document's user.
var isolationWorkerCases = map[string]func(t *testing.T, w *isoWorld){
	"ClaimJobs":   testIsolationWorker,
	"FinishJob":   testIsolationWorker,
	"ReleaseJobs": testIsolationWorker,
}

// testIsolationWorker claims a job of each user's, finishes A's with a
// next step, releases B's, and checks that every job names its
// document's user, then finishes everything left.
func testIsolationWorker(t *testing.T, w *isoWorld) {
	ad := newDoc(w.a, "a-worked.pdf")
	bd := newDoc(w.b, "b-worked.pdf")
	owner := map[string]string{}
	for _, d := range []*store.Document{ad, bd} {
		if err := w.s.CreateDocument(w.ctx, d, store.Job{Kind: "extract"}); err != nil {
			t.Fatal(err)
		}
		owner[d.ID] = d.UserID
	}
	claimed, err := w.q.ClaimJobs(w.ctx, store.Claim{Owner: "worker", Limit: 10, Lease: longLease})
	if err != nil || len(claimed) != 2 {
		t.Fatalf("ClaimJobs = %+v, %v; want both users' jobs", claimed, err)
	}
	for _, j := range claimed {
		if j.UserID != owner[j.DocumentID] {
			t.Errorf("claimed job of document %s names user %q, want %q", j.DocumentID, j.UserID, owner[j.DocumentID])
		}
		if j.DocumentID != ad.ID {
			continue
		}
		next := store.Job{Kind: "classify"}
		if err := w.q.FinishJob(w.ctx, store.JobOutcome{JobID: j.ID, Owner: "worker", Next: &next, ContinueLease: longLease}); err != nil {
			t.Fatal(err)
		}
		if next.UserID != w.a.ID {
			t.Errorf("next job of A's document names user %q", next.UserID)
		}
		if err := w.q.FinishJob(w.ctx, store.JobOutcome{JobID: next.ID, Owner: "worker"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := w.q.ReleaseJobs(w.ctx, "worker"); err != nil || n != 1 {
		t.Fatalf("ReleaseJobs = %d, %v; want B's job back", n, err)
	}
	again, err := w.q.ClaimJobs(w.ctx, store.Claim{Owner: "worker", Limit: 10, Lease: longLease})
	if err != nil || len(again) != 1 || again[0].UserID != w.b.ID || again[0].DocumentID != bd.ID {
		t.Fatalf("claim after release = %+v, %v; want B's job, naming B", again, err)
	}
	if err := w.q.FinishJob(w.ctx, store.JobOutcome{JobID: again[0].ID, Owner: "worker"}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*store.Document{ad, bd} {
		if err := w.s.DeleteDocument(w.ctx, d.UserID, d.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// noneOfA fails when got holds one of A's document ids.
func (w *isoWorld) noneOfA(t *testing.T, what string, got []string) {
	t.Helper()
	for _, id := range got {
		if slices.Contains(w.aAllDocs, id) {
			t.Errorf("%s as B includes A's document %s", what, id)
		}
	}
}

// testIsolationCovers fails for a Store method with no isolation case and
// no exemption, and for a case or exemption of a method that is gone.
func testIsolationCovers(t *testing.T, _ store.Store) {
	methods := map[string]bool{}
	st := reflect.TypeFor[store.Store]()
	for i := range st.NumMethod() {
		name := st.Method(i).Name
		methods[name] = true
		_, c := isolationCases[name]
		_, wc := isolationWorkerCases[name]
		_, ex := isolationExempt[name]
		switch n := btoi(c) + btoi(wc) + btoi(ex); {
		case n == 0:
			t.Errorf("store.Store.%s has no isolation case: add one to isolationCases (or, if it touches no user's data, to isolationExempt with the reason)", name)
		case n > 1:
			t.Errorf("store.Store.%s is both checked and exempt", name)
		}
	}
	for _, m := range []map[string]func(*testing.T, *isoWorld){isolationCases, isolationWorkerCases} {
		for name := range m {
			if !methods[name] {
				t.Errorf("isolation case %q names no store.Store method", name)
			}
		}
	}
	for name := range isolationExempt {
		if !methods[name] {
			t.Errorf("isolation exemption %q names no store.Store method", name)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// testIsolation builds the two users' data, runs the worker cases, takes
// A's snapshot, runs every case as B, and compares A's snapshot.
func testIsolation(t *testing.T, s store.Store) {
	w := newIsoWorld(t, s)
	// One run covers the three worker steps.
	t.Run("ClaimJobs+FinishJob+ReleaseJobs", func(t *testing.T) { testIsolationWorker(t, w) })
	before := w.snapshot(t)
	for _, name := range isolationOrder() {
		t.Run(name, func(t *testing.T) { isolationCases[name](t, w) })
	}
	after := w.snapshot(t)
	for _, k := range isoKeys(before) {
		if !reflect.DeepEqual(before[k], after[k]) {
			t.Errorf("A's %s changed while B worked:\nbefore %+v\nafter  %+v", k, before[k], after[k])
		}
	}
}

// isolationOrder runs the cases that only read before those that write,
// so a write that wrongly reached A's data is also seen by the reads of
// the final snapshot, not hidden by an earlier read.
func isolationOrder() []string {
	writes := map[string]bool{
		"CreateDocument": true, "UpdateDocument": true, "ReplaceDocumentContent": true, "DeleteDocument": true,
		"MoveDocuments": true, "SetDocumentTopics": true, "CreateTopic": true, "UpdateTopic": true,
		"DeleteTopic": true, "CreateFolder": true, "UpdateFolder": true, "DeleteFolder": true,
		"SaveSettings": true, "EnqueueJob": true, "AcceptSuggestion": true, "RejectSuggestion": true,
		"SaveClassifierModel": true, "AppendClassifierExamples": true, "ReplaceClassifierExamples": true,
		"EnqueueForAll": true, "RebuildSearchIndex": true, "CreateView": true, "UpdateView": true, "DeleteView": true,
		"SaveShare": true, "DeleteShare": true, "CreateDocuments": true,
		"RevokeSession": true, "RevokeSessions": true, "RevokeToken": true,
	}
	var reads, ws []string
	for _, name := range isoKeys(isolationCases) {
		if writes[name] {
			ws = append(ws, name)
		} else {
			reads = append(reads, name)
		}
	}
	return append(reads, ws...)
}

// isoKeys returns the keys of m, sorted.
func isoKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// newIsoWorld fills the store with A's and B's data.
func newIsoWorld(t *testing.T, s store.Store) *isoWorld {
	t.Helper()
	jf := newJobFixture(t, s)
	w := &isoWorld{jobFixture: jf, a: jf.user}
	w.b = store.User{ID: uuid.NewString(), Name: "B"}
	if err := s.CreateUser(w.ctx, &w.b); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	w.aTax, w.aTravel = w.topic("Tax"), w.topic("Travel")
	w.aFolder = w.folder("A's papers", nil)
	w.aDoc = w.doc("a-zebra.pdf", func(d *store.Document) {
		d.FolderID = &w.aFolder.ID
		d.ExtractedText = "zebra quarterly invoice from the savannah"
		d.Status = store.StatusReady
		d.CreatedAt = w.base
	})
	w.link(w.aDoc.ID, w.aTax)
	// A pending suggestion, from a classifier run, and a decision.
	w.aSuggest = w.doc("a-trip.pdf", func(d *store.Document) {
		d.ExtractedText = "zebra safari trip booking"
		d.Status = store.StatusClassifying
		d.CreatedAt = w.base.Add(time.Minute)
	})
	w.runClassify(w.aSuggest.ID, store.ClassificationOutcome{
		Applied:   applied(cl(w.aTax, 0.9)),
		Suggested: applied(cl(w.aTravel, 0.5)),
		Record:    store.Classification{Provider: "builtin", ClassifiedAt: w.base},
	})
	if err := s.RejectSuggestion(w.ctx, w.a.ID, w.aSuggest.ID, w.aTax.ID); err != nil {
		t.Fatalf("A rejects a classifier link: %v", err)
	}
	w.aSuggest = w.get(w.aSuggest.ID)
	if len(w.aSuggest.Suggestions) != 1 {
		t.Fatalf("A's suggestions = %+v, want Travel pending", w.aSuggest.Suggestions)
	}
	w.aStuck = w.doc("a-stuck.pdf", func(d *store.Document) { d.CreatedAt = w.base.Add(2 * time.Minute) })
	w.aAllDocs = []string{w.aDoc.ID, w.aSuggest.ID, w.aStuck.ID}
	w.aView = store.SavedView{UserID: w.a.ID, Name: "A's zebras", Query: "zebra", TopicID: &w.aTax.ID}
	if err := s.CreateView(w.ctx, &w.aView); err != nil {
		t.Fatal(err)
	}
	w.c = store.User{ID: uuid.NewString(), Name: "C"}
	if err := s.CreateUser(w.ctx, &w.c); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if err := s.SaveShare(w.ctx, &store.Share{OwnerID: w.a.ID, GranteeID: w.c.ID, Kind: store.ShareTopic,
		TargetID: w.aTax.ID, Permission: store.PermissionRead}); err != nil {
		t.Fatalf("A shares Tax with C: %v", err)
	}
	if err := s.SaveSettings(w.ctx, w.a.ID, map[string]string{"ai_provider": "a-provider", "ai_model": "a-model"}); err != nil {
		t.Fatal(err)
	}
	gen, err := s.AppendClassifierExamples(w.ctx, w.a.ID, "builtin", []store.ClassifierExample{
		{DocumentID: w.aDoc.ID, Data: []byte("a1")}, {DocumentID: w.aSuggest.ID, Data: []byte("a2")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveClassifierModel(w.ctx, store.ClassifierModel{UserID: w.a.ID, Name: "builtin",
		Data: []byte("A's model"), Generation: 1}); err != nil {
		t.Fatal(err)
	}
	w.aGeneration = gen

	w.bTax = store.Topic{UserID: w.b.ID, Name: "Tax"}
	if err := s.CreateTopic(w.ctx, &w.bTax); err != nil {
		t.Fatal(err)
	}
	w.bFolder = store.Folder{UserID: w.b.ID, Name: "B's papers"}
	if err := s.CreateFolder(w.ctx, &w.bFolder); err != nil {
		t.Fatal(err)
	}
	bd := newDoc(w.b, "b-zebra.pdf")
	bd.ExtractedText, bd.Status, bd.CreatedAt = "zebra quarterly invoice from the savannah", store.StatusReady, w.base
	if err := s.CreateDocument(w.ctx, bd); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDocumentTopics(w.ctx, w.b.ID, bd.ID, []store.TopicLink{{TopicID: w.bTax.ID}}); err != nil {
		t.Fatal(err)
	}
	w.bDoc = w.getOf(w.b.ID, bd.ID)
	w.bView = store.SavedView{UserID: w.b.ID, Name: "B's view", Query: "zebra"}
	if err := s.CreateView(w.ctx, &w.bView); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(w.ctx, w.b.ID, map[string]string{"ai_provider": "b-provider"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveClassifierModel(w.ctx, store.ClassifierModel{UserID: w.b.ID, Name: "builtin", Data: []byte("B's model")}); err != nil {
		t.Fatal(err)
	}
	return w
}

// snapshot reads everything A has, through A's own eyes.
func (w *isoWorld) snapshot(t *testing.T) map[string]any {
	t.Helper()
	ctx, a := w.ctx, w.a.ID
	snap := map[string]any{}
	must := func(what string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("A's %s: %v", what, err)
		}
		snap[what] = v
	}
	for _, id := range w.aAllDocs {
		d, err := w.s.Document(ctx, a, id)
		must("document "+id, d, err)
		js, err := w.s.DocumentJobs(ctx, a, id)
		var states []string
		for _, j := range js {
			states = append(states, j.ID+" "+string(j.State)+" "+j.UserID)
		}
		must("jobs of "+id, states, err)
		sugs, rec, err := w.s.DocumentSuggestions(ctx, a, id)
		must("suggestions of "+id, []any{sugs, rec}, err)
	}
	p, err := w.s.Documents(ctx, store.DocumentFilter{UserID: a})
	must("document list", []any{ids(p.Documents), p.Total}, err)
	ts, err := w.s.Topics(ctx, a)
	must("topics", ts, err)
	fs, err := w.s.Folders(ctx, a)
	must("folders", fs, err)
	n, err := w.s.FolderDocumentCount(ctx, a, w.aFolder.ID)
	must("folder count", n, err)
	vs, err := w.s.Views(ctx, a)
	must("views", vs, err)
	set, err := w.s.Settings(ctx, a)
	must("settings", set, err)
	m, err := w.s.ClassifierModel(ctx, a, "builtin")
	must("classifier model", []any{m.Data, m.Generation, m.Fingerprint}, err)
	g, err := w.s.ClassifierGeneration(ctx, a, "builtin")
	must("classifier generation", g, err)
	var exs []string
	err = w.s.ClassifierExamplesAfter(ctx, a, "builtin", 1, func(ex store.ClassifierExample) error {
		exs = append(exs, ex.DocumentID+"="+string(ex.Data))
		return nil
	})
	must("classifier examples", exs, err)
	dc, err := w.s.ClassifierDecisions(ctx, a, 100)
	must("classifier decisions", dc, err)
	var train []string
	err = w.s.TrainingExamples(ctx, store.TrainingQuery{UserID: a}, func(ex store.TrainingExample) error {
		train = append(train, ex.DocumentID)
		return nil
	})
	sort.Strings(train)
	must("training examples", train, err)
	hits, err := w.s.Search(ctx, store.SearchQuery{Filter: store.DocumentFilter{UserID: a},
		Must: [][]store.SearchTerm{{{Text: "zebra"}}}})
	var found []string
	for _, h := range hits.Hits {
		found = append(found, h.Document.ID)
	}
	sort.Strings(found)
	must("search", found, err)
	stuck, err := w.s.StuckDocuments(ctx, a)
	must("stuck documents", stuck, err)
	idx, err := w.s.SearchIndexCheck(ctx, a)
	must("search index", idx, err)
	shs, err := w.s.Shares(ctx, a)
	must("shares", shs, err)
	return snap
}

// session starts a session of u, as signing in does.
func (w *isoWorld) session(t *testing.T, u store.User) store.Session {
	t.Helper()
	now := time.Now()
	s := store.Session{UserID: u.ID, TokenHash: fmt.Sprintf("%x", sha256.Sum256([]byte(uuid.NewString()))),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := w.s.CreateSession(w.ctx, &s); err != nil {
		t.Fatalf("CreateSession(%s): %v", u.Name, err)
	}
	return s
}

// token makes a personal token of u.
func (w *isoWorld) token(t *testing.T, u store.User) store.APIToken {
	t.Helper()
	tk := store.APIToken{UserID: u.ID, Name: "script", TokenHash: fmt.Sprintf("%x", sha256.Sum256([]byte(uuid.NewString()))),
		CreatedAt: time.Now()}
	if err := w.s.CreateToken(w.ctx, &tk); err != nil {
		t.Fatalf("CreateToken(%s): %v", u.Name, err)
	}
	return tk
}
