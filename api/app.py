"""The HTTP API's one composition root: `create_app(settings)`. Nothing connects at import;
the store, the projection reader and the projection follow loop open in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.routes import (
    acceptance,
    admissions,
    audit,
    certificates,
    commissions,
    contingent,
    contracts,
    exams,
    feed,
    funding,
    kindergarten,
    learners,
    olympiads,
    organisation_changes,
    public,
    reconciliation,
    registers,
    registry,
    staff,
)
from api.runtime import Runtime, open_runtime
from letopis.settings import Settings

DESCRIPTION = """Letopis: the region's education ledger over HTTP.

Commands return the events they wrote (ids, stream versions, global positions) and accept
`Idempotency-Key` and `If-Match`. Reads come from the read models; pass a command's `position`
as `min_position` to read your own write. Errors are RFC 9457 problem+json with a stable `code`.
Authentication: `Authorization: Bearer <token>` (`letopis token issue`); see docs/api.md."""


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """The application; connects when it starts (or uses a given runtime, e.g. in tests)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A runtime given here or already attached (tests, embedding) is used as it is and
        # left open; otherwise the app opens its own and closes it on shutdown.
        given: Runtime | None = runtime or getattr(app.state, "runtime", None)
        app.state.runtime = given or open_runtime(settings)
        try:
            yield
        finally:
            if given is None:
                app.state.runtime.close()
                del app.state.runtime

    app = FastAPI(title="Letopis API", version="1", description=DESCRIPTION, lifespan=lifespan)
    errors.install(app)
    for module in (contingent, registry, funding, certificates, contracts, exams, commissions,
                   acceptance, staff, olympiads, organisation_changes, kindergarten, admissions,
                   learners, registers, public, audit, feed, reconciliation):
        app.include_router(module.router)
    return app
