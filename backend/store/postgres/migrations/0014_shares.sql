-- 0014: shares. A user opens a topic (its linked documents) or a folder
-- (the documents in it and its subfolders) to another user, read-only or
-- read-write. Exactly one of topic_id and folder_id is set; deleting the
-- topic, the folder or either user deletes the share.
CREATE TABLE shares (
    id         uuid        PRIMARY KEY,
    owner_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    grantee_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic_id   uuid        REFERENCES topics (id) ON DELETE CASCADE,
    folder_id  uuid        REFERENCES folders (id) ON DELETE CASCADE,
    permission text        NOT NULL CHECK (permission IN ('read', 'write')),
    created_at timestamptz NOT NULL,
    CHECK ((topic_id IS NULL) <> (folder_id IS NULL)),
    CHECK (owner_id <> grantee_id)
);

CREATE UNIQUE INDEX shares_topic ON shares (topic_id, grantee_id) WHERE topic_id IS NOT NULL;
CREATE UNIQUE INDEX shares_folder ON shares (folder_id, grantee_id) WHERE folder_id IS NOT NULL;
CREATE INDEX shares_grantee ON shares (grantee_id);
CREATE INDEX shares_owner ON shares (owner_id);
