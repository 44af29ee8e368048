-- +goose Up
-- What the rules engine says of each duty beyond its date: the kind (a
-- duty that can be overdue, a step the law permits, a record to keep, a
-- regulator's practice date), the region of a per-region duty (HIPAA media
-- notice: one row per State, with its count), the keep-until date of a
-- record, whether the rule applies (a permitted step applies without being
-- required), the federal duty that satisfies a state one, every other
-- reading of the law (not only the first), the definitions and exemptions
-- the decision relied on, the rule's notes, the dates its version is in
-- force and its secondary sources. Rows written before this migration are
-- duties; the next evaluation of their breach fills the rest.
ALTER TABLE obligations ADD COLUMN kind TEXT NOT NULL DEFAULT 'duty'
    CHECK (kind IN ('duty', 'permitted', 'retention', 'target'));
ALTER TABLE obligations ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE obligations ADD COLUMN region_name TEXT NOT NULL DEFAULT '';
ALTER TABLE obligations ADD COLUMN region_count INTEGER;
ALTER TABLE obligations ADD COLUMN applies BOOLEAN;
ALTER TABLE obligations ADD COLUMN until_at DATETIME;
ALTER TABLE obligations ADD COLUMN until_date TEXT NOT NULL DEFAULT '';
ALTER TABLE obligations ADD COLUMN satisfied_by TEXT NOT NULL DEFAULT '';
ALTER TABLE obligations ADD COLUMN alternatives TEXT NOT NULL DEFAULT '[]';
ALTER TABLE obligations ADD COLUMN provisions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE obligations ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE obligations ADD COLUMN effective_from TEXT NOT NULL DEFAULT '';
ALTER TABLE obligations ADD COLUMN effective_to TEXT NOT NULL DEFAULT '';
ALTER TABLE obligations ADD COLUMN effective_note TEXT NOT NULL DEFAULT '';
ALTER TABLE obligations ADD COLUMN see_also TEXT NOT NULL DEFAULT '[]';

-- Reminders for duties the law gives no date (and regulators' practice
-- dates) count towards the internal target.
CREATE INDEX obligations_target_pending ON obligations (internal_target_at) WHERE status = 'pending';

-- +goose Down
DROP INDEX obligations_target_pending;
ALTER TABLE obligations DROP COLUMN see_also;
ALTER TABLE obligations DROP COLUMN effective_note;
ALTER TABLE obligations DROP COLUMN effective_to;
ALTER TABLE obligations DROP COLUMN effective_from;
ALTER TABLE obligations DROP COLUMN notes;
ALTER TABLE obligations DROP COLUMN provisions;
ALTER TABLE obligations DROP COLUMN alternatives;
ALTER TABLE obligations DROP COLUMN satisfied_by;
ALTER TABLE obligations DROP COLUMN until_date;
ALTER TABLE obligations DROP COLUMN until_at;
ALTER TABLE obligations DROP COLUMN applies;
ALTER TABLE obligations DROP COLUMN region_count;
ALTER TABLE obligations DROP COLUMN region_name;
ALTER TABLE obligations DROP COLUMN region;
ALTER TABLE obligations DROP COLUMN kind;
