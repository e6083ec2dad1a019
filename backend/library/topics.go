package library

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/store"
)

// TopicInput creates a topic. Color "" picks one from the palette.
type TopicInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Color       string `json:"color"`
}

// TopicPatch changes a topic; nil fields are kept.
type TopicPatch struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Color       *string `json:"color,omitempty"`
}

// Topics lists the user's topics by name, each with its document count.
func (l *Library) Topics(ctx context.Context) ([]Topic, error) {
	ts, err := l.store.Topics(ctx, l.user.ID)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	out := make([]Topic, len(ts))
	for i, t := range ts {
		out[i] = topicOut(t)
	}
	shared, err := l.sharedTopics(ctx)
	if err != nil {
		return nil, fmt.Errorf("list shared topics: %w", err)
	}
	return append(out, shared...), nil
}

// Topic returns one topic.
func (l *Library) Topic(ctx context.Context, id string) (Topic, error) {
	t, err := l.topic(ctx, id)
	return topicOut(t), err
}

// topic returns the user's stored topic id (ErrNotFound when it is
// missing or another user's).
func (l *Library) topic(ctx context.Context, id string) (store.Topic, error) {
	t, err := l.store.Topic(ctx, l.user.ID, id)
	if err != nil {
		return store.Topic{}, fmt.Errorf("topic %s: %w", id, err)
	}
	if t.UserID != l.user.ID {
		return store.Topic{}, fmt.Errorf("topic %s: %w", id, ErrNotFound)
	}
	return t, nil
}

// TopicByName finds a topic by name, case-insensitively.
func (l *Library) TopicByName(ctx context.Context, name string) (Topic, error) {
	t, err := l.store.TopicByName(ctx, l.user.ID, strings.TrimSpace(name))
	if err != nil {
		return Topic{}, fmt.Errorf("topic %q: %w", name, err)
	}
	return topicOut(t), nil
}

// CreateTopic creates a topic, or returns the existing one whose name is
// the same ignoring case (its spelling, description and color are kept).
func (l *Library) CreateTopic(ctx context.Context, in TopicInput) (Topic, error) {
	name, err := naming.TopicName(in.Name)
	if err != nil {
		return Topic{}, err
	}
	color := in.Color
	if color == "" {
		color = naming.DefaultColor(name)
	} else if !naming.ValidColor(color) {
		return Topic{}, invalidf("the color %q is not of the form #rrggbb", color)
	}
	if existing, err := l.store.TopicByName(ctx, l.user.ID, name); err == nil {
		return topicOut(existing), nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return Topic{}, fmt.Errorf("create topic: %w", err)
	}
	t := store.Topic{ID: uuid.NewString(), UserID: l.user.ID, Name: name, Description: strings.TrimSpace(in.Description), Color: strings.ToLower(color)}
	if err := l.store.CreateTopic(ctx, &t); err != nil {
		if errors.Is(err, store.ErrConflict) {
			// Created concurrently under another spelling: use that one.
			existing, err := l.store.TopicByName(ctx, l.user.ID, name)
			return topicOut(existing), err
		}
		return Topic{}, fmt.Errorf("create topic: %w", err)
	}
	return topicOut(t), nil
}

// UpdateTopic renames a topic or changes its description or color.
// Renaming onto another topic's name is a conflict.
func (l *Library) UpdateTopic(ctx context.Context, id string, p TopicPatch) (Topic, error) {
	t, err := l.topic(ctx, id)
	if err != nil {
		return Topic{}, err
	}
	if p.Name != nil {
		name, err := naming.TopicName(*p.Name)
		if err != nil {
			return Topic{}, err
		}
		t.Name = name
	}
	if p.Description != nil {
		t.Description = strings.TrimSpace(*p.Description)
	}
	if p.Color != nil {
		if !naming.ValidColor(*p.Color) {
			return Topic{}, invalidf("the color %q is not of the form #rrggbb", *p.Color)
		}
		t.Color = strings.ToLower(*p.Color)
	}
	if err := l.store.UpdateTopic(ctx, t); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return Topic{}, fmt.Errorf("another topic is already called %q: %w", t.Name, ErrConflict)
		}
		return Topic{}, fmt.Errorf("update topic: %w", err)
	}
	return topicOut(t), nil
}

// DeleteTopic removes a topic and its links; the documents stay.
func (l *Library) DeleteTopic(ctx context.Context, id string) error {
	if _, err := l.topic(ctx, id); err != nil {
		return err
	}
	if err := l.store.DeleteTopic(ctx, l.user.ID, id); err != nil {
		return fmt.Errorf("delete topic: %w", err)
	}
	return nil
}
