-- +goose Up
-- The audit chain becomes keyed (internal/audit): each entry carries its
-- place in its organization's chain (seq) and the scheme its hash was made
-- with: 1 for the unkeyed SHA-256 chain written before this migration, 2 for
-- HMAC-SHA-256 under a key the database never holds. Entries already written
-- keep their hashes; the application seals each such chain by appending,
-- under the key, an entry that names its last unkeyed entry.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN scheme SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log a SET seq = n.seq
FROM (SELECT id, row_number() OVER (PARTITION BY organization_id ORDER BY id) AS seq FROM audit_log) n
WHERE a.id = n.id;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL;
ALTER TABLE audit_log ALTER COLUMN scheme DROP DEFAULT;
CREATE UNIQUE INDEX audit_log_org_seq ON audit_log (organization_id, seq);

-- The chains that hold unkeyed entries, each waiting for its sealing entry.
CREATE TABLE audit_unkeyed_chains (
    organization_id BIGINT PRIMARY KEY,
    head_seq        BIGINT NOT NULL,
    head_hash       TEXT NOT NULL
);
INSERT INTO audit_unkeyed_chains (organization_id, head_seq, head_hash)
SELECT organization_id, seq, hash FROM audit_log a
WHERE seq = (SELECT max(seq) FROM audit_log b WHERE b.organization_id = a.organization_id);

-- Even the owner of the table cannot empty it in one statement.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The history of an obligation is as append-only as the audit log, and
-- outlives its obligation: no delete, no truncate, no cascade.
ALTER TABLE obligation_history DROP CONSTRAINT obligation_history_obligation_id_fkey;
CREATE TRIGGER obligation_history_no_delete BEFORE DELETE ON obligation_history
    FOR EACH ROW EXECUTE FUNCTION obligation_history_append_only();
CREATE TRIGGER obligation_history_no_truncate BEFORE TRUNCATE ON obligation_history
    FOR EACH STATEMENT EXECUTE FUNCTION obligation_history_append_only();

-- +goose Down
DROP TRIGGER obligation_history_no_truncate ON obligation_history;
DROP TRIGGER obligation_history_no_delete ON obligation_history;
ALTER TABLE obligation_history ADD CONSTRAINT obligation_history_obligation_id_fkey
    FOREIGN KEY (obligation_id) REFERENCES obligations(id) ON DELETE CASCADE NOT VALID;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TABLE audit_unkeyed_chains;
DROP INDEX audit_log_org_seq;
ALTER TABLE audit_log DROP COLUMN scheme;
ALTER TABLE audit_log DROP COLUMN seq;
