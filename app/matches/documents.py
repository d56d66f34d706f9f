"""Turn database rows into :class:`matching.MatchDoc` values (the only ORM → engine adapter).

Records of several tables share one engine index, so each gets a composite id:
``uid = row_id * 8 + kind code``. :func:`split_uid` reverses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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


# The columns each document is built from: plain rows (no ORM identity map or change tracking)
# load about 2.5x faster than whole entities when the index is built. Rows expose columns as
# attributes, so the ``*_doc`` builders take them as they take entities.
_DEMAND_COLUMNS = (
    Demand.id,
    Demand.title,
    Demand.description,
    Demand.skills,
    Demand.majors,
    Demand.education_level,
    Demand.region_code,
    Demand.industry,
    Demand.status,
    Demand.valid_from,
    Demand.valid_until,
    Demand.organization_id,
)
_PROGRAM_COLUMNS = (
    Program.id,
    Program.name,
    Program.description,
    Program.courses,
    Program.skills,
    Program.certificates,
    Program.major_code,
    Program.education_level,
    Program.region_code,
    Program.industries,
    Program.status,
    Program.organization_id,
)
_COHORT_COLUMNS = (
    Cohort.id,
    Cohort.graduation_year,
    Cohort.available,
    Cohort.skills,
    Cohort.region_code,
    Cohort.organization_id,
)
_OFFER_COLUMNS = (
    CooperationOffer.id,
    CooperationOffer.title,
    CooperationOffer.description,
    CooperationOffer.skills,
    CooperationOffer.region_code,
    CooperationOffer.status,
    CooperationOffer.valid_from,
    CooperationOffer.valid_until,
    CooperationOffer.organization_id,
    CooperationOffer.direction,
    CooperationOffer.kind,
)


@dataclass(frozen=True, slots=True)
class _CohortRow:
    id: int
    graduation_year: int
    available: int
    skills: list[str] | None
    region_code: str | None
    organization_id: int


@dataclass(frozen=True, slots=True)
class _ProgramRow:
    name: str
    description: str | None
    courses: list[str] | None
    skills: list[str] | None
    certificates: list[str] | None
    major_code: str | None
    education_level: str
    region_code: str | None
    industries: list[str] | None
    status: str


def _load_batch(session: Session, kind: str, ids: list[int] | None) -> Iterator[MatchDoc]:
    if kind not in _LOADERS:
        raise ValueError(kind)
    model, columns, build = _LOADERS[kind]
    stmt = select(*columns)
    if kind == "cohort":
        stmt = stmt.add_columns(*_PROGRAM_COLUMNS[1:-1]).join(Program, Program.id == Cohort.program_id)
    stmt = stmt.order_by(model.id)
    if ids is not None:
        stmt = stmt.where(model.id.in_(ids))
    for row in session.execute(stmt.execution_options(yield_per=_STREAM_CHUNK)):
        yield build(row)


def _cohort_from_row(row: Any) -> MatchDoc:
    n = len(_COHORT_COLUMNS)
    return cohort_doc(_CohortRow(*row[:n]), _ProgramRow(*row[n:]))  # type: ignore[arg-type]


_LOADERS: dict[str, tuple[Any, tuple[Any, ...], Callable[[Any], MatchDoc]]] = {
    "demand": (Demand, _DEMAND_COLUMNS, demand_doc),
    "program": (Program, _PROGRAM_COLUMNS, program_doc),
    "cohort": (Cohort, _COHORT_COLUMNS, _cohort_from_row),
    "offer": (CooperationOffer, _OFFER_COLUMNS, offer_doc),
}


def school_organization_ids(session: Session) -> set[int]:
    """Organizations whose cooperation offers count as supply (schools)."""
    return set(session.scalars(select(Organization.id).where(Organization.kind == "school")))


def cohort_ids_of_programs(session: Session, program_ids: list[int]) -> list[int]:
    out: list[int] = []
    for batch in _chunks(sorted(program_ids)):
        out.extend(session.scalars(select(Cohort.id).where(Cohort.program_id.in_(batch))))
    return out
