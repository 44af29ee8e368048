-- +goose Up
-- How many times people checked a notice's reference code (internal/notice):
-- per campaign, genuine codes; campaign_id 0 counts the codes that were not
-- genuine (they name no campaign). A count is spread over a few shards so
-- that lookups arriving together do not queue on one row; readers add them.
-- Nothing here names a visitor.
CREATE TABLE verify_lookups (
    campaign_id BIGINT NOT NULL,
    shard       INTEGER NOT NULL,
    genuine     BIGINT NOT NULL DEFAULT 0,
    not_genuine BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, shard)
);

-- +goose Down
DROP TABLE verify_lookups;
