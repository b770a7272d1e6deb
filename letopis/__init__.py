"""Letopis composition root: settings, store, application services, CLI."""
