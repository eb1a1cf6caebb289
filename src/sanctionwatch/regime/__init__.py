"""Regime reference data (ports, areas, caps) with sources, and the petroleum ledger."""
