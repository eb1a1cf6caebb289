"""The store: one DuckDB file for records, Parquet partitions beside it for positions."""

from .connection import Store, open_store

__all__ = ["Store", "open_store"]
