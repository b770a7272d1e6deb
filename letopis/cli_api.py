"""`letopis token issue|demo` and `letopis serve`: the HTTP API from the command line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from letopis.settings import Settings

SettingsFactory = Callable[[], Settings]


def _ttl(text: str) -> timedelta:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit() or int(text[:-1]) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 30m, 12h or 7d")
    return timedelta(seconds=int(text[:-1]) * units[text[-1]])


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a UUID") from None


def cmd_token_issue(args: argparse.Namespace, settings: Settings) -> int:
    from api.auth import ApiRole, TokenError, issue_token

    try:
        token = issue_token(settings, subject=args.subject or f"cli-{args.role}",
                            role=ApiRole(args.role), organisation_id=args.org,
                            municipality=args.municipality, class_name=args.class_name,
                            learner_id=args.learner, ttl=args.ttl)
    except TokenError as error:
        from letopis.cli import CliError

        raise CliError(str(error)) from None
    print(token)
    return 0


def demo_token_claims(settings: Settings, seed: int) -> dict[str, dict[str, Any]]:
    """Claims for one demo user per role, scoped to demo learner #0's school and class."""
    from api.auth import ApiRole
    from letopis.bootstrap import build_services
    from letopis.demo import DemoPlan

    plan = DemoPlan(1, 1, seed)
    learner_id = plan.uuid("learner", 0)
    services = build_services(settings)
    try:
        placement = services.learners.get(learner_id).active_general
        if placement is None:
            from letopis.cli import CliError

            raise CliError("demo learner #0 is not enrolled; run `letopis demo "
                                     "generate` first")
        municipality = services.organisations.get(placement.organisation_id).details.municipality
    finally:
        services.close()
    org, klass = placement.organisation_id, placement.class_or_group
    return {
        ApiRole.REGIONAL_OPERATOR.value: {},
        ApiRole.MUNICIPAL_AUTHORITY.value: {"municipality": municipality},
        ApiRole.ORGANISATION_STAFF.value: {"organisation_id": org},
        ApiRole.CLASS_TEACHER.value: {"organisation_id": org, "class_name": klass},
        ApiRole.PROVIDER.value: {"organisation_id": plan.uuid("finance", "provider", 0)},
        ApiRole.FINANCE.value: {},
        ApiRole.AUDITOR.value: {},
        ApiRole.PARENT.value: {"learner_id": learner_id},
        ApiRole.LEARNER.value: {"learner_id": learner_id},
    }


def cmd_token_demo(args: argparse.Namespace, settings: Settings) -> int:
    from api.auth import ApiRole, issue_token

    for role, claims in demo_token_claims(settings, args.seed).items():
        token = issue_token(settings, subject=f"demo-{role}", role=ApiRole(role), ttl=args.ttl,
                            **claims)
        scope = ", ".join(f"{k}={v}" for k, v in claims.items()) or "whole region"
        print(f"# {role} ({scope})\n{token}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app
    from letopis.store import open_store

    # Fail here, with one clear line, rather than in the server's startup with a traceback.
    open_store(settings.database_url, settings.database_schema, pool_size=1).close()
    options: dict[str, Any] = {"host": args.host, "port": args.port,
                               "log_level": args.log_level, "access_log": args.access_log}
    if args.workers == 1:
        uvicorn.run(create_app(settings), **options)
        return 0
    # Several worker processes, each building its app from the environment (as this process
    # built `settings`). The projection follow loop runs here, once, not in every worker.
    import os

    from api.runtime import open_follower

    stop_following = open_follower(settings) if settings.api_follow_projections else None
    os.environ["LETOPIS_API_FOLLOW_PROJECTIONS"] = "false"
    try:
        uvicorn.run("api.app:create_app", factory=True, workers=args.workers, **options)
    finally:
        if stop_following is not None:
            stop_following()
    return 0


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes from 1 to 64")
    return int(text)


def register(sub: Any, settings: SettingsFactory) -> None:
    """Add `token` and `serve` to the `letopis` parser."""
    token = sub.add_parser("token", help="API bearer tokens").add_subparsers(
        dest="token", required=True)
    issue = token.add_parser("issue", help="print a signed token for a role and its scope")
    issue.add_argument("--role", required=True, choices=[
        "regional_operator", "municipal_authority", "organisation_staff", "class_teacher",
        "provider", "finance", "auditor", "parent", "learner"])
    issue.add_argument("--subject", help="the user id (`sub`); default cli-<role>")
    issue.add_argument("--org", type=_uuid, help="organisation id (staff, teacher, provider)")
    issue.add_argument("--municipality", help="municipality (municipal authority)")
    issue.add_argument("--class", dest="class_name", help="class, e.g. 5А (class teacher)")
    issue.add_argument("--learner", type=_uuid, help="learner id (parent, learner)")
    issue.add_argument("--ttl", type=_ttl, default=timedelta(hours=12),
                       help="lifetime: 30m, 12h, 7d (default 12h)")
    issue.set_defaults(func=lambda a: cmd_token_issue(a, settings()))
    demo = token.add_parser("demo", help="print a token for each role over the demo region")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--ttl", type=_ttl, default=timedelta(days=7))
    demo.set_defaults(func=lambda a: cmd_token_demo(a, settings()))

    serve = sub.add_parser("serve", help="serve the HTTP API (LETOPIS_DATABASE_URL)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info",
                       choices=("critical", "error", "warning", "info", "debug"))
    serve.add_argument("--no-access-log", dest="access_log", action="store_false")
    serve.add_argument("--workers", type=_workers, default=1,
                       help="server processes (default 1); the read models are followed by "
                            "the parent process only")
    serve.set_defaults(func=lambda a: cmd_serve(a, settings()))
