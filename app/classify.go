package app

import "github.com/docsift/docsift/backend/library"

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

// ClassifyUnclassified queues documents the classifier could not sort for
// classification again: those of ids, or all of them when ids is empty;
// it returns how many (POST /api/classify/unclassified).
func (a *App) ClassifyUnclassified(ids []string) (int, error) {
	n, err := a.lib.ReclassifyUnclassified(a.ctx, ids)
	return n, a.fail("ClassifyUnclassified", err)
}

// ClassifierStats says how the classifier is doing on this library
// (GET /api/classifier/stats).
func (a *App) ClassifierStats() (library.ClassifierStats, error) {
	st, err := a.lib.ClassifierStats(a.ctx)
	return st, a.fail("ClassifierStats", err)
}
