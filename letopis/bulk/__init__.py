"""Bulk import of stored events (NDJSON) and the dump that produces such files.

See docs/import.md: the file format, the checks run before anything is written, and how the
PostgreSQL path keeps the global order (binary COPY, positions taken under the append lock).
"""
