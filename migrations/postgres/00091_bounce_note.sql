-- +goose Up
-- Why a bounce was or was not applied to its delivery, in words.
ALTER TABLE bounces ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE bounces DROP COLUMN note;
