-- +goose Up
-- Everything the roster import keeps beside the normalised values: the
-- originals, where a value came from, the keys under which two rows are the
-- same person, and which earlier person a duplicate row repeats.
ALTER TABLE affected_people ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN region_source TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN country_original TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN language_original TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN date_of_birth TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN date_of_birth_original TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN guardian_email TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN guardian_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE affected_people ADD COLUMN duplicate_of INTEGER;
-- Every index is paid for on each row a bulk import writes. No query looks
-- people up by import or by raw email (duplicates are found by email_key
-- in hash passes), so neither has an index.
DROP INDEX affected_people_breach_email;

-- Progress and the options an import runs with; the uploaded file waits in
-- the data directory at file_path until a worker has imported it.
ALTER TABLE imports ADD COLUMN bytes_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN bytes_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
ALTER TABLE imports ADD COLUMN file_path TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN started_at DATETIME;
ALTER TABLE imports ADD COLUMN progress_at DATETIME;
-- A file is imported into a breach once: the committed import holds its hash.
CREATE UNIQUE INDEX imports_breach_sha256_done ON imports (breach_id, sha256) WHERE status = 'done';

-- Every problem of every rejected row, with the value masked.
CREATE TABLE import_rejects (
    import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    row_number  INTEGER NOT NULL,
    column_name TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    value       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX import_rejects_import ON import_rejects (import_id, row_number);

-- People per region, language and channel, refreshed by every import in its
-- own transaction, so the counts the obligations read are never half-updated.
CREATE TABLE roster_counts (
    breach_id INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,
    value     TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (breach_id, dimension, value)
);

-- +goose Down
DROP TABLE roster_counts;
DROP TABLE import_rejects;
DROP INDEX imports_breach_sha256_done;
ALTER TABLE imports DROP COLUMN progress_at;
ALTER TABLE imports DROP COLUMN started_at;
ALTER TABLE imports DROP COLUMN file_path;
ALTER TABLE imports DROP COLUMN options;
ALTER TABLE imports DROP COLUMN bytes_read;
ALTER TABLE imports DROP COLUMN bytes_total;
CREATE INDEX affected_people_breach_email ON affected_people (breach_id, email);
ALTER TABLE affected_people DROP COLUMN duplicate_of;
ALTER TABLE affected_people DROP COLUMN name_key;
ALTER TABLE affected_people DROP COLUMN email_key;
ALTER TABLE affected_people DROP COLUMN guardian_phone;
ALTER TABLE affected_people DROP COLUMN guardian_email;
ALTER TABLE affected_people DROP COLUMN date_of_birth_original;
ALTER TABLE affected_people DROP COLUMN date_of_birth;
ALTER TABLE affected_people DROP COLUMN language_original;
ALTER TABLE affected_people DROP COLUMN country_original;
ALTER TABLE affected_people DROP COLUMN region_source;
ALTER TABLE affected_people DROP COLUMN family_name;
ALTER TABLE affected_people DROP COLUMN given_name;
