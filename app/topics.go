package app

import "github.com/docsift/docsift/backend/library"

// ListTopics lists the topics with their document counts (GET /api/topics).
func (a *App) ListTopics() ([]library.Topic, error) {
	ts, err := a.lib.Topics(a.ctx)
	if err != nil {
		return nil, a.fail("ListTopics", err)
	}
	if ts == nil {
		ts = []library.Topic{}
	}
	return ts, nil
}

// CreateTopic creates a topic; a name that exists (ignoring case) returns
// that topic unchanged (POST /api/topics).
func (a *App) CreateTopic(in library.TopicInput) (library.Topic, error) {
	t, err := a.lib.CreateTopic(a.ctx, in)
	return t, a.fail("CreateTopic", err)
}

// UpdateTopic renames, recolours or redescribes a topic (PATCH /api/topics/{id}).
func (a *App) UpdateTopic(id string, p library.TopicPatch) (library.Topic, error) {
	t, err := a.lib.UpdateTopic(a.ctx, id, p)
	return t, a.fail("UpdateTopic", err)
}

// DeleteTopic removes a topic; its documents stay (DELETE /api/topics/{id}).
func (a *App) DeleteTopic(id string) error {
	return a.fail("DeleteTopic", a.lib.DeleteTopic(a.ctx, id))
}
