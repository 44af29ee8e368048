-- +goose Up
-- A running import is held by one worker under a lease it renews while it
-- reads; a lapsed lease means the worker died, and the import is queued
-- again (restarts counts how often) within a minute instead of waiting for
-- the job queue's own rescue.
ALTER TABLE imports ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE imports ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX imports_running ON imports (lease_until) WHERE status = 'running';

-- +goose Down
DROP INDEX imports_running;
ALTER TABLE imports DROP COLUMN restarts;
ALTER TABLE imports DROP COLUMN lease_until;
ALTER TABLE imports DROP COLUMN claimed_by;
