"""Every read model Letopis maintains, by its name in the CLI and API."""

from __future__ import annotations

from projections.base import Projection
from projections.organisation_registry import ORGANISATION_REGISTRY

PROJECTIONS: dict[str, Projection] = {p.name: p for p in (ORGANISATION_REGISTRY,)}
