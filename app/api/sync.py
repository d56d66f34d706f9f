"""Route factory for the HR-system sync surface: idempotent PUT by external id, and bulk import."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from app.api.crud import redact
from app.api.deps import SessionDep, SettingsDep
from app.auth.deps import PrincipalDep
from app.bulk.parsing import SUPPORTED, parse_rows
from app.bulk.service import BulkResult, bulk_upsert
from app.core.errors import InvalidInput, pydantic_errors
from app.core.fields import ExternalId
from app.core.records import RecordSpec

ExternalIdPath = Annotated[str, Path(min_length=1, max_length=100, description="The record's id in your system")]

_EXTERNAL_ID = TypeAdapter(ExternalId)


def _path_external_id(value: str) -> str:
    """The path's external id, cleaned and checked like ``external_id`` in a body (no blank ids)."""
    try:
        return _EXTERNAL_ID.validate_python(value)
    except ValidationError as exc:
        errors = [{**e, "field": "external_id"} for e in pydantic_errors(exc.errors(), default_location="path")]
        raise InvalidInput(f"external_id: {errors[0]['message']}", errors=errors) from None


_BULK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


def add_sync_routes(
    router: APIRouter,
    *,
    name: str,
    spec: RecordSpec,
    upsert_schema: type[BaseModel],
    read_schema: type[BaseModel],
    upsert: Callable[..., tuple[Any, str]],
) -> None:
    """Register ``PUT /external/{external_id}`` and ``POST /bulk``."""

    @router.put(
        "/external/{external_id}",
        response_model=read_schema,
        summary=f"Create or replace a {name} by your external id (idempotent)",
        responses={201: {"description": "Created"}, 200: {"description": "Replaced or unchanged"}},
    )
    def put_external(
        external_id: ExternalIdPath,
        body: upsert_schema,  # type: ignore[valid-type]
        session: SessionDep,
        response: Response,
        principal: PrincipalDep,
    ) -> Any:
        obj, outcome = upsert(session, _path_external_id(external_id), body, actor=principal)
        response.status_code = status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK
        response.headers["X-Upsert-Outcome"] = outcome
        return redact(read_schema.model_validate(obj), principal)

    @router.post(
        "/bulk",
        response_model=BulkResult,
        summary=f"Bulk import {name}s (JSON array, JSON Lines or CSV); all or nothing",
        description=(
            f"Upserts up to the configured maximum of records by (organization_id, external_id) in one "
            f"transaction. Content types: {', '.join(SUPPORTED)}. In CSV, list fields separate items with ';'. "
            "One bad row rejects the whole batch with 422 listing every bad row. The owner is the caller's "
            "organization; rows naming another organization reject the batch with 403."
        ),
        openapi_extra=_BULK_BODY,
    )
    async def bulk(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        principal: PrincipalDep,
        organization_id: Annotated[int | None, Query(ge=1, description="Owner for rows that do not name one")] = None,
    ) -> Any:
        body = await request.body()
        rows = await run_in_threadpool(
            parse_rows, body, request.headers.get("content-type"), max_records=settings.bulk_max_records
        )
        # Parsing and the database work are CPU/IO-bound: keep them off the event loop.
        return await run_in_threadpool(
            bulk_upsert, session, spec, upsert_schema, rows, default_organization_id=organization_id, actor=principal
        )
