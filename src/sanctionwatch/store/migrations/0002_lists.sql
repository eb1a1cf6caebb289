-- Sanctions list publications and their entities; every loaded version is kept.
CREATE SEQUENCE IF NOT EXISTS list_version_seq START 1;

CREATE TABLE IF NOT EXISTS list_versions (
    version_id INTEGER PRIMARY KEY DEFAULT nextval('list_version_seq'),
    source VARCHAR NOT NULL,          -- 'un', 'ofac', 'eu', 'uk', 'sample'
    version VARCHAR NOT NULL,         -- label, e.g. 'un-2026-02-27'
    format VARCHAR NOT NULL,          -- adapter that read it: 'un-xml', 'ofac-csv', ...
    published VARCHAR,                -- ISO date printed in the publication, when it has one
    sha256 VARCHAR NOT NULL,          -- file digest (or digest of the files' digests)
    files VARCHAR NOT NULL,           -- JSON array of the file paths as given
    record_count INTEGER NOT NULL,
    counts VARCHAR NOT NULL,          -- JSON object of parser bookkeeping (unmatched rows, ...)
    loaded_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    UNIQUE (source, sha256)
);

-- One row per entity per version: Entity.to_dict() as JSON, plus columns to filter on.
CREATE TABLE IF NOT EXISTS list_entities (
    version_id INTEGER NOT NULL,
    entity_id VARCHAR NOT NULL,
    schema VARCHAR NOT NULL,
    programs VARCHAR[] NOT NULL,
    data VARCHAR NOT NULL,
    PRIMARY KEY (version_id, entity_id)
);
