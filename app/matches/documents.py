"""Turn database rows into :class:`matching.MatchDoc` values (the only ORM → engine adapter).

Records of several tables share one engine index, so each gets a composite id:
``uid = row_id * 8 + kind code``. :func:`split_uid` reverses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cohorts.models import Cohort
from app.demands.models import Demand
from app.offers.models import CooperationOffer
from app.organizations.models import Organization
from app.programs.models import Program
from matching import MatchDoc

KIND_CODES = {"demand": 0, "program": 1, "cohort": 2, "offer": 3}
CODE_KINDS = {v: k for k, v in KIND_CODES.items()}
_STREAM_CHUNK = 2000


def make_uid(kind: str, row_id: int) -> int:
    return row_id * 8 + KIND_CODES[kind]


def split_uid(uid: int) -> tuple[str, int]:
    return CODE_KINDS[uid % 8], uid // 8


def _tuple(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(v for v in (values or ()) if v)


def _region(code: str | None) -> str | None:
    return code if code and len(code) == 6 and code.isdigit() else None


def demand_doc(d: Demand) -> MatchDoc:
    return MatchDoc(
        id=make_uid("demand", d.id),
        kind="demand",
        title=d.title,
        text=d.description or "",
        skills=_tuple(d.skills),
        majors=_tuple(d.majors),
        education_level=d.education_level,
        region_code=_region(d.region_code),
        industries=_tuple([d.industry] if d.industry else []),
        status=d.status,
        valid_from=d.valid_from,
        valid_until=d.valid_until,
        organization_id=d.organization_id,
    )


def _program_text(p: Program) -> str:
    parts = [p.description or ""]
    if p.courses:
        parts.append("课程：" + "、".join(p.courses))
    return " ".join(x for x in parts if x)


def program_doc(p: Program) -> MatchDoc:
    return MatchDoc(
        id=make_uid("program", p.id),
        kind="program",
        title=p.name,
        text=_program_text(p),
        skills=_tuple([*(p.skills or []), *(p.certificates or [])]),
        majors=_tuple([p.name, p.major_code or ""]),
        education_level=p.education_level,
        region_code=_region(p.region_code),
        industries=_tuple(p.industries),
        status=p.status,
        organization_id=p.organization_id,
    )


def cohort_doc(c: Cohort, p: Program) -> MatchDoc:
    """A cohort reads as its program plus the year and its extra skills; none left = never matches."""
    status = p.status if c.available > 0 else "filled"
    return MatchDoc(
        id=make_uid("cohort", c.id),
        kind="cohort",
        title=f"{p.name}（{c.graduation_year}届）",
        text=_program_text(p),
        skills=_tuple([*(p.skills or []), *(c.skills or []), *(p.certificates or [])]),
        majors=_tuple([p.name, p.major_code or ""]),
        education_level=p.education_level,
        region_code=_region(c.region_code or p.region_code),
        industries=_tuple(p.industries),
        status=status,
        organization_id=c.organization_id,
    )


def offer_doc(o: CooperationOffer) -> MatchDoc:
    return MatchDoc(
        id=make_uid("offer", o.id),
        kind="offer",
        title=o.title,
        text=o.description or "",
        skills=_tuple(o.skills),
        region_code=_region(o.region_code),
        status=o.status,
        valid_from=o.valid_from,
        valid_until=o.valid_until,
        organization_id=o.organization_id,
        extra=(("direction", o.direction), ("cooperation_kind", o.kind)),
    )


def offer_direction(doc: MatchDoc) -> str:
    return dict(doc.extra).get("direction", "offer")


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _STREAM_CHUNK):
        yield ids[start : start + _STREAM_CHUNK]


def load_docs(session: Session, kind: str, ids: list[int] | None = None) -> Iterator[MatchDoc]:
    """Stream documents of one kind (all rows, or only ``ids``); missing ids are skipped."""
    if ids is not None and not ids:
        return
    batches: Iterable[list[int] | None] = _chunks(sorted(ids)) if ids is not None else [None]
    for batch in batches:
        yield from _load_batch(session, kind, batch)


def _load_batch(session: Session, kind: str, ids: list[int] | None) -> Iterator[MatchDoc]:
    stmt: Any
    if kind == "demand":
        stmt = select(Demand).order_by(Demand.id)
        if ids is not None:
            stmt = stmt.where(Demand.id.in_(ids))
        for d in session.scalars(stmt.execution_options(yield_per=_STREAM_CHUNK)):
            yield demand_doc(d)
    elif kind == "program":
        stmt = select(Program).order_by(Program.id)
        if ids is not None:
            stmt = stmt.where(Program.id.in_(ids))
        for p in session.scalars(stmt.execution_options(yield_per=_STREAM_CHUNK)):
            yield program_doc(p)
    elif kind == "cohort":
        stmt = select(Cohort, Program).join(Program, Program.id == Cohort.program_id).order_by(Cohort.id)
        if ids is not None:
            stmt = stmt.where(Cohort.id.in_(ids))
        for c, p in session.execute(stmt.execution_options(yield_per=_STREAM_CHUNK)):
            yield cohort_doc(c, p)
    elif kind == "offer":
        stmt = select(CooperationOffer).order_by(CooperationOffer.id)
        if ids is not None:
            stmt = stmt.where(CooperationOffer.id.in_(ids))
        for o in session.scalars(stmt.execution_options(yield_per=_STREAM_CHUNK)):
            yield offer_doc(o)
    else:
        raise ValueError(kind)


def school_organization_ids(session: Session) -> set[int]:
    """Organizations whose cooperation offers count as supply (schools)."""
    return set(session.scalars(select(Organization.id).where(Organization.kind == "school")))


def cohort_ids_of_programs(session: Session, program_ids: list[int]) -> list[int]:
    out: list[int] = []
    for batch in _chunks(sorted(program_ids)):
        out.extend(session.scalars(select(Cohort.id).where(Cohort.program_id.in_(batch))))
    return out
