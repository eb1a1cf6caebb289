-- The sha256 of a file's decompressed content (its own bytes when it is not compressed):
-- the same CSV or NMEA in a .gz, .bz2 or .zip is the same content and is not ingested twice.
-- NULL for files recorded before this column existed (for those the uncompressed ones'
-- sha256 is already their content hash).
ALTER TABLE ingested_files ADD COLUMN content_sha256 VARCHAR;
