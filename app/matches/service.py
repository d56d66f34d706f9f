"""Matching and search use cases: load the query record, rank with the engine, describe results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, null, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.catalog.service import normalise_industry
from app.cohorts.models import Cohort
from app.cohorts.service import get_cohort
from app.core.errors import IndexNotReady
from app.demands.models import Demand
from app.demands.service import get_demand
from app.matches import documents
from app.matches.index import Engines, MatchIndex
from app.matches.schemas import AdHocMatch, DemandMatchFilters, MatchFilters, MatchItem, MatchPage, SearchParams
from app.offers.models import CooperationOffer
from app.offers.service import get_offer
from app.programs.models import Program
from app.programs.service import get_program
from matching import Explanation, Filters, Match, MatchDoc, Matcher

_MODELS: dict[str, Any] = {"demand": Demand, "program": Program, "cohort": Cohort, "offer": CooperationOffer}


def _fresh(index: MatchIndex, session: Session) -> Engines:
    """The engines, brought up to date with every committed write."""
    if not index.ready:
        raise IndexNotReady("the match index is still being built; retry in a few seconds")
    # End the request's read transaction first: its connection goes back to the pool while the
    # request waits for the index lock and ranks (objects loaded so far stay usable: the session
    # does not expire them on commit), and the index syncs with a session of its own.
    session.commit()
    index.sync()
    engines = index.engines
    assert engines is not None
    return engines


def _region_prefix(code: str | None) -> str | None:
    if not code:
        return None
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _engine_filters(
    f: MatchFilters, *, kinds: tuple[str, ...] | None = None, exclude_org: int | None = None
) -> Filters:
    return Filters(
        kinds=kinds,
        region_prefix=_region_prefix(f.region_code),
        education_levels=(f.education_level.value,) if f.education_level else None,
        industry=normalise_industry(f.industry) if f.industry else None,
        min_score=f.min_score,
        exclude_organization_ids=frozenset({exclude_org}) if exclude_org is not None else frozenset(),
    )


def _rank(matcher: Matcher, query: MatchDoc, f: MatchFilters, filters: Filters) -> tuple[list[Match], int]:
    return matcher.rank(query, top_k=f.limit, offset=f.offset, filters=filters, as_of=date.today())


def matches_for_demand(
    session: Session, index: MatchIndex, demand_id: int, f: DemandMatchFilters, *, actor: Principal
) -> MatchPage:
    """Programs, cohorts and schools' cooperation offers ranked for a demand."""
    demand = get_demand(session, demand_id, actor=actor)
    engines = _fresh(index, session)
    kinds = (f.kind,) if f.kind else None
    matches, total = _rank(engines.supplies, documents.demand_doc(demand), f, _engine_filters(f, kinds=kinds))
    return _page(session, matches, total, f, headcount=demand.headcount)


def matches_for_program(
    session: Session, index: MatchIndex, program_id: int, f: MatchFilters, *, actor: Principal
) -> MatchPage:
    program = get_program(session, program_id, actor=actor)
    engines = _fresh(index, session)
    matches, total = _rank(engines.demands, documents.program_doc(program), f, _engine_filters(f))
    return _page(session, matches, total, f)


def matches_for_cohort(
    session: Session, index: MatchIndex, cohort_id: int, f: MatchFilters, *, actor: Principal
) -> MatchPage:
    cohort = get_cohort(session, cohort_id, actor=actor)
    program = session.get(Program, cohort.program_id)
    assert program is not None
    engines = _fresh(index, session)
    matches, total = _rank(engines.demands, documents.cohort_doc(cohort, program), f, _engine_filters(f))
    return _page(session, matches, total, f)


def matches_for_offer(
    session: Session, index: MatchIndex, offer_id: int, f: MatchFilters, *, actor: Principal
) -> MatchPage:
    """Offers of the other direction (an offer finds seekers and vice versa), other organizations only."""
    offer = get_offer(session, offer_id, actor=actor)
    engines = _fresh(index, session)
    other = "seek" if offer.direction == "offer" else "offer"
    filters = _engine_filters(f, exclude_org=offer.organization_id)
    matches, total = _rank(engines.offers[other], documents.offer_doc(offer), f, filters)
    return _page(session, matches, total, f)


def adhoc_match(session: Session, index: MatchIndex, body: AdHocMatch) -> MatchPage:
    """Match free text (plus optional structured fields) against one side."""
    engines = _fresh(index, session)
    f = body.filters
    query_kind = "program" if body.target == "demands" else "demand"
    query = MatchDoc(
        id=-1,
        kind=query_kind,
        title=body.title,
        text=body.text,
        skills=tuple(body.skills),
        majors=tuple(body.majors),
        education_level=body.education_level.value,
        region_code=body.region_code,
        industries=(normalise_industry(body.industry) or "",) if body.industry else (),
    )
    if body.target == "demands":
        matches, total = _rank(engines.demands, query, f, _engine_filters(f))
    elif body.target == "offers":
        matches, total = _merge_ranked(list(engines.offers.values()), query, f, _engine_filters(f))
    else:
        kind = body.target[:-1]
        matches, total = _rank(engines.supplies, query, f, _engine_filters(f, kinds=(kind,)))
    return _page(session, matches, total, f)


