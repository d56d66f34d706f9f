"""Service settings, read from environment variables (and an optional ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Everything an operator can configure.

    Names are the environment variable names (case-insensitive), e.g. ``DATABASE_URL``.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'talentmatch.db'}",
        description="SQLAlchemy URL; SQLite file by default, PostgreSQL in production.",
    )
    database_echo: bool = False
    log_level: str = "INFO"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    page_size_default: int = Field(default=20, ge=1)
    page_size_max: int = Field(default=100, ge=1)
    max_body_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, description="Request body cap (bytes).")
    bulk_max_records: int = Field(default=10_000, ge=1)
    environment: str = Field(default="local", description="local, demo, test or production")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        return value.upper()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache to override)."""
    return Settings()
