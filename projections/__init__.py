"""Read projections rebuilt from the global event stream (see the projections issue)."""
