-- 0014: shares. A user opens a topic (its linked documents) or a folder
-- (the documents in it and its subfolders) to another user, read-only or
-- read-write. Exactly one of topic_id and folder_id is set; deleting the
-- topic, the folder or either user deletes the share.
CREATE TABLE shares (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    grantee_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic_id   TEXT REFERENCES topics (id) ON DELETE CASCADE,
    folder_id  TEXT REFERENCES folders (id) ON DELETE CASCADE,
    permission TEXT NOT NULL CHECK (permission IN ('read', 'write')),
    created_at INTEGER NOT NULL,
    CHECK ((topic_id IS NULL) <> (folder_id IS NULL)),
    CHECK (owner_id <> grantee_id)
) STRICT;

CREATE UNIQUE INDEX shares_topic ON shares (topic_id, grantee_id) WHERE topic_id IS NOT NULL;
CREATE UNIQUE INDEX shares_folder ON shares (folder_id, grantee_id) WHERE folder_id IS NOT NULL;
CREATE INDEX shares_grantee ON shares (grantee_id);
CREATE INDEX shares_owner ON shares (owner_id);
