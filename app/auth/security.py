"""Password hashing (argon2id), access tokens (HS256 JWT), API key and refresh token secrets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.core.config import Settings, get_settings
from app.core.errors import InvalidInput

ACCESS_ALGORITHM = "HS256"
API_KEY_PREFIX = "tm_"
_PREFIX_LEN = 12  # hex characters of the lookup prefix


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def password_hasher(settings: Settings | None = None) -> PasswordHasher:
    s = settings or get_settings()
    return _hasher(s.password_hash_time_cost, s.password_hash_memory_kib)


def hash_secret(secret: str) -> str:
    """argon2id hash of a password or API key."""
    return password_hasher().hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Constant-time verification; a missing hash still costs one hash so timing tells nothing."""
    hasher = password_hasher()
    if not stored_hash:
        hasher.hash(secret)  # keep the timing of unknown users close to that of known ones
        return False
    try:
        return hasher.verify(stored_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_policy(password: str, *, email: str | None = None) -> None:
    """At least ``password_min_length`` characters, two character classes, not the e-mail address."""
    settings = get_settings()
    if len(password) < settings.password_min_length:
        raise InvalidInput.field("password", f"needs at least {settings.password_min_length} characters",
                                 code="weak_password")
    if len(password) > 1024:
        raise InvalidInput.field("password", "is too long (at most 1024 characters)", code="weak_password")
    classes = sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))
    if classes < 2 or len(set(password)) < 4:
        raise InvalidInput.field("password", "is too simple: mix letters, digits or symbols", code="weak_password")
    if email and password.strip().lower() in {email.lower(), email.split("@")[0].lower()}:
        raise InvalidInput.field("password", "must not be the e-mail address", code="weak_password")


def generate_password() -> str:
    """A random password that satisfies the policy."""
    return secrets.token_urlsafe(12) + "-7a"


# --- access tokens -----------------------------------------------------------------------------


def create_access_token(user_id: int, *, role: str, organization_id: int | None) -> tuple[str, int]:
    """A signed JWT for a user; returns ``(token, expires_in_seconds)``."""
    settings = get_settings()
    now = datetime.now(UTC)
    ttl = settings.access_token_ttl_seconds
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=ttl),
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "role": role,
        "org": organization_id,
    }
    token = jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ACCESS_ALGORITHM)
    return token, ttl


def decode_access_token(token: str) -> dict[str, Any]:
    """Verify signature, issuer, audience and expiry; raise ``jwt.InvalidTokenError`` otherwise."""
    settings = get_settings()
    claims = jwt.decode(
        token,
        settings.secret_key.get_secret_value(),
        algorithms=[ACCESS_ALGORITHM],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        leeway=5,
    )
    if claims.get("typ") != "access":
        raise jwt.InvalidTokenError("not an access token")
    return claims


def unverified_issuer(token: str) -> str | None:
    """The ``iss`` claim without verification: only used to pick which verifier to run."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    iss = claims.get("iss")
    return iss if isinstance(iss, str) else None


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and not token.startswith(API_KEY_PREFIX)


# --- refresh tokens ----------------------------------------------------------------------------


def new_refresh_token() -> str:
    return "rt_" + secrets.token_urlsafe(32)


def refresh_token_digest(token: str) -> str:
    """HMAC-SHA256 keyed with the server secret (deterministic, so it can be looked up)."""
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


# --- API keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewApiKey:
    key: str
    prefix: str


def new_api_key() -> NewApiKey:
    """``tm_<12 hex prefix>_<43 chars secret>``: the prefix finds the row, the whole key is verified."""
    prefix = secrets.token_hex(_PREFIX_LEN // 2)
    return NewApiKey(key=f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix=prefix)


def api_key_prefix(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else ``None``."""
    if not key.startswith(API_KEY_PREFIX) or len(key) < len(API_KEY_PREFIX) + _PREFIX_LEN + 20:
        return None
    prefix = key[len(API_KEY_PREFIX) : len(API_KEY_PREFIX) + _PREFIX_LEN]
    if key[len(API_KEY_PREFIX) + _PREFIX_LEN] != "_" or any(c not in "0123456789abcdef" for c in prefix):
        return None
    return prefix


class VerifiedKeyCache:
    """Remembers, in memory only, keys that passed the (slow) argon2 check for a short while.

    Entries hold an HMAC of the key under a random per-process key, never the key itself.
    Revocation and expiry are still checked against the database on every request.
    """

    def __init__(self) -> None:
        self._pepper = secrets.token_bytes(32)
        self._entries: dict[int, tuple[bytes, float]] = {}
        self._lock = threading.Lock()

    def _mac(self, key: str) -> bytes:
        return hmac.new(self._pepper, key.encode(), hashlib.sha256).digest()

    def hit(self, key_id: int, key: str, ttl: float) -> bool:
        with self._lock:
            entry = self._entries.get(key_id)
        return bool(entry) and entry[1] > time.monotonic() and hmac.compare_digest(entry[0], self._mac(key))  # type: ignore[index]

    def store(self, key_id: int, key: str, ttl: float) -> None:
        if ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key_id] = (self._mac(key), time.monotonic() + ttl)

    def forget(self, key_id: int) -> None:
        with self._lock:
            self._entries.pop(key_id, None)


verified_keys = VerifiedKeyCache()
