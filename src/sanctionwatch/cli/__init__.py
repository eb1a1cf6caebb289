"""Command-line interface: a thin Typer shell over the library."""
