-- Behaviour events found by the detectors. event_id is a hash of the event's content,
-- so re-running detection over the same positions inserts nothing new.
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,
    type VARCHAR NOT NULL,            -- encounter, loitering, gap, port_visit, geofence, identity_change, spoofing
    mmsi BIGINT NOT NULL,
    other_mmsi BIGINT,                -- the other vessel of an encounter, the previous MMSI of an MMSI change
    start TIMESTAMPTZ NOT NULL,
    "end" TIMESTAMPTZ NOT NULL,
    duration_h DOUBLE NOT NULL,
    lat DOUBLE,
    lon DOUBLE,
    details VARCHAR,                  -- JSON object; details.detector names the detector version
    detected_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
CREATE INDEX IF NOT EXISTS events_type ON events (type);
CREATE INDEX IF NOT EXISTS events_mmsi ON events (mmsi);
CREATE INDEX IF NOT EXISTS events_other_mmsi ON events (other_mmsi);

-- One row per detection run: what went in, what came out.
CREATE TABLE IF NOT EXISTS detection_runs (
    run_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    engine VARCHAR NOT NULL,
    positions BIGINT NOT NULL,
    vessels BIGINT NOT NULL,
    events_found BIGINT NOT NULL,
    events_new BIGINT NOT NULL,
    seconds DOUBLE NOT NULL,
    config VARCHAR                    -- JSON of the detector settings used
);
