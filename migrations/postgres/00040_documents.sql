-- +goose Up
-- Generated documents: regulator filings, the breach register, annual
-- statistics and summaries. The PDF (and the CSV beside a register or a
-- statistics report) is stored in the row: documents are small, and a
-- database backup then holds every filed version whole.
CREATE TABLE documents (
    id                 BIGSERIAL PRIMARY KEY,
    organization_id    BIGINT NOT NULL REFERENCES organizations(id),
    breach_id          BIGINT REFERENCES breaches(id),
    -- No foreign key: the obligations table is created by its own migration.
    obligation_id      BIGINT,
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
    size               BIGINT NOT NULL,
    pdf                BYTEA NOT NULL,
    csv                BYTEA,
    csv_sha256         TEXT NOT NULL DEFAULT '',
    missing            TEXT NOT NULL DEFAULT '[]',
    generated_by       BIGINT REFERENCES users(id),
    generated_by_label TEXT NOT NULL DEFAULT '',
    generated_at       TIMESTAMPTZ NOT NULL,
    filed_at           TIMESTAMPTZ,
    filed_by           BIGINT REFERENCES users(id),
    filing_reference   TEXT NOT NULL DEFAULT '',
    UNIQUE (organization_id, series, version),
    UNIQUE (organization_id, document_id)
);
CREATE INDEX documents_breach ON documents (breach_id, kind, version);
CREATE INDEX documents_org ON documents (organization_id, generated_at);

-- A document's content never changes once stored, and a filed document never
-- changes at all: generating again makes a new version.
-- +goose StatementBegin
CREATE FUNCTION documents_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.filed_at IS NOT NULL THEN
            RAISE EXCEPTION 'document % is filed and cannot be deleted', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.filed_at IS NOT NULL THEN
        RAISE EXCEPTION 'document % is filed and cannot change', OLD.id;
    END IF;
    IF NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW.sha256 IS DISTINCT FROM OLD.sha256
        OR NEW.size IS DISTINCT FROM OLD.size OR NEW.csv IS DISTINCT FROM OLD.csv
        OR NEW.csv_sha256 IS DISTINCT FROM OLD.csv_sha256 OR NEW.document_id IS DISTINCT FROM OLD.document_id
        OR NEW.version IS DISTINCT FROM OLD.version OR NEW.series IS DISTINCT FROM OLD.series
        OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.stage IS DISTINCT FROM OLD.stage
        OR NEW.organization_id IS DISTINCT FROM OLD.organization_id
        OR NEW.breach_id IS DISTINCT FROM OLD.breach_id THEN
        RAISE EXCEPTION 'document % content cannot change; generate a new version', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER documents_no_change BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_immutable();

-- +goose Down
DROP TRIGGER documents_no_change ON documents;
DROP FUNCTION documents_immutable();
DROP TABLE documents;
