package app

// ClassifyDocument queues one document for classification again
// (POST /api/documents/{id}/classify).
func (a *App) ClassifyDocument(id string) error {
	_, err := a.lib.Reclassify(a.ctx, id)
	return a.fail("ClassifyDocument", err)
}

// ClassifyAll queues every ready document for classification and returns
// how many (POST /api/classify).
func (a *App) ClassifyAll() (int, error) {
	n, err := a.lib.ReclassifyAll(a.ctx)
	return n, a.fail("ClassifyAll", err)
}

// AcceptSuggestion confirms a suggested topic
// (POST /api/documents/{id}/suggestions/{topic}/accept).
func (a *App) AcceptSuggestion(id, topicID string) error {
	_, err := a.lib.AcceptSuggestion(a.ctx, id, topicID)
	return a.fail("AcceptSuggestion", err)
}

// RejectSuggestion refuses a suggested topic
// (POST /api/documents/{id}/suggestions/{topic}/reject).
func (a *App) RejectSuggestion(id, topicID string) error {
	_, err := a.lib.RejectSuggestion(a.ctx, id, topicID)
	return a.fail("RejectSuggestion", err)
}
