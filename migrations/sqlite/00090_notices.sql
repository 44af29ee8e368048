-- +goose Up
-- Notices to affected people. An organization's own notice templates (the
-- shipped ones are files in the binary and never change); campaigns, each
-- approved as an exact version (content_hash) before anything is sent; one
-- delivery per person per campaign, the ledger of what happened to that
-- person's notice; letters printed in batches for the mail house; bounce
-- reports as they arrived; and the sending budget every worker shares.
CREATE TABLE notice_templates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    set_key         TEXT NOT NULL,
    language        TEXT NOT NULL,
    name            TEXT NOT NULL,
    based_on        TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    letter_body     TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    UNIQUE (organization_id, set_key, language)
);

CREATE TABLE campaigns (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id  INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    breach_id        INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    obligation_id    INTEGER REFERENCES obligations(id) ON DELETE SET NULL,
    follows_id       INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
    name             TEXT NOT NULL,
    template_set     TEXT NOT NULL,
    default_language TEXT NOT NULL,
    audience         TEXT NOT NULL DEFAULT '{}',
    content          TEXT NOT NULL DEFAULT '{}',
    person_fields    TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'preparing', 'sending', 'paused', 'cancelled', 'completed')),
    content_hash     TEXT NOT NULL DEFAULT '',
    approved_hash    TEXT NOT NULL DEFAULT '',
    approved_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    approved_at      DATETIME,
    paused_reason    TEXT NOT NULL DEFAULT '',
    total            INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    started_at       DATETIME,
    completed_at     DATETIME
);
CREATE INDEX campaigns_breach ON campaigns (breach_id, id);
CREATE INDEX campaigns_active ON campaigns (status) WHERE status IN ('preparing', 'sending');

-- person_id names a row of affected_people; like the roster itself it has
-- no per-row foreign key (a million-row expansion would pay for one per
-- row), and a delivery goes with its campaign, which goes with its breach.
CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'postal', 'none')),
    language      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'retry', 'sent', 'failed', 'bounced',
                                                  'letter', 'printed', 'mailed', 'returned', 'undeliverable', 'cancelled')),
    code_hash     TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       DATETIME,
    claimed_at    DATETIME,
    claimed_by    TEXT NOT NULL DEFAULT '',
    smtp_code     INTEGER NOT NULL DEFAULT 0,
    smtp_reply    TEXT NOT NULL DEFAULT '',
    email_failure TEXT NOT NULL DEFAULT '',
    sent_at       DATETIME,
    batch_id      INTEGER,
    mailed_at     DATETIME,
    returned_at   DATETIME,
    bounce_id     INTEGER,
    updated_at    DATETIME NOT NULL,
    UNIQUE (campaign_id, person_id)
);
CREATE UNIQUE INDEX deliveries_code ON deliveries (code_hash);
CREATE INDEX deliveries_message ON deliveries (message_id);
CREATE INDEX deliveries_status ON deliveries (campaign_id, status, id);
CREATE INDEX deliveries_to_send ON deliveries (campaign_id, id) WHERE status IN ('queued', 'retry', 'sending');

CREATE TABLE letter_batches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    letters     INTEGER NOT NULL,
    pages       INTEGER NOT NULL,
    pdf         BLOB NOT NULL,
    manifest    BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL,
    printed_at  DATETIME,
    mailed_at   DATETIME,
    UNIQUE (campaign_id, seq)
);

CREATE TABLE bounces (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at     DATETIME NOT NULL,
    organization_id INTEGER REFERENCES organizations(id) ON DELETE CASCADE,
    campaign_id     INTEGER REFERENCES campaigns(id) ON DELETE CASCADE,
    delivery_id     INTEGER REFERENCES deliveries(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'auto_reply', 'unknown')),
    applied         BOOLEAN NOT NULL DEFAULT FALSE,
    matched_by      TEXT NOT NULL DEFAULT '',
    recipient       TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    diagnostic      TEXT NOT NULL DEFAULT '',
    raw             BLOB NOT NULL
);
CREATE INDEX bounces_campaign ON bounces (campaign_id, id);

-- The sending budget of each relay, shared by every worker process: the
-- messages sent in the current second and hour.
CREATE TABLE send_budget (
    relay        TEXT PRIMARY KEY,
    second_start DATETIME NOT NULL,
    second_count INTEGER NOT NULL DEFAULT 0,
    hour_start   DATETIME NOT NULL,
    hour_count   INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE send_budget;
DROP TABLE bounces;
DROP TABLE letter_batches;
DROP TABLE deliveries;
DROP TABLE campaigns;
DROP TABLE notice_templates;
