-- +goose Up
-- A campaign's letters are made on request, by background jobs: the
-- request stays until every letter due is in a print file, so a job lost
-- with its process is started again by the sweep.
ALTER TABLE campaigns ADD COLUMN letters_requested_at DATETIME;
ALTER TABLE campaigns ADD COLUMN letters_requested_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX campaigns_letters ON campaigns (id) WHERE letters_requested_at IS NOT NULL;
CREATE INDEX deliveries_letters ON deliveries (campaign_id, id) WHERE status = 'letter' AND batch_id IS NULL;
CREATE INDEX deliveries_batch ON deliveries (batch_id) WHERE batch_id IS NOT NULL;

-- +goose Down
DROP INDEX deliveries_batch;
DROP INDEX deliveries_letters;
DROP INDEX campaigns_letters;
ALTER TABLE campaigns DROP COLUMN letters_requested_by;
ALTER TABLE campaigns DROP COLUMN letters_requested_at;
