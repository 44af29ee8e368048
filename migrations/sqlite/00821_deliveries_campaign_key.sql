-- +goose Up
-- PostgreSQL replaces the per-row foreign key from deliveries to campaigns
-- with the lock expansion holds on the campaign (see the PostgreSQL
-- migration). SQLite keeps its foreign key (its expansion is not the one
-- measured against a time limit) and this version only keeps the two
-- schemas' versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
