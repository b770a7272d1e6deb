"""`letopis keys|seal|checkpoints|verify|proof|verify-proof|export`: tamper evidence and export.

Exit codes beyond letopis.cli's: 5 when verification finds damage (or a proof does not verify).
Bad input (a key file, a checkpoint file, a position) is one line on stderr, exit 2, and
nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from psycopg import errors as pg_errors

from letopis.settings import Settings
from replay.checkpoint import CheckpointFormatError, read_checkpoints, write_checkpoints
from replay.export import ExportError
from replay.export_copy import COPY_MODES
from replay.keys import AuditKeyError, key_id, load_private_key, load_public_key
from replay.proof import ProofError

SettingsFactory = Callable[[], Settings]
EXIT_USAGE = 2
EXIT_TAMPERED = 5


class AuditUsageError(ValueError):
    """A bad argument: one line, exit 2, nothing written."""


def _signing_key(settings: Settings) -> Any:
    if settings.audit_signing_key is None:
        raise AuditUsageError("no signing key: set LETOPIS_AUDIT_SIGNING_KEY to a key file "
                              "(`letopis keys generate --out DIR` makes one)")
    return load_private_key(settings.audit_signing_key)


def _public_key(path: str | None, settings: Settings) -> Ed25519PublicKey | None:
    if path is not None:
        return load_public_key(Path(path))
    if settings.audit_signing_key is not None:
        return load_private_key(settings.audit_signing_key).public_key()
    return None


def _write_new(path: Path, text: str) -> None:
    """Write `text` to `path` in one go, only once everything is ready."""
    if path.parent and not path.parent.exists():
        raise AuditUsageError(f"directory {path.parent} does not exist")
    path.write_text(text, encoding="utf-8")


def cmd_keys_generate(args: argparse.Namespace, _settings: Settings) -> int:
    from replay.keys import generate_keys

    private_path, public_path = generate_keys(Path(args.out))
    print(f"signing key {private_path} (keep it secret; LETOPIS_AUDIT_SIGNING_KEY={private_path})")
    print(f"public key  {public_path} (give it to the auditors; key id "
          f"{key_id(load_public_key(public_path))})")
    return 0


def cmd_seal(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.clock import system_clock
    from letopis.store import open_store
    from replay.audit_store import open_audit
    from replay.seal import seal

    key = _signing_key(settings)
    every = args.every or settings.audit_checkpoint_every
    if every < 1:
        raise AuditUsageError("--every must be at least 1")
    recorder = open_store(settings.database_url, settings.database_schema, 1)
    audit = open_audit(settings.database_url, settings.database_schema)
    try:
        report = seal(recorder, audit, key, system_clock, every=every)
    finally:
        audit.close()
        recorder.close()
    print(f"sealed {report.sealed} events ({report.tree_size} in all, up to position "
          f"{report.last_position}); {len(report.checkpoints)} checkpoints signed")
    return 0


def cmd_checkpoints_export(args: argparse.Namespace, settings: Settings) -> int:
    from replay.audit_store import open_audit

    audit = open_audit(settings.database_url, settings.database_schema)
    with audit.snapshot() as snapshot:
        checkpoints = snapshot.checkpoints()
    if not checkpoints:
        raise AuditUsageError("no checkpoints yet: run `letopis seal` first")
    _write_new(Path(args.out), write_checkpoints(checkpoints))
    print(f"wrote {len(checkpoints)} checkpoints to {args.out} (up to tree size "
          f"{checkpoints[-1].tree_size})")
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from replay.audit_store import open_audit
    from replay.verify import verify

    exported = []
    if args.from_checkpoint is not None:
        path = Path(args.from_checkpoint)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise AuditUsageError(f"cannot read checkpoint file {path}: {error}") from None
        exported = read_checkpoints(text, str(path))
    public_key = _public_key(args.public_key, settings)
    if exported and public_key is None:
        raise AuditUsageError("--from-checkpoint needs --public-key to check its signatures")
    report = verify(open_audit(settings.database_url, settings.database_schema), public_key,
                    exported)
    if report.damage is not None:
        print(f"letopis: verification failed at {report.damage}", file=sys.stderr)
        return EXIT_TAMPERED
    signatures = (f"signatures checked with key {key_id(public_key)}" if public_key
                  else "signatures NOT checked (no public key)")
    print(f"verified {report.events} events and {report.checkpoints} checkpoints "
          f"({signatures}); not yet sealed: {report.unsealed}")
    return 0


def cmd_proof(args: argparse.Namespace, settings: Settings) -> int:
    from replay.audit_store import open_audit
    from replay.proof import build_proof

    proof = build_proof(open_audit(settings.database_url, settings.database_schema),
                        args.position, args.checkpoint)
    _write_new(Path(args.out), json.dumps(proof, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote the proof of position {args.position} under the checkpoint of tree size "
          f"{proof['tree_size']} to {args.out}")
    return 0


def cmd_verify_proof(args: argparse.Namespace, _settings: Settings) -> int:
    from replay.proof import verify_proof

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AuditUsageError(f"cannot read proof {args.file}: {error}") from None
    public_key = load_public_key(Path(args.public_key))
    try:
        proven = verify_proof(text, public_key)
    except ProofError as error:
        if str(error).startswith(("malformed", "not a ")):
            raise
        print(f"letopis: proof rejected: {error}", file=sys.stderr)
        return EXIT_TAMPERED
    print(f"proof valid: position {proven.position} (stream {proven.stream_id} v{proven.version}"
          f", {proven.topic}) is leaf {proven.leaf_index} of {proven.tree_size} under a "
          f"checkpoint signed by key {proven.key_id}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from replay.export import export_parquet

    if args.format != "parquet":
        raise AuditUsageError(f"--format {args.format!r}: only parquet is supported")
    report = export_parquet(settings.database_url, settings.database_schema, Path(args.out),
                            args.from_position, args.copy)
    print(f"exported {report.events} events (positions {report.from_position + 1}.."
          f"{report.to_position}) under the checkpoint of tree size "
          f"{report.checkpoint.tree_size} to {args.out} in {report.seconds:.1f} s "
          f"({report.copy} COPY); manifest {report.manifest.name}")
    return 0


def _bind(handler: Callable[[argparse.Namespace, Settings], int],
          settings: SettingsFactory) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args, settings())
        except (AuditUsageError, AuditKeyError, CheckpointFormatError, ProofError,
                ExportError) as error:
            print(f"letopis: {error}", file=sys.stderr)
            return EXIT_USAGE
        except (sqlite3.OperationalError, pg_errors.UndefinedTable) as error:
            if "no such table" not in str(error) and "does not exist" not in str(error):
                raise
            print("letopis: the store has no audit tables yet: run `letopis db init` "
                  f"({str(error).splitlines()[0]})", file=sys.stderr)
            return EXIT_USAGE
    return run


def register(sub: Any, settings: SettingsFactory) -> None:
    """Add the tamper-evidence and export commands to the top-level parser."""
    keys = sub.add_parser("keys", help="checkpoint signing keys").add_subparsers(
        dest="keys", required=True)
    generate = keys.add_parser("generate", help="write a new Ed25519 key pair")
    generate.add_argument("--out", required=True, metavar="DIR")
    generate.set_defaults(func=_bind(cmd_keys_generate, settings))

    seal = sub.add_parser("seal", help="seal new events and sign a checkpoint")
    seal.add_argument("--every", type=int, default=None,
                      help="checkpoint interval (default LETOPIS_AUDIT_CHECKPOINT_EVERY)")
    seal.set_defaults(func=_bind(cmd_seal, settings))

    checkpoints = sub.add_parser("checkpoints", help="signed checkpoints").add_subparsers(
        dest="checkpoints", required=True)
    export = checkpoints.add_parser("export", help="write every checkpoint as JSON lines")
    export.add_argument("--out", required=True, metavar="FILE")
    export.set_defaults(func=_bind(cmd_checkpoints_export, settings))

    verify = sub.add_parser("verify", help="recompute every digest and check the checkpoints")
    verify.add_argument("--from-checkpoint", metavar="FILE",
                        help="checkpoints exported earlier (JSON lines), kept by the auditor")
    verify.add_argument("--public-key", metavar="FILE", help="PEM public key of the sealer")
    verify.set_defaults(func=_bind(cmd_verify, settings))

    proof = sub.add_parser("proof", help="write an inclusion proof of one event")
    proof.add_argument("position", type=int)
    proof.add_argument("--checkpoint", type=int, metavar="TREE_SIZE",
                       help="the checkpoint to prove under (default: the latest)")
    proof.add_argument("--out", required=True, metavar="FILE")
    proof.set_defaults(func=_bind(cmd_proof, settings))

    check = sub.add_parser("verify-proof", help="check an inclusion proof offline")
    check.add_argument("file")
    check.add_argument("--public-key", required=True, metavar="FILE")
    check.set_defaults(func=_bind(cmd_verify_proof, settings))

    export = sub.add_parser("export", help="sealed events and read models as Parquet")
    export.add_argument("--format", default="parquet", help="parquet (the only one)")
    export.add_argument("--out", required=True, metavar="DIR")
    export.add_argument("--from-position", type=int, default=0, metavar="P",
                        help="only events after position P (the previous export's end)")
    export.add_argument("--copy", choices=COPY_MODES, default="auto",
                        help="PostgreSQL: COPY on the server straight into the export's pipe "
                             "(a local server, a role that may write server files), through "
                             "the client, or the first when possible (default: auto)")
    export.set_defaults(func=_bind(cmd_export, settings))
