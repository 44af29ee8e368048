-- +goose Up
-- Retention of affected people's contact data (internal/retention): each
-- organization keeps it for contact_retention_days after a breach is closed
-- and its notice campaigns are over, unless a hold (a litigation hold, a
-- regulator's inquiry) stops every removal. The breach records the law
-- requires, and the counts, are never removed; a person's row stays, without
-- the ways to reach them, marked with when they were removed.
ALTER TABLE organizations ADD COLUMN contact_retention_days INTEGER NOT NULL DEFAULT 365
    CHECK (contact_retention_days BETWEEN 30 AND 3650);
ALTER TABLE organizations ADD COLUMN retention_hold BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE affected_people ADD COLUMN contact_purged_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE affected_people DROP COLUMN contact_purged_at;
ALTER TABLE organizations DROP COLUMN retention_hold;
ALTER TABLE organizations DROP COLUMN contact_retention_days;
