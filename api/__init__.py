"""HTTP API (see the API issue)."""
