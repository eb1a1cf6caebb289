"""Pure behaviour detectors: Arrow/NumPy in, events out, no I/O."""
