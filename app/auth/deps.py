"""Authentication dependencies: who is calling (``require_principal``) and may they (``require_role``).

Credentials, in order: ``X-API-Key: <key>``, else ``Authorization: Bearer <token>`` where the
token is an API key (``tm_...``), one of our access tokens (issuer ``JWT_ISSUER``) or an access
token of the configured OpenID Connect provider (issuer ``OIDC_ISSUER``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.auth import keys, oidc, security
from app.auth import service as auth_service
from app.auth.principal import ANONYMOUS, Principal, Role
from app.core.config import get_settings
from app.core.errors import Forbidden, TooManyRequests, Unauthorized
from app.db.session import get_session

__all__ = ["Principal", "PrincipalDep", "require_principal", "require_role", "rate_limit_client"]

# Declared for the OpenAPI document (the "Authorize" button at /docs); the header is parsed below.
oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token", auto_error=False, scheme_name="OAuth2Password",
    description="User login (username = e-mail address).",
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="ApiKey", description="An organization's API key (tm_...).",
)
bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="BearerToken",
    description="An API key or an access token of the city's / consortium's identity provider.",
)
_SAFE_METHODS = frozenset({"GET", "HEAD"})


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _rate_limit(request: Request, key: str) -> None:
    limiter = getattr(request.app.state, "rate_limiter", None)
    if limiter is None:
        return
    wait = limiter.hit(key)
    if wait > 0:
        raise TooManyRequests(retry_after=limiter.retry_after(wait))


def _client_key(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


def _authenticate(session: Session, request: Request) -> Principal | None:
    api_key = request.headers.get("x-api-key")
    if api_key is not None:
        return keys.authenticate_api_key(session, api_key.strip())
    authorization = request.headers.get("authorization")
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("use Authorization: Bearer <token> or X-API-Key: <key>")
    if token.startswith(security.API_KEY_PREFIX):
        return keys.authenticate_api_key(session, token)
    if not security.looks_like_jwt(token):
        raise Unauthorized("malformed bearer token")
    settings = get_settings()
    issuer = security.unverified_issuer(token)
    if issuer == settings.jwt_issuer:
        return auth_service.authenticate_access_token(session, token)
    if oidc.oidc_enabled(settings) and issuer == settings.oidc_issuer:
        return oidc.principal_from_claims(session, oidc.verify_oidc_token(token))
    raise Unauthorized("invalid or expired access token")


def require_principal(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    _token: Annotated[str | None, Depends(oauth2_scheme)],
    _key: Annotated[str | None, Depends(api_key_scheme)],
    _bearer: Annotated[object, Depends(bearer_scheme)],
) -> Principal:
    """The authenticated caller (401 without valid credentials), rate limited per principal.

    Without credentials, GET/HEAD requests get the anonymous reader when ``ALLOW_ANONYMOUS_READ``
    is set (it sees published records only).
    """
    principal = _authenticate(session, request)
    if principal is None:
        if not (get_settings().allow_anonymous_read and request.method in _SAFE_METHODS):
            raise Unauthorized()
        principal = ANONYMOUS
    principal = principal.with_request(_request_id(request))
    _rate_limit(request, _client_key(request) if principal.is_anonymous else principal.rate_key)
    return principal


PrincipalDep = Annotated[Principal, Depends(require_principal)]


def require_role(*roles: str | Role) -> Callable[..., Principal]:
    """A dependency that lets only the given roles through (403 for the others)."""
    allowed = frozenset(str(r) for r in roles)

    def dependency(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(f"this needs one of the roles: {', '.join(sorted(allowed))}")
        return principal

    return dependency


def rate_limit_client(request: Request) -> None:
    """Rate limit unauthenticated endpoints (login) by client address."""
    _rate_limit(request, _client_key(request))
