"""Execution engines: the same partitioned detectors, in-process/pool (local) or on Dask."""

from .detect import DetectionReport, detect_events, run_detection

__all__ = ["DetectionReport", "detect_events", "run_detection"]
