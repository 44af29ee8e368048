-- +goose Up
-- The audit chain becomes keyed (internal/audit): each entry carries its
-- place in its organization's chain (seq) and the scheme its hash was made
-- with: 1 for the unkeyed SHA-256 chain written before this migration, 2 for
-- HMAC-SHA-256 under a key the database never holds. Entries already written
-- keep their hashes; the application seals each such chain by appending,
-- under the key, an entry that names its last unkeyed entry.
ALTER TABLE audit_log ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1;
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET seq = n.seq
FROM (SELECT id, row_number() OVER (PARTITION BY organization_id ORDER BY id) AS seq FROM audit_log) n
WHERE audit_log.id = n.id;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
CREATE UNIQUE INDEX audit_log_org_seq ON audit_log (organization_id, seq);

-- The chains that hold unkeyed entries, each waiting for its sealing entry.
CREATE TABLE audit_unkeyed_chains (
    organization_id INTEGER PRIMARY KEY,
    head_seq        INTEGER NOT NULL,
    head_hash       TEXT NOT NULL
);
INSERT INTO audit_unkeyed_chains (organization_id, head_seq, head_hash)
SELECT organization_id, seq, hash FROM audit_log a
WHERE seq = (SELECT max(seq) FROM audit_log b WHERE b.organization_id = a.organization_id);

-- The history of an obligation is as append-only as the audit log, and
-- outlives its obligation: no delete and no cascade. SQLite cannot drop a
-- foreign key, so the table is rebuilt without it.
CREATE TABLE obligation_history_kept (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    obligation_id INTEGER NOT NULL,
    at            DATETIME NOT NULL,
    change        TEXT NOT NULL,
    before_json   TEXT,
    after_json    TEXT,
    actor         TEXT NOT NULL DEFAULT '',
    cause         TEXT NOT NULL DEFAULT ''
);
INSERT INTO obligation_history_kept (id, obligation_id, at, change, before_json, after_json, actor, cause)
SELECT id, obligation_id, at, change, before_json, after_json, actor, cause FROM obligation_history;
DROP TABLE obligation_history;
ALTER TABLE obligation_history_kept RENAME TO obligation_history;
CREATE INDEX obligation_history_obligation ON obligation_history (obligation_id, id);
-- +goose StatementBegin
CREATE TRIGGER obligation_history_no_update BEFORE UPDATE ON obligation_history
BEGIN
    SELECT RAISE(ABORT, 'obligation_history is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER obligation_history_no_delete BEFORE DELETE ON obligation_history
BEGIN
    SELECT RAISE(ABORT, 'obligation_history is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER obligation_history_no_delete;
DROP TABLE audit_unkeyed_chains;
DROP INDEX audit_log_org_seq;
ALTER TABLE audit_log DROP COLUMN scheme;
ALTER TABLE audit_log DROP COLUMN seq;
