"""Unified authentication (统一认证): access tokens from an external OpenID Connect provider.

Configured by issuer, audience and a JWKS (URL or file). Tokens are verified with the
provider's public keys (asymmetric algorithms only), then mapped to a principal:

1. a local user linked to ``issuer|sub`` (``user_account.external_subject``) wins: its role and
   organization apply;
2. otherwise the role comes from the ``OIDC_ROLE_CLAIM`` claim (default ``OIDC_DEFAULT_ROLE``; only
   ``OIDC_ALLOWED_ROLES`` are accepted, never ``platform_admin`` unless listed) and the organization
   from the ``OIDC_ORG_CLAIM`` claim, matched against ``organization.code``.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.principal import ORG_ROLES, Principal
from app.core.config import Settings, get_settings
from app.core.errors import Forbidden, Unauthorized
from app.organizations.models import Organization

_ASYMMETRIC = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}


def oidc_enabled(settings: Settings | None = None) -> bool:
    s = settings or get_settings()
    return bool(s.oidc_issuer and s.oidc_audience and (s.oidc_jwks_url or s.oidc_jwks_file))


@lru_cache(maxsize=4)
def _jwks_from_file(path: str, mtime: float) -> jwt.PyJWKSet:
    with open(path, encoding="utf-8") as fh:
        return jwt.PyJWKSet.from_dict(json.load(fh))


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)


def _signing_key(token: str, settings: Settings) -> Any:
    if settings.oidc_jwks_file:
        path = settings.oidc_jwks_file
        keys = _jwks_from_file(path, os.path.getmtime(path))
        kid = jwt.get_unverified_header(token).get("kid")
        candidates = [k for k in keys.keys if kid is None or k.key_id == kid]
        if not candidates:
            raise jwt.InvalidTokenError("no JWKS key matches the token's kid")
        return candidates[0].key
    return _jwks_client(settings.oidc_jwks_url).get_signing_key_from_jwt(token).key


def verify_oidc_token(token: str) -> dict[str, Any]:
    """Verify signature, issuer, audience and expiry against the configured provider."""
    settings = get_settings()
    if not oidc_enabled(settings):
        raise Unauthorized("external identity provider is not configured")
    algorithms = [a for a in settings.oidc_algorithms if a in _ASYMMETRIC]
    try:
        claims = jwt.decode(
            token,
            _signing_key(token, settings),
            algorithms=algorithms,
            audience=settings.oidc_audience,
            issuer=settings.oidc_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            leeway=30,
        )
    except (jwt.InvalidTokenError, jwt.PyJWKClientError, OSError, ValueError):
        raise Unauthorized("invalid or expired token from the identity provider") from None
    return claims


def principal_from_claims(session: Session, claims: dict[str, Any]) -> Principal:
    settings = get_settings()
    subject = f"{claims['iss']}|{claims['sub']}"
    name = str(claims.get("email") or claims.get("preferred_username") or claims["sub"])[:254]
    user = session.scalars(select(User).where(User.external_subject == subject)).first()
    if user is not None:
        if not user.is_active:
            raise Unauthorized("this account is disabled")
        return Principal(kind="oidc", id=user.id, organization_id=user.organization_id, role=user.role, name=name)
    role = str(claims.get(settings.oidc_role_claim) or settings.oidc_default_role)
    if role not in settings.oidc_allowed_roles:
        raise Forbidden(f"role {role!r} is not accepted from the identity provider")
    organization_id = None
    org_code = claims.get(settings.oidc_org_claim)
    if org_code:
        organization_id = session.scalar(select(Organization.id).where(Organization.code == str(org_code)))
        if organization_id is None:
            raise Forbidden("the token's organization is not registered on this platform")
    if role in ORG_ROLES and organization_id is None:
        raise Forbidden(f"role {role!r} needs an organization claim ({settings.oidc_org_claim})")
    return Principal(kind="oidc", id=subject[:200], organization_id=organization_id, role=role, name=name)
