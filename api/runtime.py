"""What a running API holds: the services, a projection reader, and the live projection loop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from api.auth import VerifiedTokens
from letopis.bootstrap import Services, build_services
from letopis.settings import Settings
from projections.engine import Engine
from projections.feed import ChangeFeed
from projections.registry import PROJECTIONS
from projections.runner import build_engine, open_projection_store
from projections.storage import ProjectionStore

log = logging.getLogger("letopis.api")


@dataclass
class Runtime:
    settings: Settings
    services: Services
    projections: ProjectionStore
    feed: ChangeFeed
    tokens: VerifiedTokens = field(init=False)
    _stop: threading.Event = field(default_factory=threading.Event)
    _closers: list[Callable[[], None]] = field(default_factory=list)
    _follower: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.tokens = VerifiedTokens(self.settings)

    def close(self) -> None:
        self._stop.set()
        if self._follower is not None:
            self._follower.join(timeout=10)
        for close in reversed(self._closers):
            close()


def open_runtime(settings: Settings) -> Runtime:
    """Connect everything; make sure every read model's tables exist; start following unless
    `api_follow_projections` is off (another process follows, e.g. `letopis serve --workers`)."""
    services = build_services(settings)
    engine, close_engine = build_engine(services.ledger, settings.database_url,
                                        settings.database_schema)
    for projection in PROJECTIONS.values():
        engine.active_generation(projection)  # creates the tables and views on first start
    reader = open_projection_store(settings.database_url, settings.database_schema,
                                   readers=settings.pool_size)
    feed = ChangeFeed.open(settings.database_url, settings.database_schema)
    runtime = Runtime(settings, services, reader, feed)
    runtime._closers += [services.close, reader.close, feed.close, close_engine]
    if settings.api_follow_projections:
        runtime._follower = _follow_in_background(engine, runtime._stop)
    return runtime


def open_follower(settings: Settings) -> Callable[[], None]:
    """Only the projection follow loop, in a background thread of this process; returns the
    function that stops it and closes its connections."""
    services = build_services(settings)
    engine, close_engine = build_engine(services.ledger, settings.database_url,
                                        settings.database_schema)
    for projection in PROJECTIONS.values():
        engine.active_generation(projection)
    stop = threading.Event()
    thread = _follow_in_background(engine, stop)

    def close() -> None:
        stop.set()
        thread.join(timeout=10)
        close_engine()
        services.close()

    return close


def _follow_in_background(engine: Engine, stop: threading.Event) -> threading.Thread:
    def follow() -> None:
        try:
            engine.follow(list(PROJECTIONS.values()), stop=stop.is_set, idle_wait=0.1)
        except Exception:
            log.exception("the projection follow loop stopped")

    thread = threading.Thread(target=follow, name="projections", daemon=True)
    thread.start()
    return thread
