-- Core bookkeeping: which migrations ran, and which input files were ingested.
CREATE TABLE IF NOT EXISTS schema_migrations (
    number INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_by VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- One row per ingested file (AIS or list): content hash makes re-ingest a no-op.
CREATE TABLE IF NOT EXISTS ingested_files (
    sha256 VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,           -- 'ais', 'list'
    path VARCHAR NOT NULL,
    format VARCHAR,
    rows_in BIGINT,
    rows_accepted BIGINT,
    rows_quarantined BIGINT,
    ingested_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
