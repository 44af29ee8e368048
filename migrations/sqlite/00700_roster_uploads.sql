-- +goose Up
-- An uploaded roster waits in the database, in chunks, until a worker has
-- imported it: every serve and worker process reads the same database, not
-- the same disk. complete is set once the last chunk is stored; an upload
-- never completed (the client or the process went away) is removed later.
CREATE TABLE roster_uploads (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    size       INTEGER NOT NULL DEFAULT 0,
    sha256     TEXT NOT NULL DEFAULT '',
    complete   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at DATETIME NOT NULL
);

CREATE TABLE roster_upload_chunks (
    upload_id INTEGER NOT NULL REFERENCES roster_uploads (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    data      BLOB NOT NULL,
    PRIMARY KEY (upload_id, seq)
);

-- The upload an import reads; cleared when the upload is removed after the
-- import is done (or can never be). No foreign key: SQLite cannot drop a
-- column that has one.
ALTER TABLE imports ADD COLUMN upload_id INTEGER;
CREATE INDEX imports_upload ON imports (upload_id);

-- +goose Down
DROP INDEX imports_upload;
ALTER TABLE imports DROP COLUMN upload_id;
DROP TABLE roster_upload_chunks;
DROP TABLE roster_uploads;
