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

    # Supply-demand analytics (each overridable per request by a query parameter of the same name
    # without the ``analytics_`` prefix).
    analytics_shortage_ratio: float = Field(default=1.2, gt=0, description="Shortage (紧缺) if demand/supply >= this")
    analytics_surplus_ratio: float = Field(default=0.8, ge=0, description="Surplus (过剩) if demand/supply <= this")
    analytics_red_ratio: float = Field(default=0.5, ge=0, description="Strong surplus signal for major warnings")
    analytics_min_demand: int = Field(default=10, ge=0, description="Below this demand AND min_supply: low confidence")
    analytics_min_supply: int = Field(default=10, ge=0, description="Below this supply AND min_demand: low confidence")
    analytics_unplaced_share: float = Field(default=0.3, ge=0, le=1, description="Warn if available/graduates >= this")
    analytics_trend_drop: float = Field(default=0.1, ge=0, description="Warn if the ratio falls by this share a year")
    analytics_trend_years: int = Field(default=3, ge=2, le=10, description="Years of history for warning trends")

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
