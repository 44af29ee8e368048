-- +goose Up
-- The public incident page of a breach (internal/incident): one per breach,
-- at a stable address (slug) chosen by the privacy officer or random. Every
-- saved text is a new version, never changed afterwards; the page shows the
-- published version. Dated updates are added to a published page and kept.
-- An organization may list its published pages on an index (off unless a
-- privacy officer turns it on).
CREATE TABLE incidents (
    id                   BIGSERIAL PRIMARY KEY,
    organization_id      BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    breach_id            BIGINT NOT NULL UNIQUE REFERENCES breaches(id) ON DELETE CASCADE,
    slug                 TEXT NOT NULL UNIQUE,
    status               TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    draft_version        INTEGER NOT NULL DEFAULT 0,
    published_version    INTEGER NOT NULL DEFAULT 0,
    first_published_at   TIMESTAMPTZ,
    published_at         TIMESTAMPTZ,
    withdrawn_at         TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX incidents_org ON incidents (organization_id, status);

CREATE TABLE incident_versions (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    content     TEXT NOT NULL,
    created_by  BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (incident_id, version)
);

CREATE TABLE incident_updates (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    posted_at   TIMESTAMPTZ NOT NULL,
    text_en     TEXT NOT NULL,
    text_fr     TEXT NOT NULL,
    created_by  BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX incident_updates_incident ON incident_updates (incident_id, posted_at);

CREATE TABLE incident_settings (
    organization_id BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    public_index    BOOLEAN NOT NULL DEFAULT FALSE,
    index_slug      TEXT NOT NULL UNIQUE,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE incident_settings;
DROP TABLE incident_updates;
DROP TABLE incident_versions;
DROP TABLE incidents;
