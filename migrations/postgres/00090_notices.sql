-- +goose Up
-- Notices to affected people. An organization's own notice templates (the
-- shipped ones are files in the binary and never change); campaigns, each
-- approved as an exact version (content_hash) before anything is sent; one
-- delivery per person per campaign, the ledger of what happened to that
-- person's notice; letters printed in batches for the mail house; bounce
-- reports as they arrived; and the sending budget every worker shares.
CREATE TABLE notice_templates (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    set_key         TEXT NOT NULL,
    language        TEXT NOT NULL,
    name            TEXT NOT NULL,
    based_on        TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    letter_body     TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (organization_id, set_key, language)
);

CREATE TABLE campaigns (
    id               BIGSERIAL PRIMARY KEY,
    organization_id  BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    breach_id        BIGINT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    obligation_id    BIGINT REFERENCES obligations(id) ON DELETE SET NULL,
    follows_id       BIGINT REFERENCES campaigns(id) ON DELETE SET NULL,
    name             TEXT NOT NULL,
    template_set     TEXT NOT NULL,
    default_language TEXT NOT NULL,
    audience         TEXT NOT NULL DEFAULT '{}',
    content          TEXT NOT NULL DEFAULT '{}',
    person_fields    TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'preparing', 'sending', 'paused', 'cancelled', 'completed')),
    content_hash     TEXT NOT NULL DEFAULT '',
    approved_hash    TEXT NOT NULL DEFAULT '',
    approved_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    approved_at      TIMESTAMPTZ,
    paused_reason    TEXT NOT NULL DEFAULT '',
    total            INTEGER NOT NULL DEFAULT 0,
    created_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    started_at       TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ
);
CREATE INDEX campaigns_breach ON campaigns (breach_id, id);
CREATE INDEX campaigns_active ON campaigns (status) WHERE status IN ('preparing', 'sending');

-- person_id names a row of affected_people; like the roster itself it has
-- no per-row foreign key (a million-row expansion would pay for one per
-- row), and a delivery goes with its campaign, which goes with its breach.
CREATE TABLE deliveries (
    id            BIGSERIAL PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    person_id     BIGINT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'postal', 'none')),
    language      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'retry', 'sent', 'failed', 'bounced',
                                                  'letter', 'printed', 'mailed', 'returned', 'undeliverable', 'cancelled')),
    code_hash     TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TIMESTAMPTZ,
    claimed_at    TIMESTAMPTZ,
    claimed_by    TEXT NOT NULL DEFAULT '',
    smtp_code     INTEGER NOT NULL DEFAULT 0,
    smtp_reply    TEXT NOT NULL DEFAULT '',
    email_failure TEXT NOT NULL DEFAULT '',
    sent_at       TIMESTAMPTZ,
    batch_id      BIGINT,
    mailed_at     TIMESTAMPTZ,
    returned_at   TIMESTAMPTZ,
    bounce_id     BIGINT,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (campaign_id, person_id)
);
CREATE UNIQUE INDEX deliveries_code ON deliveries (code_hash);
CREATE INDEX deliveries_message ON deliveries (message_id);
CREATE INDEX deliveries_status ON deliveries (campaign_id, status, id);
CREATE INDEX deliveries_to_send ON deliveries (campaign_id, id) WHERE status IN ('queued', 'retry', 'sending');

CREATE TABLE letter_batches (
    id          BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    letters     INTEGER NOT NULL,
    pages       INTEGER NOT NULL,
    pdf         BYTEA NOT NULL,
    manifest    BYTEA NOT NULL,
    sha256      TEXT NOT NULL,
    created_by  BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    printed_at  TIMESTAMPTZ,
    mailed_at   TIMESTAMPTZ,
    UNIQUE (campaign_id, seq)
);

CREATE TABLE bounces (
    id              BIGSERIAL PRIMARY KEY,
    received_at     TIMESTAMPTZ NOT NULL,
    organization_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    campaign_id     BIGINT REFERENCES campaigns(id) ON DELETE CASCADE,
    delivery_id     BIGINT REFERENCES deliveries(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'auto_reply', 'unknown')),
    applied         BOOLEAN NOT NULL DEFAULT FALSE,
    matched_by      TEXT NOT NULL DEFAULT '',
    recipient       TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    diagnostic      TEXT NOT NULL DEFAULT '',
    raw             BYTEA NOT NULL
);
CREATE INDEX bounces_campaign ON bounces (campaign_id, id);

-- The sending budget of each relay, shared by every worker process: the
-- messages sent in the current second and hour.
CREATE TABLE send_budget (
    relay        TEXT PRIMARY KEY,
    second_start TIMESTAMPTZ NOT NULL,
    second_count INTEGER NOT NULL DEFAULT 0,
    hour_start   TIMESTAMPTZ NOT NULL,
    hour_count   INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE send_budget;
DROP TABLE bounces;
DROP TABLE letter_batches;
DROP TABLE deliveries;
DROP TABLE campaigns;
DROP TABLE notice_templates;
