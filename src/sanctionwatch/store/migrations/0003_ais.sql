-- AIS: static/voyage observations as a time series per MMSI, and quarantined input.
-- Positions themselves live in day-partitioned Parquet beside the DuckDB file.
CREATE TABLE IF NOT EXISTS vessel_static (
    mmsi BIGINT NOT NULL,
    ts TIMESTAMPTZ NOT NULL,
    imo BIGINT,
    name VARCHAR,
    call_sign VARCHAR,
    ship_type SMALLINT,
    length_m REAL,
    width_m REAL,
    draught_m REAL,
    destination VARCHAR,
    file_sha256 VARCHAR NOT NULL      -- ingested_files.sha256 of the file it came from
);
CREATE INDEX IF NOT EXISTS vessel_static_mmsi ON vessel_static (mmsi);

-- Every input line/row that was not accepted, kept with where it came from and why.
-- line_no: physical line for NMEA, 1-based data row for CSV and Parquet.
CREATE TABLE IF NOT EXISTS quarantine (
    file_sha256 VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    line_no BIGINT NOT NULL,
    raw VARCHAR,
    reason VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantine_reason ON quarantine (reason);
