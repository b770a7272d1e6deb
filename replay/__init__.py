"""Replay and audit: history as of any moment (see the replay issue)."""
