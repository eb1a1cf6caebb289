"""Reports and exports: payload -> self-contained HTML (no network needed to view it)."""
