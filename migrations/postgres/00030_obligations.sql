-- +goose Up
ALTER TABLE data_categories ADD COLUMN rule_categories TEXT NOT NULL DEFAULT '[]';

-- One row per duty (rule key) considered for a breach. The terms (recipient,
-- citation, due date, explanation) are snapshotted from the catalogue at each
-- evaluation; the decision fields (status, filed_at, rationale) belong to
-- people and are never overwritten by re-evaluation.
CREATE TABLE obligations (
    id                 BIGSERIAL PRIMARY KEY,
    breach_id          BIGINT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    organization_id    BIGINT NOT NULL REFERENCES organizations(id),
    rule_key           TEXT NOT NULL,
    rule_id            TEXT NOT NULL,
    rule_part          TEXT NOT NULL DEFAULT '',
    rule_version       TEXT NOT NULL,
    jurisdiction       TEXT NOT NULL,
    recipient          TEXT NOT NULL DEFAULT '{}',
    required           BOOLEAN,
    due_at             TIMESTAMPTZ,
    due_zone           TEXT NOT NULL DEFAULT '',
    due_date           TEXT NOT NULL DEFAULT '',
    standard           TEXT NOT NULL DEFAULT '',
    internal_target_at TIMESTAMPTZ,
    anchor             TEXT NOT NULL DEFAULT '',
    anchor_at          TIMESTAMPTZ,
    explanation        TEXT NOT NULL DEFAULT '',
    missing            TEXT NOT NULL DEFAULT '[]',
    citation           TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL DEFAULT '',
    rule_status        TEXT NOT NULL DEFAULT '',
    status_note        TEXT NOT NULL DEFAULT '',
    alternative        TEXT,
    considered         BOOLEAN NOT NULL DEFAULT TRUE,
    status             TEXT NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'filed', 'not_required', 'waived', 'undetermined')),
    filed_at           TIMESTAMPTZ,
    filing_reference   TEXT NOT NULL DEFAULT '',
    document_id        BIGINT,
    rationale          TEXT NOT NULL DEFAULT '',
    decided_by         BIGINT REFERENCES users(id),
    decided_at         TIMESTAMPTZ,
    approved_by        BIGINT REFERENCES users(id),
    evaluated_at       TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    UNIQUE (breach_id, rule_key)
);
CREATE INDEX obligations_org_due ON obligations (organization_id, due_at);
CREATE INDEX obligations_due_pending ON obligations (due_at) WHERE status = 'pending';

-- Append-only history of every change to an obligation.
CREATE TABLE obligation_history (
    id            BIGSERIAL PRIMARY KEY,
    obligation_id BIGINT NOT NULL REFERENCES obligations(id) ON DELETE CASCADE,
    at            TIMESTAMPTZ NOT NULL,
    change        TEXT NOT NULL,
    before_json   TEXT,
    after_json    TEXT,
    actor         TEXT NOT NULL DEFAULT '',
    cause         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX obligation_history_obligation ON obligation_history (obligation_id, id);

-- +goose StatementBegin
CREATE FUNCTION obligation_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'obligation_history is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER obligation_history_no_update BEFORE UPDATE ON obligation_history
    FOR EACH ROW EXECUTE FUNCTION obligation_history_append_only();

-- One-off closures an administrator adds to a holiday calendar without a
-- release; loaded into the calendar registry at start.
CREATE TABLE calendar_closures (
    id          BIGSERIAL PRIMARY KEY,
    calendar_id TEXT NOT NULL,
    day         TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_by  BIGINT REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (calendar_id, day)
);

-- +goose Down
DROP TABLE calendar_closures;
DROP TABLE obligation_history;
DROP FUNCTION obligation_history_append_only();
DROP TABLE obligations;
ALTER TABLE data_categories DROP COLUMN rule_categories;
