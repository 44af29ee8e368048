-- +goose Up
-- Claims read one state at a time through deliveries_status (campaign,
-- status, id); this index only cost a write on every insert and change.
DROP INDEX deliveries_to_send;

-- +goose Down
CREATE INDEX deliveries_to_send ON deliveries (campaign_id, id) WHERE status IN ('queued', 'retry', 'sending');