def _merge_ranked(
    matchers: Sequence[Matcher], query: MatchDoc, f: MatchFilters, filters: Filters
) -> tuple[list[Match], int]:
    """Rank in several engines and merge one page (best first, unscored last, ties by id)."""
    pool: list[Match] = []
    total = 0
    for matcher in matchers:
        part, n = matcher.rank(query, top_k=f.offset + f.limit, offset=0, filters=filters, as_of=date.today())
        pool.extend(part)
        total += n
    pool.sort(key=lambda m: (m.score is None, -(m.score or 0.0), m.id))
    return pool[f.offset : f.offset + f.limit], total


def search(session: Session, index: MatchIndex, params: SearchParams) -> MatchPage:
    """Typo-tolerant search over published records (titles, names, then keywords)."""
    engines = _fresh(index, session)
    kinds = [params.type] if params.type else list(documents.KIND_CODES)
    want = params.offset + params.limit
    today = date.today()
    prefix = _region_prefix(params.region_code)
    hits = []
    for kind in kinds:
        live = engines.search[kind]
        docs = live.docs
        for hit in live.search(params.q, top_k=want * 3 + 20):
            doc = docs.get(hit.id)
            if doc is None or not doc.is_active(today):
                continue
            if prefix and not (doc.region_code or "").startswith(prefix):
                continue
            hits.append((hit.score, hit.id))
    hits.sort(key=lambda h: (-h[0], h[1]))
    page = [Match(id=uid, kind=documents.split_uid(uid)[0], score=score) for score, uid in hits[params.offset : want]]
    return _page(session, page, len(hits), params)


def _page(session: Session, matches: list[Match], total: int, f: Any, *, headcount: int | None = None) -> MatchPage:
    rows = _load_rows(session, matches)
    items = []
    for m in matches:
        kind, row_id = documents.split_uid(m.id)
        row = rows.get((kind, row_id))
        if row is None:  # deleted between ranking and loading
            total -= 1
            continue
        items.append(_item(kind, row, m, headcount))
    return MatchPage(items=items, total=max(total, len(items)), limit=f.limit, offset=f.offset)


@dataclass(frozen=True)
class _Row:
    """The few columns a match result shows (not the whole record: descriptions and lists stay in the database)."""

    id: int
    title: str
    external_id: str | None
    organization_id: int | None
    available: int = 0  # cohorts: graduates still available


def _columns(kind: str) -> Select[Any]:
    if kind == "cohort":
        return select(
            Cohort.id,
            Program.name,
            Cohort.graduation_year,
            Program.external_id,
            Cohort.organization_id,
            Cohort.available,
        ).join(Program, Program.id == Cohort.program_id)
    if kind == "program":
        return select(Program.id, Program.name, Program.external_id, Program.organization_id)
    if kind == "demand":
        return select(Demand.id, Demand.title, Demand.external_id, Demand.organization_id)
    return select(CooperationOffer.id, CooperationOffer.title, null(), CooperationOffer.organization_id)


def _load_rows(session: Session, matches: list[Match]) -> dict[tuple[str, int], _Row]:
    wanted: dict[str, list[int]] = {}
    for m in matches:
        kind, row_id = documents.split_uid(m.id)
        wanted.setdefault(kind, []).append(row_id)
    rows: dict[tuple[str, int], _Row] = {}
    for kind, ids in wanted.items():
        model = _MODELS[kind]
        if kind == "cohort":
            for cid, name, year, external_id, org_id, available in session.execute(
                _columns(kind).where(Cohort.id.in_(ids))
            ):
                rows[(kind, cid)] = _Row(cid, f"{name}（{year}届）", external_id, org_id, available)
        else:
            for rid, title, external_id, org_id in session.execute(_columns(kind).where(model.id.in_(ids))):
                rows[(kind, rid)] = _Row(rid, title, external_id, org_id)
    return rows


def _explanation(e: Explanation) -> dict[str, Any]:
    """Plain JSON of an explanation (hand-written: ``dataclasses.asdict`` is slow on the hot path)."""
    return {
        "matched_terms": [{"term": t.term, "contribution": t.contribution} for t in e.matched_terms],
        "expanded_terms": [{"term": t.term, "contribution": t.contribution} for t in e.expanded_terms],
        "fuzzy_pairs": [
            {"field": p.field, "query": p.query, "candidate": p.candidate, "score": p.score} for p in e.fuzzy_pairs
        ],
        "synonyms": list(e.synonyms),
        "factors": [{"name": f.name, "value": f.value, "weight": f.weight, "note": f.note} for f in e.factors],
        "missing_skills": list(e.missing_skills),
    }


def _item(kind: str, row: _Row, m: Match, headcount: int | None) -> MatchItem:
    fillable = None
    if kind == "cohort" and headcount is not None:
        fillable = min(row.available, headcount)
    return MatchItem(
        kind=kind,  # type: ignore[arg-type]
        id=row.id,
        external_id=row.external_id,
        title=row.title,
        organization_id=row.organization_id,
        score=m.score,
        insufficient_data=m.insufficient_data,
        explanation=_explanation(m.explanation),
        fillable=fillable,
    )
