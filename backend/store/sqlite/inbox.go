package sqlite

// inboxCond is the filter of store.DocumentFilter.Inbox over the table
// alias t, whose document id column is idCol (documents or search_rows):
// ready documents with a pending suggestion or with no topic.
func inboxCond(t, idCol string) string {
	return "(" + t + ".status = 'ready' AND (EXISTS (SELECT 1 FROM topic_suggestions ts WHERE ts.document_id = " + t + "." + idCol +
		" AND ts.state = 'pending') OR NOT EXISTS (SELECT 1 FROM document_topics it WHERE it.document_id = " + t + "." + idCol + ")))"
}
