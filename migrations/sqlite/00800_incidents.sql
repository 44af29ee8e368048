-- +goose Up
-- The public incident page of a breach (internal/incident): one per breach,
-- at a stable address (slug) chosen by the privacy officer or random. Every
-- saved text is a new version, never changed afterwards; the page shows the
-- published version. Dated updates are added to a published page and kept.
-- An organization may list its published pages on an index (off unless a
-- privacy officer turns it on).
CREATE TABLE incidents (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id      INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    breach_id            INTEGER NOT NULL UNIQUE REFERENCES breaches(id) ON DELETE CASCADE,
    slug                 TEXT NOT NULL UNIQUE,
    status               TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    draft_version        INTEGER NOT NULL DEFAULT 0,
    published_version    INTEGER NOT NULL DEFAULT 0,
    first_published_at   DATETIME,
    published_at         DATETIME,
    withdrawn_at         DATETIME,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
CREATE INDEX incidents_org ON incidents (organization_id, status);

CREATE TABLE incident_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    content     TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL,
    UNIQUE (incident_id, version)
);

CREATE TABLE incident_updates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    posted_at   DATETIME NOT NULL,
    text_en     TEXT NOT NULL,
    text_fr     TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX incident_updates_incident ON incident_updates (incident_id, posted_at);

CREATE TABLE incident_settings (
    organization_id INTEGER PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    public_index    BOOLEAN NOT NULL DEFAULT FALSE,
    index_slug      TEXT NOT NULL UNIQUE,
    updated_at      DATETIME NOT NULL
);

-- +goose Down
DROP TABLE incident_settings;
DROP TABLE incident_updates;
DROP TABLE incident_versions;
DROP TABLE incidents;
