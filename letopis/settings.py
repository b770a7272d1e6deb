"""The one `Settings` object: environment variables with the prefix `LETOPIS_`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LETOPIS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/letopis.sqlite",
        description="postgresql://user@host:port/db (production) or sqlite:///path (embedded)",
    )
    database_schema: str = Field(default="letopis", pattern=r"^[a-z_][a-z0-9_]{0,62}$",
                                 description="PostgreSQL schema holding the store")
    pool_size: int = Field(default=4, ge=1, le=64)
    calendar_file: Path | None = Field(
        default=None,
        description="a region's production calendar (format: docs/exams.md); "
                    "default: the shipped federal calendar of Russia",
    )
    master_key_file: Path | None = Field(
        default=None,
        description="file holding the master key (base64 of 32 bytes) that wraps every "
                    "learner's data key (docs/privacy.md)",
    )
    master_key: SecretStr | None = Field(
        default=None, description="the master key itself, base64 (when no file is used)")
    keystore_url: str | None = Field(
        default=None,
        description="PostgreSQL URL of the key store (schema <database_schema>_keys); "
                    "default: the store's server. SQLite keeps keys in <store>.keys.sqlite",
    )
    audit_signing_key: Path | None = Field(
        default=None,
        description="PEM file of the Ed25519 key that signs audit checkpoints "
                    "(`letopis keys generate --out DIR`); its public key verifies them",
    )
    audit_checkpoint_every: int = Field(
        default=10_000, ge=1,
        description="the sealer signs a checkpoint every this many sealed events",
    )
