-- A detection run owns the events it wrote: each run replaces, in one transaction, the
-- events of the time span it covered, so the store holds what the last detection over
-- each span found (never a cut-off event of an earlier, shorter run).
ALTER TABLE detection_runs ADD COLUMN run_id VARCHAR;
ALTER TABLE detection_runs ADD COLUMN span_start TIMESTAMPTZ;   -- NULL: the run covered the whole store
ALTER TABLE detection_runs ADD COLUMN span_end TIMESTAMPTZ;
ALTER TABLE detection_runs ADD COLUMN events_removed BIGINT;
ALTER TABLE events ADD COLUMN run_id VARCHAR;                    -- detection_runs.run_id of the run that wrote it
