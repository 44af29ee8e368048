-- +goose Up
-- A timeline event corrected or deleted keeps what it was: one row per
-- change, with the reason given and who gave it. The events table holds
-- only the current timeline; this is its history, never edited.
CREATE TABLE breach_event_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    breach_id  INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    event_id   INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('corrected', 'deleted')),
    before_json TEXT NOT NULL,
    after_json  TEXT,
    reason     TEXT NOT NULL DEFAULT '',
    changed_by INTEGER REFERENCES users(id),
    changed_at DATETIME NOT NULL
);
CREATE INDEX breach_event_changes_breach ON breach_event_changes (breach_id, changed_at);

-- Estimated numbers of affected people by region, recorded before a roster
-- exists; the obligations count them while no roster has been imported.
CREATE TABLE breach_estimates (
    breach_id INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    region    TEXT NOT NULL,
    people    INTEGER NOT NULL CHECK (people >= 0),
    PRIMARY KEY (breach_id, region)
);

-- +goose Down
DROP TABLE breach_estimates;
DROP INDEX breach_event_changes_breach;
DROP TABLE breach_event_changes;
