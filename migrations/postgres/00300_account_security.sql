-- +goose Up
-- Accounts: a second factor (TOTP) per user, session idle timeouts, scoped
-- API tokens that never outlive the token that made them, sign-in
-- throttling shared by every process, single-use links for password resets
-- and unlocking, and the pending second step of a sign-in.

-- The TOTP secret is kept encrypted with a key derived from the
-- installation's secret key; empty when the user has none. A secret whose
-- enabled_at is NULL is an enrolment not yet confirmed. totp_last_step is
-- the time step of the last code accepted: a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- The last request of a session, for the idle timeout (written at most
-- once a minute).
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ;

-- A token's scope limits what it may call; tokens made before scopes had
-- the user's full authority. parent_id is the token that created it: it
-- never outlives its parent, and revoking the parent revokes it. Tokens
-- are never deleted but with their user, so no foreign key is needed (and
-- SQLite could not drop the column of one).
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write', 'bounce'));
ALTER TABLE api_tokens ADD COLUMN parent_id BIGINT;
CREATE INDEX api_tokens_parent ON api_tokens (parent_id);

-- Sign-in attempts per bucket (an account's address, hashed, or a client
-- network): every process reads and writes the same rows.
CREATE TABLE signin_throttle (
    bucket          TEXT PRIMARY KEY,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TIMESTAMPTZ NOT NULL,
    blocked_until   TIMESTAMPTZ,
    locked_at       TIMESTAMPTZ
);

-- Single-use links e-mailed to a user; only the SHA-256 of the token is kept.
CREATE TABLE account_links (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'unlock')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX account_links_user ON account_links (user_id, purpose);

-- A sign-in whose password was right and whose second factor is awaited.
CREATE TABLE signin_challenges (
    hash       TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    next_path  TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX signin_challenges_user ON signin_challenges (user_id);

-- Single-use recovery codes for when the authenticator is lost (SHA-256).
CREATE TABLE recovery_codes (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- +goose Down
DROP TABLE recovery_codes;
DROP TABLE signin_challenges;
DROP TABLE account_links;
DROP TABLE signin_throttle;
DROP INDEX api_tokens_parent;
ALTER TABLE api_tokens DROP COLUMN parent_id;
ALTER TABLE api_tokens DROP COLUMN scope;
ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
