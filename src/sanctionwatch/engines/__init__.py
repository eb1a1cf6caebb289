"""Execution engines: the same partitioned detectors, in-process/pool (local) or on Dask."""

from .detect import detect_events, run_detection

__all__ = ["detect_events", "run_detection"]
