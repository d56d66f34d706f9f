"""User accounts: creation, password login with lockout, refresh-token rotation, bootstrap."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.service import record_audit
from app.auth import security
from app.auth.models import RefreshToken, User
from app.auth.principal import ORG_ROLES, Principal, Role
from app.auth.schemas import TokenResponse, UserCreate
from app.core.config import get_settings
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from app.core.records import commit
from app.organizations.models import Organization

DEMO_ADMIN_EMAIL = "admin@talentmatch.local"
_BAD_LOGIN = "Incorrect username or password"


def _now() -> datetime:
    return datetime.now(UTC)


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip().lower())).first()


def principal_for_user(user: User, *, kind: str = "user") -> Principal:
    return Principal(kind=kind, id=user.id, organization_id=user.organization_id, role=user.role,  # type: ignore[arg-type]
                     name=user.email)


# --- organization users ------------------------------------------------------------------------


def create_user(session: Session, actor: Principal, organization_id: int, body: UserCreate) -> User:
    """Create a user of an organization (platform admin, or that organization's admin)."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound(f"organization {organization_id} does not exist")
    if not actor.can_manage(organization_id):
        raise Forbidden("only a platform admin or this organization's admin may manage its users")
    role = Role(body.role)
    if role == Role.platform_admin:
        raise Forbidden("platform admins are created with scripts/create_admin.py")
    if role == Role.planner and not actor.is_platform_admin:
        raise Forbidden("only a platform admin may create planners")
    if role not in ORG_ROLES | {Role.planner}:
        raise InvalidInput.field("role", f"role {role} cannot be given to an organization's user")
    if find_user_by_email(session, body.email) is not None:
        raise Conflict("a user with this e-mail address already exists")
    security.check_password_policy(body.password, email=body.email)
    user = User(email=body.email, full_name=body.full_name, role=role.value, organization_id=organization_id,
                password_hash=security.hash_secret(body.password), is_active=True, failed_logins=0)
    session.add(user)
    session.flush()
    record_audit(session, actor, "user.create", "user", user.id,
                 {"email": user.email, "role": user.role, "full_name": user.full_name},
                 organization_id=organization_id)
    commit(session, "this user (is the e-mail address already registered?)")
    return user


def list_users(session: Session, actor: Principal, organization_id: int) -> Sequence[User]:
    if not actor.can_manage(organization_id):
        raise Forbidden("only a platform admin or this organization's admin may list its users")
    return session.scalars(select(User).where(User.organization_id == organization_id).order_by(User.id)).all()


def deactivate_user(session: Session, actor: Principal, organization_id: int, user_id: int) -> None:
    """Disable sign-in and revoke the user's refresh tokens (the row stays, for the audit trail)."""
    if not actor.can_manage(organization_id):
        raise Forbidden("only a platform admin or this organization's admin may manage its users")
    user = session.get(User, user_id)
    if user is None or user.organization_id != organization_id:
        raise NotFound(f"user {user_id} does not exist in organization {organization_id}")
    if user.is_active:
        user.is_active = False
        _revoke_all_refresh_tokens(session, user.id)
        record_audit(session, actor, "user.deactivate", "user", user.id, {"is_active": [True, False]},
                     organization_id=organization_id)
        commit(session, "this user")


# --- login and tokens --------------------------------------------------------------------------


def _issue_tokens(session: Session, user: User) -> TokenResponse:
    access, expires_in = security.create_access_token(user.id, role=user.role, organization_id=user.organization_id)
    refresh = security.new_refresh_token()
    ttl = get_settings().refresh_token_ttl_seconds
    session.add(RefreshToken(user_id=user.id, token_hash=security.refresh_token_digest(refresh),
                             expires_at=_now() + timedelta(seconds=ttl)))
    return TokenResponse(access_token=access, expires_in=expires_in, refresh_token=refresh)


def login(session: Session, username: str, password: str, *, request_id: str | None = None) -> TokenResponse:
    """OAuth2 password grant. Failures are audited and count towards a temporary lockout."""
    settings = get_settings()
    email = username.strip().lower()
    user = find_user_by_email(session, email)
    now = _now()
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    usable = user is not None and user.is_active and not locked
    ok = security.verify_secret(user.password_hash if usable and user else None, password)
    if not ok or user is None:
        reason = "locked" if locked else "inactive" if user is not None and not user.is_active else "bad_credentials"
        changes: dict[str, object] = {"username": email[:254], "reason": reason}
        if user is not None and not locked:
            user.failed_logins += 1
            if user.failed_logins >= settings.login_max_failures:
                user.locked_until = now + timedelta(seconds=settings.login_lockout_seconds)
                user.failed_logins = 0
                changes["locked_until"] = user.locked_until
        anonymous = Principal(kind="anonymous", id=None, organization_id=None, role="anonymous", name=email[:254])
        record_audit(session, anonymous, "auth.login_failed", "user", user.id if user else None, changes,
                     request_id, organization_id=user.organization_id if user else None)
        session.commit()
        raise Unauthorized(_BAD_LOGIN)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if user.password_hash and security.password_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = security.hash_secret(password)
    tokens = _issue_tokens(session, user)
    record_audit(session, principal_for_user(user), "auth.login", "user", user.id, {}, request_id)
    session.commit()
    return tokens


def refresh(session: Session, refresh_token: str) -> TokenResponse:
    """Exchange a refresh token for new tokens; the old one is revoked (rotation).

    Presenting an already revoked token revokes every refresh token of its user (likely theft).
    """
    row = session.scalars(
        select(RefreshToken).where(RefreshToken.token_hash == security.refresh_token_digest(refresh_token))
    ).first()
    if row is None:
        raise Unauthorized("invalid refresh token")
    if row.revoked_at is not None:
        _revoke_all_refresh_tokens(session, row.user_id)
        session.commit()
        raise Unauthorized("invalid refresh token")
    user = session.get(User, row.user_id)
    if row.expires_at <= _now() or user is None or not user.is_active:
        raise Unauthorized("invalid refresh token")
    row.revoked_at = _now()
    tokens = _issue_tokens(session, user)
    session.commit()
    return tokens


def logout(session: Session, refresh_token: str) -> None:
    """Revoke one refresh token (access tokens expire on their own)."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == security.refresh_token_digest(refresh_token), RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    session.commit()


def _revoke_all_refresh_tokens(session: Session, user_id: int) -> None:
    session.execute(
        update(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


def authenticate_access_token(session: Session, token: str) -> Principal:
    """A principal for one of our access tokens; the account must still exist and be active."""
    import jwt

    try:
        claims = security.decode_access_token(token)
        user_id = int(claims["sub"])
    except (jwt.InvalidTokenError, KeyError, ValueError):
        raise Unauthorized("invalid or expired access token") from None
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthorized("invalid or expired access token")
    return principal_for_user(user)


# --- bootstrap (scripts: these flush only; the script's transaction commits) ---------------------


def create_or_reset_admin(session: Session, email: str, password: str) -> tuple[User, bool]:
    """Create a platform admin, or reset an existing account to platform admin with this password."""
    from app.auth.schemas import _email

    try:
        email = _email(email)
    except ValueError as exc:
        raise InvalidInput.field("email", str(exc)) from None
    security.check_password_policy(password, email=email)
    user = find_user_by_email(session, email)
    created = user is None
    if user is None:
        user = User(email=email, full_name="Platform admin")
        session.add(user)
    user.role = Role.platform_admin.value
    user.organization_id = None
    user.is_active = True
    user.failed_logins = 0
    user.locked_until = None
    user.password_hash = security.hash_secret(password)
    session.flush()
    record_audit(session, None, "user.create" if created else "user.reset_password", "user", user.id,
                 {"email": email, "role": user.role})
    return user, created


def ensure_demo_admin(session: Session, *, email: str = DEMO_ADMIN_EMAIL) -> tuple[str, str]:
    """Create (or reset) the demo platform admin with a fresh random password; return ``(email, password)``.

    There is no default password: each call generates a new one. Refused in production.
    """
    if get_settings().environment == "production":
        raise RuntimeError("the demo admin is not created in production; use scripts/create_admin.py")
    password = security.generate_password()
    create_or_reset_admin(session, email, password)
    return email, password
