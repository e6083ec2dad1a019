-- 0007: saved views, a user's named searches: the query as typed, the
-- library filters it runs in and its order. topic_id and folder_id are
-- plain references (no foreign key): deleting a topic or a folder leaves
-- the view, whose search then finds nothing there.
CREATE TABLE saved_views (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    name_key   text        COLLATE "C" NOT NULL,
    query      text        NOT NULL,
    sort       text        NOT NULL DEFAULT '' CHECK (sort IN ('', 'newest', 'oldest', 'name', 'size')),
    topic_id   uuid,
    folder_id  uuid,
    unfiled    boolean     NOT NULL DEFAULT false,
    inbox      boolean     NOT NULL DEFAULT false,
    status     text        CHECK (status IN ('stored', 'extracting', 'classifying', 'ready', 'failed')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    -- Names are unique per user, case-insensitively; also the order of Views.
    UNIQUE (user_id, name_key)
);
