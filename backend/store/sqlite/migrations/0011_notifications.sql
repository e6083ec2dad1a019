-- 0011: messages between the processes that share the database (Notify,
-- Listen). Each listener polls PRAGMA data_version and reads the rows
-- past the last id it saw; AUTOINCREMENT keeps ids from being reused
-- once old rows are pruned. created_at is in microseconds since 1970;
-- rows older than a minute are deleted as new ones come.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    payload    TEXT    NOT NULL
);

CREATE INDEX notifications_created_at ON notifications (created_at);
