package library

import "github.com/docsift/docsift/backend/events"

// Bus is the event bus the library publishes to (nil when it has none), so
// a face can fan the same events out to its clients.
func (l *Library) Bus() *events.Bus { return l.bus }
