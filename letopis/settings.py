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
    # HTTP API (api/): token signing, read-your-writes waits, projections kept live while serving.
    api_token_secret: SecretStr = Field(
        default=SecretStr("letopis-demo-secret-change-me-in-production"), min_length=32,
        description="HS256 key signing the API's bearer tokens (at least 32 characters)",
    )
    api_token_issuer: str = Field(default="letopis", description="the tokens' `iss` claim")
    api_max_wait_seconds: float = Field(default=5.0, ge=0, le=60,
                                        description="longest `?min_position=` wait of a read")
    api_follow_projections: bool = Field(
        default=True, description="run the projection engine's follow loop inside the server",
    )
