"""Rendering results for people and programs (table, CSV, TSV, JSON, Markdown), shared by the
command line and the HTTP API."""
