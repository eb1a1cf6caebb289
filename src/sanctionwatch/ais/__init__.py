"""AIS: one Arrow schema, decoders for NMEA/CSV/Parquet, validation, tracks."""
