-- +goose Up
-- One row per reminder e-mail: (obligation, due instant, lead, user) is
-- claimed here before the message is sent, so that however many workers run
-- the reminder job, each reminder is sent by one of them. A claimed row left
-- unsent (the worker died) is taken again after a lease; see
-- internal/reminder for the delivery guarantee.
CREATE TABLE reminder_sends (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    obligation_id   INTEGER NOT NULL REFERENCES obligations(id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    due_key         TEXT NOT NULL,
    due_at          DATETIME NOT NULL,
    lead_label      TEXT NOT NULL,
    email           TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'retry', 'failed', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 1,
    message_id      TEXT NOT NULL,
    smtp_code       INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    claimed_at      DATETIME NOT NULL,
    next_at         DATETIME,
    sent_at         DATETIME,
    created_at      DATETIME NOT NULL,
    UNIQUE (obligation_id, due_key, lead_label, user_id)
);
CREATE INDEX reminder_sends_open ON reminder_sends (claimed_at) WHERE state IN ('claimed', 'retry');
CREATE INDEX reminder_sends_org ON reminder_sends (organization_id, created_at);

-- Calendar feeds are looked up by the SHA-256 of their secret token.
CREATE INDEX users_calendar_token ON users (calendar_token_hash) WHERE calendar_token_hash <> '';

-- +goose Down
DROP INDEX users_calendar_token;
DROP TABLE reminder_sends;
