"""Which PostgreSQL COPY an export uses: on the server, into the pipe, or through the client.

`COPY … TO '<file>'` runs in the server's backend: it writes the CSV straight into the named
pipe DuckDB reads, and Python never touches a row (about a third less CPU per event than
`COPY … TO STDOUT`, whose every chunk psycopg hands over). It is possible only when

- the server runs on this host (a Unix socket, or localhost), in the same file system;
- the role may write server files (a superuser, or a member of `pg_write_server_files`);
- the server's OS user can reach the pipe (its directory `0711`, the pipe `0666`).

`--copy auto` (the default) checks all three, the last by a probe: the server writes a random
token into a file this process made, and this process reads it back. Anything else, and the
export falls back to the client's COPY. `--copy server` insists (an error says why it is not
possible), `--copy client` never tries.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

import psycopg
from psycopg import sql

CopyMode = Literal["auto", "server", "client"]
COPY_MODES: tuple[CopyMode, ...] = ("auto", "server", "client")
_LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")


class ServerCopyUnavailable(RuntimeError):
    """The server cannot write into this host's pipes; the message says why."""


def share_with_server(directory: Path) -> None:
    """Let the server's OS user reach files in `directory` by name (not list them)."""
    os.chmod(directory, 0o711)  # noqa: S103 - traverse only: names are random, unlisted


def check_server_copy(conninfo: str, directory: Path) -> None:
    """Raise `ServerCopyUnavailable` unless the server can write files in `directory` (which
    `share_with_server` opened) that this process then reads."""
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
            host = conn.info.host
            if not (host.startswith("/") or host in _LOCAL_HOSTS):
                raise ServerCopyUnavailable(f"the server is not on this host ({host})")
            row = conn.execute(
                "SELECT rolsuper OR pg_has_role(current_user, 'pg_write_server_files', "
                "'MEMBER') FROM pg_roles WHERE rolname = current_user").fetchone()
            if not (row and row[0]):
                raise ServerCopyUnavailable(
                    "the role may not write server files (it needs to be a superuser or a "
                    "member of pg_write_server_files)")
            probe = directory / f"probe-{secrets.token_hex(8)}"
            token = secrets.token_hex(16)
            probe.touch(mode=0o600)
            os.chmod(probe, 0o666)  # noqa: S103 - the server's OS user writes it
            try:
                conn.execute(sql.SQL("COPY (SELECT {}) TO {}").format(
                    sql.Literal(token), sql.Literal(str(probe))))
                written = probe.read_text(encoding="utf-8").strip()
            finally:
                probe.unlink(missing_ok=True)
    except psycopg.Error as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise ServerCopyUnavailable(f"the server could not write a probe file: {message}") \
            from error
    if written != token:
        raise ServerCopyUnavailable("the server wrote its probe file somewhere else (another "
                                    "host or container)")


def server_copy(conninfo: str, directory: Path, mode: CopyMode) -> bool:
    """Whether to COPY on the server (`mode` auto: if possible; server: or raise)."""
    if mode == "client":
        return False
    share_with_server(directory)
    try:
        check_server_copy(conninfo, directory)
    except ServerCopyUnavailable:
        if mode == "server":
            raise
        return False
    return True
