"""The matching engine as the demand→major fallback (source ``matched``).

For a demand without usable wanted majors, rank programs with the live match index and
take the majors of the best-scoring ones (at most ``top_k`` distinct catalog majors with a
score of at least ``min_score``), headcount split evenly. Used when ``app.state.match_index``
is ready; otherwise the keyword classifier applies (see :mod:`app.analytics.mapping`).
Mappings are stored, so later index changes reach a demand when it changes or on a rebuild.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.analytics.mapping import DemandLike, DemandMapping, MajorLink, MajorMatcher
from app.catalog.service import majors_by_code
from app.demands.models import Demand
from app.matches import documents
from app.programs.models import Program
from matching import Filters

TOP_K = 3
MIN_SCORE = 0.3


def engine_matcher(session: Session, index: Any, *, top_k: int = TOP_K, min_score: float = MIN_SCORE) -> MajorMatcher | None:
    """A :data:`MajorMatcher` over ``index`` (a ready ``MatchIndex``), or None."""
    if index is None or not getattr(index, "ready", False):
        return None
    state: dict[str, Any] = {"synced": False}
    major_of: dict[int, str | None] = {}

    def match(demand: DemandLike) -> DemandMapping | None:
        if not isinstance(demand, Demand):
            return None
        if not state["synced"]:
            index.sync(session)  # bring the engine up to date with committed writes, once per use
            state["synced"] = True
        engines = index.engines
        if engines is None:
            return None
        # The score cut is applied here on the blended score the API reports (the engine's own
        # min_score filter did not agree with it in every setup).
        matches, _ = engines.supplies.rank(documents.demand_doc(demand), top_k=top_k * 3,
                                           filters=Filters(kinds=("program",)), as_of=date.today(), explain=False)
        program_ids = [documents.split_uid(m.id)[1] for m in matches if m.score is not None and m.score >= min_score]
        unknown = [pid for pid in program_ids if pid not in major_of]
        if unknown:
            rows = session.execute(select(Program.id, Program.major_code).where(Program.id.in_(unknown)))
            major_of.update({pid: code for pid, code in rows})
        codes = [major_of.get(pid) for pid in program_ids]
        chosen = list(dict.fromkeys(c for c in codes if c and c in majors_by_code()))[:top_k]
        if not chosen:
            return None
        links = tuple(MajorLink(code, code[:4], 1.0 / len(chosen)) for code in chosen)
        return DemandMapping("matched", links, f"majors of the best-matching programs (score >= {min_score:g})")

    return match
