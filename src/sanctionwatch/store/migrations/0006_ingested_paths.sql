-- Every path a file's content was ingested from: the same bytes under two names are one
-- ingest, and forgetting one name keeps the content while the other name remains.
CREATE TABLE IF NOT EXISTS ingested_paths (
    sha256 VARCHAR NOT NULL,          -- ingested_files.sha256
    path VARCHAR NOT NULL,            -- absolute path as it was when ingested
    PRIMARY KEY (sha256, path)
);
INSERT INTO ingested_paths SELECT sha256, path FROM ingested_files ON CONFLICT DO NOTHING;
