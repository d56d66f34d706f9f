"""Which subscriptions a changed record concerns, and the matches it makes for them.

Pure decisions over the live engines (no database writes): the evaluator feeds each changed
record through :func:`candidate_events` and turns the result into outbox rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.matches import documents
from app.matches.index import Engines
from app.webhooks.models import WebhookSubscription
from matching import Filters, MatchDoc, Matcher

SUPPLY_KINDS = frozenset({"program", "cohort", "offer"})


@dataclass(frozen=True)
class Candidate:
    """One event to queue: ``record`` (the subscriber's side) matched ``matched`` at ``score``."""

    subscription: WebhookSubscription
    event_type: str  # "match" or "saved_search"
    record_uid: int
    matched_uid: int | None
    score: float


def in_scope(sub: WebhookSubscription, doc: MatchDoc) -> bool:
    """Is ``doc`` one of the records a ``matches`` subscription watches?"""
    if sub.kind != "matches":
        return False
    kind, row_id = documents.split_uid(doc.id)
    if sub.scope == "records":
        return f"{kind}:{row_id}" in (sub.record_refs or [])
    if doc.organization_id != sub.organization_id:
        return False
    return (sub.scope == "demands" and kind == "demand") or (sub.scope == "supplies" and kind in SUPPLY_KINDS)


def perspective(engines: Engines, doc: MatchDoc) -> list[tuple[Matcher, Filters]]:
    """The engines that rank matches *for* ``doc``, as its match endpoint does."""
    kind = documents.split_uid(doc.id)[0]
    if kind == "demand":
        return [(engines.supplies, Filters())]
    if kind in ("program", "cohort"):
        return [(engines.demands, Filters())]
    other = "seek" if documents.offer_direction(doc) == "offer" else "offer"
    return [(engines.offers[other], Filters(exclude_organization_ids=frozenset({doc.organization_id or -1})))]


def counterparts(engines: Engines, doc: MatchDoc) -> list[tuple[Matcher, Filters]]:
    """The engines holding records for whom ``doc`` may be a match."""
    ranked = perspective(engines, doc)
    kind = documents.split_uid(doc.id)[0]
    if kind == "offer" and doc.organization_id in engines.school_ids and documents.offer_direction(doc) == "offer":
        ranked.append((engines.demands, Filters()))  # a school's offer is supply for demands too
    return ranked


class Ranker:
    """Ranks with the engines, caching each record's ranking for one evaluation round."""

    def __init__(self, engines: Engines, *, depth: int) -> None:
        self.engines = engines
        self.depth = depth
        self.today = date.today()
        self._cache: dict[int, dict[int, float]] = {}

    def doc(self, uid: int) -> MatchDoc | None:
        kind = documents.split_uid(uid)[0]
        doc = self.engines.search[kind].docs.get(uid)
        return doc if doc is not None and doc.is_active(self.today) else None

    def _rank(self, doc: MatchDoc, engines: list[tuple[Matcher, Filters]]) -> dict[int, float]:
        scores: dict[int, float] = {}
        for matcher, filters in engines:
            matches, _ = matcher.rank(doc, top_k=self.depth, filters=filters, as_of=self.today, explain=False)
            for m in matches:
                if m.score is not None:
                    scores[m.id] = max(scores.get(m.id, 0.0), round(m.score, 4))
        return scores

    def matches_for(self, doc: MatchDoc) -> dict[int, float]:
        """``{matched uid: score}`` as the record's own match endpoint would rank them."""
        if doc.id not in self._cache:
            self._cache[doc.id] = self._rank(doc, perspective(self.engines, doc))
        return self._cache[doc.id]

    def appears_for(self, doc: MatchDoc) -> dict[int, float]:
        """Records for whom ``doc`` may be a match, with the score seen from ``doc``'s side."""
        return self._rank(doc, counterparts(self.engines, doc))


def candidate_events(ranker: Ranker, doc: MatchDoc, subs: list[WebhookSubscription]) -> list[Candidate]:
    """Every (subscription, record, matched record, score) the change of ``doc`` may announce."""
    out: list[Candidate] = []
    matching = [s for s in subs if s.kind == "matches"]
    # 1. The changed record is watched: its own matches.
    for sub in (s for s in matching if in_scope(s, doc)):
        for uid, score in ranker.matches_for(doc).items():
            if score >= sub.min_score:
                out.append(Candidate(sub, "match", doc.id, uid, score))
    # 2. The changed record is a (new or better) match of watched records.
    watchers = matching
    if watchers:
        for uid in ranker.appears_for(doc):
            other = ranker.doc(uid)
            if other is None:
                continue
            subs_for_other = [s for s in watchers if in_scope(s, other)]
            if not subs_for_other:
                continue
            seen = ranker.matches_for(other).get(doc.id)
            if seen is None:
                continue
            out.extend(Candidate(s, "match", other.id, doc.id, seen) for s in subs_for_other if seen >= s.min_score)
    # 3. Saved searches that find the changed record.
    kind = documents.split_uid(doc.id)[0]
    for sub in (s for s in subs if s.kind == "saved_search"):
        query = sub.query or {}
        if query.get("type") not in (None, kind):
            continue
        region = query.get("region_code")
        if region and not (doc.region_code or "").startswith(_region_prefix(region)):
            continue
        for hit in ranker.engines.search[kind].search(str(query.get("q", "")), top_k=ranker.depth):
            if hit.id == doc.id and hit.score >= sub.min_score:
                out.append(Candidate(sub, "saved_search", doc.id, None, round(hit.score, 4)))
    return out


def _region_prefix(code: str) -> str:
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code
