"""Service settings, read from environment variables (and an optional ``.env`` file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")

#: Used when SECRET_KEY is unset outside production: random per process, so tokens signed with it
#: do not survive a restart and are not shared between workers (production must set SECRET_KEY).
_PROCESS_SECRET = secrets.token_urlsafe(48)
_PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "change_me", "changethis", "secret", "dev", "development",
                        "test", "please-change-me", "your-secret-key", "replace-me"}


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
    log_format: str = Field(
        default="", description="json (one object per line) or text; json by default outside tests"
    )
    metrics_token: SecretStr = Field(
        default=SecretStr(""),
        description="When set, GET /metrics needs 'Authorization: Bearer <token>'; empty leaves it open",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    page_size_default: int = Field(default=20, ge=1)
    page_size_max: int = Field(default=100, ge=1)
    max_body_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, description="Request body cap (bytes).")
    bulk_max_records: int = Field(default=10_000, ge=1)
    environment: str = Field(default="local", description="local, demo, test or production")
    match_index_poll_seconds: float = Field(
        default=2.0, gt=0, description="How often each process applies the change log to its match index."
    )
    match_synonyms_files: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated operator synonym files (the format of matching/data/synonyms.txt), "
        "added to the shipped dictionary; a change takes effect at the next index build.",
    )
    match_semantic_warm: bool = Field(
        default=True,
        description="After each index build, embed the English records for the semantic factor in the background "
        "(otherwise a record is embedded the first time a query ranks it near the top).",
    )

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

    # --- authentication (see docs/SECURITY.md) ---
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Signs access tokens and keys refresh-token hashes. Required (>= 32 chars) in production.",
    )
    jwt_issuer: str = "talentmatch"
    jwt_audience: str = "talentmatch-api"
    access_token_ttl_seconds: int = Field(default=900, ge=30)
    refresh_token_ttl_seconds: int = Field(default=14 * 24 * 3600, ge=60)
    login_max_failures: int = Field(default=5, ge=1, description="Failed logins before the account is locked")
    login_lockout_seconds: int = Field(default=900, ge=1)
    password_min_length: int = Field(default=10, ge=8)
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65536, ge=8)
    allow_anonymous_read: bool = Field(default=False, description="Let callers without credentials GET published records")
    api_key_verify_cache_seconds: int = Field(default=300, ge=0)
    # External OpenID Connect provider (统一认证); disabled while oidc_issuer is empty.
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_jwks_url: str = ""
    oidc_jwks_file: str = ""
    oidc_algorithms: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["RS256", "ES256"])
    oidc_role_claim: str = "talentmatch_role"
    oidc_org_claim: str = Field(default="talentmatch_org", description="Claim holding the organization's code")
    oidc_default_role: str = "viewer"
    oidc_allowed_roles: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["planner", "org_admin", "org_editor", "viewer"]
    )
    # --- rate limiting: per principal (or client address when anonymous), per process ---
    rate_limit_per_minute: int = Field(default=600, ge=0, description="Sustained requests per minute; 0 disables")
    rate_limit_burst: int = Field(default=120, ge=1)
    # --- HTTP hardening ---
    behind_https: bool = Field(default=False, description="Send Strict-Transport-Security")
    # --- webhooks (see docs/INTEGRATION.md) ---
    webhook_workers_enabled: bool = Field(default=True, description="Run the match evaluator and deliverer threads")
    webhook_poll_seconds: float = Field(default=1.0, gt=0, description="How often the webhook workers look for work")
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, description="HTTP timeout of one delivery attempt")
    webhook_max_attempts: int = Field(default=8, ge=1, description="Attempts before a delivery is marked failed")
    webhook_backoff_base_seconds: float = Field(default=30.0, ge=0, description="First retry delay; doubles each time")
    webhook_backoff_max_seconds: float = Field(default=6 * 3600.0, ge=0, description="Longest retry delay")
    webhook_lease_seconds: float = Field(
        default=120.0, gt=0, description="A claimed delivery not finished within this is retried by any worker"
    )
    webhook_batch_size: int = Field(default=50, ge=1, description="Changes evaluated / deliveries claimed per round")
    webhook_match_depth: int = Field(default=100, ge=1, le=1000, description="Ranked matches looked at per record")
    webhook_allow_private_targets: bool | None = Field(
        default=None,
        description="Allow target URLs on loopback/private networks; default: yes in local/demo/test, no in production",
    )
    # --- exports ---
    export_max_rows: int = Field(default=100_000, ge=1, description="Rows at most in one CSV/XLSX export")

    @field_validator("cors_origins", "oidc_algorithms", "oidc_allowed_roles", "match_synonyms_files", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("match_synonyms_files")
    @classmethod
    def _check_synonym_files(cls, value: list[str]) -> list[str]:
        """Fail at start-up, naming the file and line, rather than at the first index build."""
        from matching.synonyms import load_synonyms

        for path in value:
            try:
                load_synonyms(path)
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise ValueError(f"MATCH_SYNONYMS_FILES: cannot use {path}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _production_guards(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if self.environment == "production":
            if secret.strip().lower() in _PLACEHOLDER_SECRETS or len(secret) < 32:
                raise ValueError("SECRET_KEY must be set to a random value of at least 32 characters in production")
            if self.password_hash_time_cost < 2 or self.password_hash_memory_kib < 19456:
                raise ValueError("password hashing parameters are below the production minimum (t=2, m=19456 KiB)")
        elif not secret:
            self.secret_key = SecretStr(_PROCESS_SECRET)
        return self

    @property
    def is_demo(self) -> bool:
        return self.environment in ("local", "demo", "test")

    @property
    def webhook_private_targets_allowed(self) -> bool:
        if self.webhook_allow_private_targets is not None:
            return self.webhook_allow_private_targets
        return self.is_demo

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        return value.upper()

    @field_validator("log_format")
    @classmethod
    def _check_log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("", "json", "text"):
            raise ValueError("LOG_FORMAT must be json or text")
        return value

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("text" if self.environment == "test" else "json")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache to override)."""
    return Settings()
