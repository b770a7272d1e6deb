"""`letopis personal-data …`: destroy, export, read, access log, master-key generation and rotation.

Errors are domain errors (one line, exit 3) or usage errors (exit 2), as for every command.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.envelope import Actor, Role
from domain.errors import InvalidInput
from letopis.ledger import CommandContext
from letopis.privacy.keys import MasterKey
from letopis.settings import Settings

if TYPE_CHECKING:
    from letopis.bootstrap import Services

SettingsFactory = Callable[[], Settings]


@contextmanager
def _services(settings: Settings) -> Iterator[Services]:
    from letopis.bootstrap import build_services

    services = build_services(settings)
    try:
        yield services
    finally:
        services.close()


def _learner(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a learner id (UUID)") from None


def cmd_destroy(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.privacy.act import write_act
    from letopis.privacy.destruction import destroy

    learner_id = _learner(args.learner)
    actor = Actor(args.actor, Role(args.role),
                  None if args.organisation is None else _learner(args.organisation))
    with _services(settings) as services:
        today = services.ledger.clock().date()
        context = CommandContext(actor=actor, command_id=f"cli-destroy/{learner_id}",
                                 effective_on=today, source_system="letopis-cli")
        destruction = destroy(services.personal_data, context, learner_id, args.basis)
        paths = write_act(services.ledger, destruction, Path(args.out), args.operator)
    what = ("destroyed" if destruction.completed_now
            else "finished an interrupted destruction of")
    print(f"{what} the personal data of learner {learner_id} "
          f"(categories: {', '.join(destruction.categories) or 'none held'}; "
          f"event {destruction.event_id} at position {destruction.position})")
    for path in paths:
        print(f"  wrote {path}")
    return 0


def cmd_read(args: argparse.Namespace, settings: Settings) -> int:
    with _services(settings) as services:
        view = services.personal_data.read(_learner(args.learner), args.actor, args.purpose)
    print(json.dumps({"learner_id": str(view.learner_id), "status": view.status,
                      "record": view.record}, ensure_ascii=False, indent=2))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.privacy.export import export_subject

    with _services(settings) as services:
        body = export_subject(services.personal_data, _learner(args.learner), args.actor)
    text = json.dumps(body, ensure_ascii=False, indent=2)
    if args.out is None:
        print(text)
    else:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


def cmd_texts(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.privacy.export import free_texts

    with _services(settings) as services:
        services.personal_data.master()  # a clear error before any scan
        texts = free_texts(services.personal_data, _learner(args.learner), args.actor,
                           args.purpose)
    print(json.dumps(texts, ensure_ascii=False, indent=2))
    return 0


def cmd_access_log(args: argparse.Namespace, settings: Settings) -> int:
    learner_id = None if args.learner is None else _learner(args.learner)
    with _services(settings) as services:
        records = services.personal_data.access_log(learner_id)
    for record in records:
        print(f"{record.read_at.isoformat()}  {record.learner_id}  {record.actor}  "
              f"{record.purpose}")
    return 0


def cmd_generate_master_key(args: argparse.Namespace, _settings: Settings) -> int:
    path = Path(args.out)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInput(f"{path} exists; a master key is never overwritten") from None
    key = MasterKey.generate()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.to_base64() + "\n")
    print(f"wrote master key {key.key_id} to {path}")
    return 0


def cmd_rotate_master(args: argparse.Namespace, settings: Settings) -> int:
    new_master = MasterKey.from_file(Path(args.new_key_file))
    with _services(settings) as services:
        rewrapped, already = services.personal_data.rotate_master(new_master)
    print(f"re-wrapped {rewrapped} data keys under master key {new_master.key_id} "
          f"({already} were already under it); now set LETOPIS_MASTER_KEY_FILE="
          f"{args.new_key_file}")
    return 0


def register(sub: Any, settings: SettingsFactory) -> None:
    """Add `personal-data` to the top-level parser; handlers get Settings lazily."""
    parser = sub.add_parser("personal-data", help="152-FZ: destroy, export, access log, keys")
    cmds = parser.add_subparsers(dest="personal_data", required=True)

    def bind(handler: Callable[[argparse.Namespace, Settings], int]) -> Callable[..., int]:
        return lambda args: handler(args, settings())

    destroy = cmds.add_parser("destroy", help="destroy a learner's personal data, write the act")
    destroy.add_argument("learner")
    destroy.add_argument("--basis", required=True,
                         help="the act or reason (e.g. 'act № 12 of 2026-10-01'); never "
                              "the person's data")
    destroy.add_argument("--actor", required=True, help="user id of who destroys")
    destroy.add_argument("--role", default=Role.ADMINISTRATOR.value,
                         choices=[r.value for r in Role])
    destroy.add_argument("--organisation", help="the actor's organisation id")
    destroy.add_argument("--operator", help="the operator's name and address, for the act")
    destroy.add_argument("--out", required=True, help="directory for the act and log extract")
    destroy.set_defaults(func=bind(cmd_destroy))
    read = cmds.add_parser("read", help="decrypt a learner's record (the read is logged)")
    read.add_argument("learner")
    read.add_argument("--actor", required=True)
    read.add_argument("--purpose", required=True)
    read.set_defaults(func=bind(cmd_read))
    export = cmds.add_parser("export", help="everything held about a learner, as JSON")
    export.add_argument("learner")
    export.add_argument("--actor", required=True)
    export.add_argument("--out", help="file to write (default: stdout)")
    export.set_defaults(func=bind(cmd_export))
    texts = cmds.add_parser("texts", help="reveal the free texts sealed for a learner "
                                          "(appeal statements, reasons; each read is logged)")
    texts.add_argument("learner")
    texts.add_argument("--actor", required=True)
    texts.add_argument("--purpose", required=True)
    texts.set_defaults(func=bind(cmd_texts))
    log = cmds.add_parser("access-log", help="who read whose personal data, when, why")
    log.add_argument("--learner")
    log.set_defaults(func=bind(cmd_access_log))
    generate = cmds.add_parser("generate-master-key", help="write a new master key file (0600)")
    generate.add_argument("--out", required=True)
    generate.set_defaults(func=bind(cmd_generate_master_key))
    rotate = cmds.add_parser("rotate-master", help="re-wrap every data key under a new master")
    rotate.add_argument("--new-key-file", required=True)
    rotate.set_defaults(func=bind(cmd_rotate_master))
