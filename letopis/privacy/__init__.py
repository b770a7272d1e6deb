"""Personal data under 152-FZ: per-learner envelope encryption, access log, destruction.

docs/privacy.md explains the key hierarchy, where everything lives and the destruction protocol.
"""

from __future__ import annotations

from pathlib import Path

from letopis.privacy.keys import MasterKey
from letopis.privacy.keystore import KeyStore, SQLiteKeyStore, sqlite_keystore_path
from letopis.privacy.service import PersonalDataService, PersonalDataView

_PG_IDENTIFIER_LIMIT = 63

__all__ = ["KeyStore", "MasterKey", "PersonalDataService", "PersonalDataView",
           "init_keystore", "keystore_schema", "load_master_key", "open_keystore"]


def keystore_schema(store_schema: str) -> str:
    """The key store's PostgreSQL schema: beside the store's, never inside it."""
    name = f"{store_schema}_keys"
    if len(name) > _PG_IDENTIFIER_LIMIT:
        # PostgreSQL would silently truncate it, possibly onto the store's own schema.
        from letopis.store import StoreUrlError

        raise StoreUrlError(f"schema name {store_schema!r} is too long for its key store "
                            f"{name!r}: keep LETOPIS_DATABASE_SCHEMA to 58 characters")
    return name


def open_keystore(database_url: str, schema: str = "letopis",
                  keystore_url: str | None = None) -> KeyStore:
    """The key store belonging to the event store at `database_url` (nothing connects yet)."""
    if database_url.startswith("sqlite:///"):
        return SQLiteKeyStore(sqlite_keystore_path(database_url[len("sqlite:///"):]))
    from letopis.privacy.keystore_postgres import PostgresKeyStore

    return PostgresKeyStore(keystore_url or database_url, keystore_schema(schema))


def init_keystore(database_url: str, schema: str = "letopis",
                  keystore_url: str | None = None) -> None:
    """Create the key store's tables (part of `letopis db init`); safe to run twice."""
    keystore = open_keystore(database_url, schema, keystore_url)
    try:
        keystore.create()
    finally:
        keystore.close()


def load_master_key(key_file: Path | None, key_text: str | None) -> MasterKey | None:
    """The configured master key: from a file, else from base64 text, else None."""
    if key_file is not None:
        return MasterKey.from_file(key_file)
    if key_text:
        return MasterKey.from_base64(key_text)
    return None
