-- +goose Up
-- The language of the pages and e-mails: each user may choose one, and an
-- organization sets the default for members who have not. Empty means not
-- chosen (the browser's Accept-Language, then English, decide).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '' CHECK (language IN ('', 'en', 'fr'));
ALTER TABLE organizations ADD COLUMN default_language TEXT NOT NULL DEFAULT '' CHECK (default_language IN ('', 'en', 'fr'));

-- +goose Down
ALTER TABLE organizations DROP COLUMN default_language;
ALTER TABLE users DROP COLUMN language;
