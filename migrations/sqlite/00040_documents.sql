-- +goose Up
-- Generated documents: regulator filings, the breach register, annual
-- statistics and summaries. The PDF (and the CSV beside a register or a
-- statistics report) is stored in the row: documents are small, and a
-- database backup then holds every filed version whole.
CREATE TABLE documents (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id    INTEGER NOT NULL REFERENCES organizations(id),
    breach_id          INTEGER REFERENCES breaches(id),
    -- No foreign key: the obligations table is created by its own migration.
    obligation_id      INTEGER,
    kind               TEXT NOT NULL,
    stage              TEXT NOT NULL CHECK (stage IN ('preliminary', 'update', 'final', 'none')),
    -- series groups the versions of one document: breach, kind, obligation
    -- and state; or register period; or statistics kind and year.
    series             TEXT NOT NULL,
    version            INTEGER NOT NULL CHECK (version > 0),
    title              TEXT NOT NULL,
    document_id        TEXT NOT NULL,
    params             TEXT NOT NULL DEFAULT '{}',
    sha256             TEXT NOT NULL,
    size               INTEGER NOT NULL,
    pdf                BLOB NOT NULL,
    csv                BLOB,
    csv_sha256         TEXT NOT NULL DEFAULT '',
    missing            TEXT NOT NULL DEFAULT '[]',
    generated_by       INTEGER REFERENCES users(id),
    generated_by_label TEXT NOT NULL DEFAULT '',
    generated_at       DATETIME NOT NULL,
    filed_at           DATETIME,
    filed_by           INTEGER REFERENCES users(id),
    filing_reference   TEXT NOT NULL DEFAULT '',
    UNIQUE (organization_id, series, version),
    UNIQUE (organization_id, document_id)
);
CREATE INDEX documents_breach ON documents (breach_id, kind, version);
CREATE INDEX documents_org ON documents (organization_id, generated_at);

-- A document's content never changes once stored, and a filed document never
-- changes at all: generating again makes a new version.
-- +goose StatementBegin
CREATE TRIGGER documents_filed_no_update BEFORE UPDATE ON documents
WHEN OLD.filed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'document is filed and cannot change');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER documents_content_no_update BEFORE UPDATE ON documents
WHEN NEW.pdf IS NOT OLD.pdf OR NEW.sha256 IS NOT OLD.sha256 OR NEW.size IS NOT OLD.size
    OR NEW.csv IS NOT OLD.csv OR NEW.csv_sha256 IS NOT OLD.csv_sha256
    OR NEW.document_id IS NOT OLD.document_id OR NEW.version IS NOT OLD.version
    OR NEW.series IS NOT OLD.series OR NEW.kind IS NOT OLD.kind OR NEW.stage IS NOT OLD.stage
    OR NEW.organization_id IS NOT OLD.organization_id OR NEW.breach_id IS NOT OLD.breach_id
BEGIN
    SELECT RAISE(ABORT, 'document content cannot change; generate a new version');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER documents_filed_no_delete BEFORE DELETE ON documents
WHEN OLD.filed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'document is filed and cannot be deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER documents_filed_no_delete;
DROP TRIGGER documents_content_no_update;
DROP TRIGGER documents_filed_no_update;
DROP TABLE documents;
