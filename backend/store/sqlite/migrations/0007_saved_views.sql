-- 0007: saved views, a user's named searches: the query as typed, the
-- library filters it runs in and its order. topic_id and folder_id are
-- plain references (no foreign key): deleting a topic or a folder leaves
-- the view, whose search then finds nothing there.
CREATE TABLE saved_views (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    query      TEXT NOT NULL,
    sort       TEXT NOT NULL DEFAULT '' CHECK (sort IN ('', 'newest', 'oldest', 'name', 'size')),
    topic_id   TEXT,
    folder_id  TEXT,
    unfiled    INTEGER NOT NULL DEFAULT 0 CHECK (unfiled IN (0, 1)),
    inbox      INTEGER NOT NULL DEFAULT 0 CHECK (inbox IN (0, 1)),
    status     TEXT CHECK (status IN ('stored', 'extracting', 'classifying', 'ready', 'failed')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- Names are unique per user, case-insensitively; also the order of Views.
CREATE UNIQUE INDEX saved_views_user_name ON saved_views (user_id, name_key);
