"""Vessel risk: list hits, behaviour and links to designated vessels, with reasons."""
