-- +goose Up
CREATE TABLE breaches (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    reference       TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    nature          TEXT NOT NULL DEFAULT '[]',
    kinds           TEXT NOT NULL DEFAULT '[]',
    data_categories TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'contained', 'closed')),
    cause           TEXT NOT NULL DEFAULT '',
    containment     TEXT NOT NULL DEFAULT '',
    mitigation      TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users(id),
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    UNIQUE (organization_id, reference)
);

CREATE TABLE breach_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    breach_id  INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    at         DATETIME NOT NULL,
    zone       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at DATETIME NOT NULL
);
CREATE INDEX breach_events_breach ON breach_events (breach_id, at);

CREATE TABLE assessment_answers (
    breach_id   INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value       TEXT NOT NULL,
    rationale   TEXT NOT NULL DEFAULT '',
    answered_by INTEGER REFERENCES users(id),
    answered_at DATETIME NOT NULL,
    PRIMARY KEY (breach_id, question_id)
);

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    breach_id     INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    format        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'queued',
    rows_read     INTEGER NOT NULL DEFAULT 0,
    accepted      INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    rejects       TEXT NOT NULL DEFAULT '',
    error         TEXT NOT NULL DEFAULT '',
    created_by    INTEGER REFERENCES users(id),
    created_at    DATETIME NOT NULL,
    finished_at   DATETIME
);
CREATE INDEX imports_breach ON imports (breach_id);

CREATE TABLE affected_people (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    breach_id        INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    import_id        INTEGER REFERENCES imports(id),
    row_number       INTEGER NOT NULL DEFAULT 0,
    external_id      TEXT NOT NULL DEFAULT '',
    name             TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    email_original   TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    phone_original   TEXT NOT NULL DEFAULT '',
    address1         TEXT NOT NULL DEFAULT '',
    address2         TEXT NOT NULL DEFAULT '',
    city             TEXT NOT NULL DEFAULT '',
    region           TEXT NOT NULL DEFAULT '',
    region_original  TEXT NOT NULL DEFAULT '',
    country          TEXT NOT NULL DEFAULT '',
    postal_code      TEXT NOT NULL DEFAULT '',
    postal_original  TEXT NOT NULL DEFAULT '',
    language         TEXT NOT NULL DEFAULT '',
    language_source  TEXT NOT NULL DEFAULT '',
    minor            BOOLEAN NOT NULL DEFAULT 0,
    guardian_name    TEXT NOT NULL DEFAULT '',
    guardian_contact TEXT NOT NULL DEFAULT '',
    channel          TEXT NOT NULL DEFAULT 'none',
    data_categories  TEXT NOT NULL DEFAULT '[]',
    attributes       TEXT NOT NULL DEFAULT '{}',
    review           TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL
);
CREATE INDEX affected_people_breach_region ON affected_people (breach_id, region);
CREATE INDEX affected_people_breach_email ON affected_people (breach_id, email);

-- +goose Down
DROP TABLE affected_people;
DROP TABLE imports;
DROP TABLE assessment_answers;
DROP TABLE breach_events;
DROP TABLE breaches;
