-- +goose Up
-- Members join an organization by invitation: an administrator names the
-- address and the role; the person behind the address accepts (setting
-- their own password when they have no account). Only the SHA-256 of the
-- single-use link's token is stored.
CREATE TABLE invitations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'privacy_officer', 'legal', 'viewer')),
    token_hash      TEXT NOT NULL UNIQUE,
    invited_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      DATETIME NOT NULL,
    expires_at      DATETIME NOT NULL,
    sent_at         DATETIME,
    send_error      TEXT NOT NULL DEFAULT '',
    accepted_at     DATETIME,
    accepted_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoked_at      DATETIME
);
-- At most one open invitation per address and organization.
CREATE UNIQUE INDEX invitations_open ON invitations (organization_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- The session a token was created in: changing a password ends the other
-- sessions and revokes the tokens they created.
ALTER TABLE api_tokens ADD COLUMN session_hash TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN session_hash;
DROP TABLE invitations;
