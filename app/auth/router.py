"""Login, tokens, and each organization's users and API keys."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request, Response, status

from app.api.deps import SessionDep
from app.auth import keys, service
from app.auth.deps import PrincipalDep, rate_limit_client
from app.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    MeRead,
    RefreshRequest,
    TokenResponse,
    UserCreate,
    UserRead,
)
from app.core.errors import InvalidInput

auth_router = APIRouter(prefix="/auth", tags=["auth"])
org_identity_router = APIRouter(prefix="/organizations", tags=["organization users and API keys"])

OrgId = Annotated[int, Path(ge=1)]


@auth_router.post(
    "/token", response_model=TokenResponse, dependencies=[Depends(rate_limit_client)],
    summary="Log in (OAuth2 password grant) or refresh (grant_type=refresh_token)",
    description="Form fields `username` (e-mail) and `password`. Repeated failures lock the account for a while. "
    "With `grant_type=refresh_token` and `refresh_token`, exchanges a refresh token instead.",
)
def token(
    request: Request,
    session: SessionDep,
    grant_type: Annotated[str | None, Form(pattern="^(password|refresh_token)$")] = None,
    username: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024, json_schema_extra={"format": "password"})] = "",
    refresh_token: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[str, Form()] = "",
) -> Any:
    if grant_type == "refresh_token":
        if not refresh_token:
            raise InvalidInput.field("refresh_token", "is required for grant_type=refresh_token")
        return service.refresh(session, refresh_token)
    if not username or not password:
        raise InvalidInput.field("username", "username and password are required")
    return service.login(session, username, password, request_id=getattr(request.state, "request_id", None))


@auth_router.post("/refresh", response_model=TokenResponse, dependencies=[Depends(rate_limit_client)],
                  summary="Exchange a refresh token for new tokens (the old one stops working)")
def refresh(body: RefreshRequest, session: SessionDep) -> Any:
    return service.refresh(session, body.refresh_token)


@auth_router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a refresh token")
def logout(body: RefreshRequest, session: SessionDep) -> Response:
    service.logout(session, body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@auth_router.get("/me", response_model=MeRead, summary="Who am I (the authenticated principal)")
def me(principal: PrincipalDep) -> Any:
    return MeRead(kind=principal.kind, id=principal.id, organization_id=principal.organization_id,
                  role=principal.role, name=principal.name)


@org_identity_router.post("/{organization_id}/users", response_model=UserRead, status_code=status.HTTP_201_CREATED,
                          summary="Create a user of this organization (platform admin or the organization's admin)")
def create_user(organization_id: OrgId, body: UserCreate, session: SessionDep, principal: PrincipalDep) -> Any:
    return service.create_user(session, principal, organization_id, body)


@org_identity_router.get("/{organization_id}/users", response_model=list[UserRead],
                         summary="The organization's users")
def list_users(organization_id: OrgId, session: SessionDep, principal: PrincipalDep) -> Any:
    return service.list_users(session, principal, organization_id)


@org_identity_router.delete("/{organization_id}/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT,
                            summary="Deactivate a user (sign-in refused, refresh tokens revoked)")
def deactivate_user(
    organization_id: OrgId, user_id: Annotated[int, Path(ge=1)], session: SessionDep, principal: PrincipalDep
) -> Response:
    service.deactivate_user(session, principal, organization_id, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@org_identity_router.post(
    "/{organization_id}/api-keys", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED,
    summary="Create an API key (the key is shown once, in this response)",
)
def create_api_key(organization_id: OrgId, body: ApiKeyCreate, session: SessionDep, principal: PrincipalDep) -> Any:
    return keys.create_api_key(session, principal, organization_id, body)


@org_identity_router.get("/{organization_id}/api-keys", response_model=list[ApiKeyRead],
                         summary="The organization's API keys (never the secrets)")
def list_api_keys(organization_id: OrgId, session: SessionDep, principal: PrincipalDep) -> Any:
    return keys.list_api_keys(session, principal, organization_id)


@org_identity_router.delete("/{organization_id}/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT,
                            summary="Revoke an API key")
def revoke_api_key(
    organization_id: OrgId, key_id: Annotated[int, Path(ge=1)], session: SessionDep, principal: PrincipalDep
) -> Response:
    keys.revoke_api_key(session, principal, organization_id, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
