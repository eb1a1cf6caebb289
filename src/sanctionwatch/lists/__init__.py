"""Official sanctions lists: one adapter per publication format, one entity model."""
