"""The live match index: engine state built from the database and kept in step with it.

One :class:`MatchIndex` per process, owned by the app (``app.state.match_index``). It is built
in a background thread at start-up; afterwards every match request (and a poller thread) applies
the rows added to ``change_log`` since the last sync, so each worker or replica converges on the
database's state without a full rebuild. Engine objects publish immutable snapshots, so readers
never wait for a writer and never see a half-applied change.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.changes.models import ChangeLogEntry
from app.core.config import get_settings
from app.matches import documents
from app.matches.embeddings import SqlEmbeddingStore
from app.matches.search_index import LiveTitleSearch
from app.matches.tokens import TokenStore, store_tokens
from matching import DocTokens, MatchDoc, Matcher, MatchParams

logger = logging.getLogger(__name__)

#: How long an id that was skipped in the change log (a transaction that had not committed yet)
#: is looked for again before it is taken to be a rollback.
GAP_SECONDS = 120.0


class BuildStopped(Exception):
    """The index is stopping (process shutdown): a build in progress gives up between steps."""


#: A batch of at least this many changed records that is also more than ``REFIT_FRACTION`` of the
#: indexed records is applied by refitting the engines instead of incrementally.
REFIT_MIN_CHANGES = 200
REFIT_FRACTION = 0.5
#: After incremental changes adding up to this share of the indexed records, refit in the background.
DRIFT_FRACTION = 0.3
#: A change-log entity that asks every process to rebuild its index from scratch.
REBUILD_ENTITY = "match_index"
_ENTITY_KINDS = {"demand": "demand", "program": "program", "cohort": "cohort", "cooperation_offer": "offer"}


@dataclass
class Engines:
    """Everything one index build produces; replaced whole by a rebuild."""

    supplies: Matcher  # programs, cohorts and schools' offers: ranked for a demand
    demands: Matcher  # demands: ranked for a program or cohort
    offers: dict[str, Matcher]  # cooperation offers by direction: ranked for an offer
    search: dict[str, LiveTitleSearch]  # typo-tolerant search per kind
    tokens: TokenStore  # the stored tokens of the analyzer these engines were fitted with
    school_ids: set[int] = field(default_factory=set)


class MatchIndex:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._write_lock = threading.Lock()
        self._engines: Engines | None = None
        self._last_id = 0
        self._gaps: dict[int, float] = {}
        #: When the last sync that completed began (``time.monotonic()``); -inf before the first.
        self._synced_from = float("-inf")
        self.built_at: datetime | None = None
        self.build_seconds: float | None = None
        self.synced_at: datetime | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self._rebuilding = threading.Event()
        self._built_docs: dict[str, int] = {}
        self._changed_since_build = 0
        self._threads: list[threading.Thread] = []
        self.semantic_warming = False
        self.semantic_warm_passes = 0
        self._embedding_store = SqlEmbeddingStore(session_factory)
        self._token_store: TokenStore | None = None

    @property
    def token_store(self) -> TokenStore:
        """The stored tokens of the engines of the last build (kept while the analyzer stays the same)."""
        if self._token_store is None:
            self._token_store = TokenStore(self._session_factory, new_matcher())
        return self._token_store

    def _store_for_build(self) -> TokenStore:
        """A build reads the settings afresh: another synonym file means another analyzer and keys."""
        analyzer = new_matcher()
        if self._token_store is None or self._token_store.fingerprint != analyzer.analysis_fingerprint():
            self._token_store = TokenStore(self._session_factory, analyzer)
        return self._token_store

    # ------------------------------------------------------------------ state
    @property
    def ready(self) -> bool:
        return self._engines is not None

    @property
    def engines(self) -> Engines | None:
        return self._engines

    def status(self) -> dict[str, object]:
        engines = self._engines
        return {
            "ready": engines is not None,
            "error": self.error,
            "documents": {k: len(s.docs) for k, s in engines.search.items()} if engines else {},
            "built_at": self.built_at.isoformat() if self.built_at else None,
            "build_seconds": self.build_seconds,
            "synced_at": self.synced_at.isoformat() if self.synced_at else None,
            "last_change_id": self._last_id,
            "semantic": self._semantic_status(engines),
        }

    def _semantic_status(self, engines: Engines | None) -> dict[str, object]:
        model = engines.supplies.semantic_ if engines else None
        return {
            "enabled": model is not None,
            "embedded": len(model) if model is not None else 0,
            "warming": self.semantic_warming,
            "warm_passes": self.semantic_warm_passes,
        }

    # ------------------------------------------------------------------ build
    def build(self) -> None:
        """Build new engines from the database, then swap them in whole."""
        started = time.perf_counter()
        with self._session_factory() as session:
            last_id = session.scalar(select(func.max(ChangeLogEntry.id))) or 0
            engines = _build_engines(session, self._store_for_build(), self._check_stop)
        self._check_stop()
        with self._write_lock:
            self._install(engines)
            self._last_id = last_id
            self._gaps.clear()
            self.build_seconds = round(time.perf_counter() - started, 3)
            self.error = None
        # Changes committed while we were building are applied now.
        with self._session_factory() as session:
            self.sync(session, since=last_id)
        logger.info("match index built in %.2f s", self.build_seconds)

    def _install(self, engines: Engines) -> None:
        """Swap in freshly fitted engines (caller holds the write lock)."""
        self._engines = engines
        self._built_docs = {kind: len(live.docs) for kind, live in engines.search.items()}
        self._changed_since_build = 0
        self.built_at = datetime.now(UTC)
        _settle_garbage_collector()

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise BuildStopped

    def start(self, *, poll_seconds: float, warm_semantic: bool = False) -> None:
        """Build in the background, then poll the change log every ``poll_seconds``.

        With ``warm_semantic`` a second thread then embeds the indexed English
        records for the ``semantic`` factor, so that queries find them embedded,
        and keeps doing so for records the change log brings in (every
        ``max(poll_seconds, 5)`` seconds; already embedded texts are skipped).
        """

        def run() -> None:
            try:
                self.build()
            except BuildStopped:
                logger.info("match index build stopped (shutting down)")
                return
            except Exception as exc:  # noqa: BLE001 - reported through /readyz
                self.error = f"{type(exc).__name__}: {exc}"
                logger.exception("match index build failed")
                return
            if warm_semantic:
                self._start_thread(lambda: self._warm_loop(max(poll_seconds, 5.0)), "match-semantic-warm")
            while not self._stop.wait(poll_seconds):
                try:
                    with self._session_factory() as session:
                        self.sync(session)
                except Exception:  # noqa: BLE001 - keep polling; requests sync too
                    logger.exception("match index sync failed")

        self._start_thread(run, "match-index")

    def _start_thread(self, target: Callable[[], object], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _warm_loop(self, every: float) -> None:
        self.warm_semantic()
        while not self._stop.wait(every):
            self.warm_semantic()

    def warm_semantic(self) -> int:
        """Embed the current engines' English records (supplies first: demands' queries rank them).

        Vectors another process stored in ``text_embedding`` are loaded, not computed; returns how
        many this call computed.
        """
        engines = self._engines
        if engines is None:
            return 0
        started, done = time.perf_counter(), 0
        self.semantic_warming = True
        try:
            for matcher in (engines.supplies, engines.demands, *engines.offers.values()):
                # a random starting point per process: workers warming at once split the work
                done += matcher.warm_semantic(self._stop, store=self._embedding_store, start=random.random())
        except Exception:  # noqa: BLE001 - warming is an optimisation; queries embed lazily
            logger.exception("semantic warm-up failed")
            return done
        finally:
            self.semantic_warming = False
            self.semantic_warm_passes += 1
        if done:
            logger.info("semantic warm-up embedded %d records in %.1f s", done, time.perf_counter() - started)
        return done

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling and any build in progress (it gives up at its next step); wait for the threads."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            logger.warning("match index threads still running after %.1f s: %s", timeout, alive)

    # ------------------------------------------------------------------- sync
    def sync(self, session: Session | None = None, *, since: int | None = None) -> int:
        """Apply change-log rows not applied yet; returns how many records were refreshed.

        Without ``session`` the index opens its own once it holds the write lock, so a caller
        waiting for the lock holds no database connection (requests pass none: dozens of them
        waiting with a connection each could leave the lock holder none to sync with), and a
        call that waited while another sync ran, which began after this call, returns at once.
        """
        if self._engines is None:
            return 0
        asked = time.monotonic()
        with self._write_lock:
            if session is not None:
                count, rebuild = self._apply_changes(session, since)
            elif since is None and self._synced_from > asked:
                # a sync that began after this call read the change log after every write
                # committed before it: requests that queued behind it need not read it again
                return 0
            else:
                began = time.monotonic()
                with self._session_factory() as own:
                    count, rebuild = self._apply_changes(own, since)
                self._synced_from = began  # only own sessions: a caller's may read an older snapshot
        if rebuild:
            self.rebuild_in_background()
        return count

    def _apply_changes(self, session: Session, since: int | None) -> tuple[int, bool]:
        """The body of :meth:`sync`, under the write lock: ``(records refreshed, rebuild wanted)``."""
        engines = self._engines
        low = self._last_id if since is None else min(since, self._last_id)
        now = time.monotonic()
        self._gaps = {i: t for i, t in self._gaps.items() if now - t < GAP_SECONDS}
        cond = ChangeLogEntry.id > low
        if self._gaps:
            cond = or_(cond, ChangeLogEntry.id.in_(list(self._gaps)))
        rows = session.execute(
            select(ChangeLogEntry.id, ChangeLogEntry.entity, ChangeLogEntry.entity_id).where(cond)
        ).all()
        self.synced_at = datetime.now(UTC)
        if not rows:
            return 0, False
        touched: dict[str, set[int]] = {}
        seen_ids = set()
        rebuild = False
        for change_id, entity, entity_id in rows:
            seen_ids.add(change_id)
            self._gaps.pop(change_id, None)
            kind = _ENTITY_KINDS.get(entity)
            if kind:
                touched.setdefault(kind, set()).add(entity_id)
            rebuild = rebuild or entity == REBUILD_ENTITY
        top = max(seen_ids)
        for missing in range(self._last_id + 1, top):
            if missing not in seen_ids:
                self._gaps.setdefault(missing, now)
        self._last_id = max(self._last_id, top)
        count = sum(len(ids) for ids in touched.values())
        if any(
            len(ids) >= REFIT_MIN_CHANGES and len(ids) > REFIT_FRACTION * self._built_docs.get(kind, 0)
            for kind, ids in touched.items()
        ):
            # A batch this large relative to the index (e.g. the first import into an empty
            # service) would leave the engines' statistics (document lengths, term
            # frequencies) fitted to the old corpus: refit now, before this request ranks.
            self._install(_build_engines(session, self._store_for_build(), self._check_stop))
        else:
            _refresh(session, engines, touched)
            self._changed_since_build += count
            rebuild = rebuild or self._changed_since_build > DRIFT_FRACTION * max(
                sum(self._built_docs.values()), REFIT_MIN_CHANGES
            )
        return count, rebuild

    def rebuild_in_background(self) -> None:
        """Build fresh engines in a thread and swap them in; readers keep the old ones meanwhile."""
        if self._rebuilding.is_set() or self._stop.is_set():
            return
        self._rebuilding.set()

        def run() -> None:
            try:
                self.build()
            except BuildStopped:
                logger.info("match index rebuild stopped (shutting down)")
            except Exception:  # noqa: BLE001 - the old engines stay in service
                logger.exception("match index rebuild failed")
            finally:
                self._rebuilding.clear()

        thread = threading.Thread(target=run, name="match-index-rebuild", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()


def request_rebuild(session: Session) -> None:
    """Ask every process (workers and replicas) to rebuild its match index; the caller commits."""
    session.add(ChangeLogEntry(entity=REBUILD_ENTITY, entity_id=0, op="rebuild"))


def _settle_garbage_collector() -> None:
    """Move the new engines out of the cyclic garbage collector's way (``gc.freeze``).

    A full collection visits every container of the index: about 1 s at 100k records, holding
    the GIL, so every request of the worker would wait whenever one starts on its own. Frozen
    objects are still freed by reference counting when a rebuild replaces them; the previous
    freeze is undone first so that cycles among the old engines are collected once, here.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def remember_tokens(session: Session, entity: str, ids: Sequence[int]) -> int:
    """Store the tokens of freshly written records of ``entity`` (after their commit; best effort).

    Cohorts of an edited program are left to the index (their documents read the program).
    """
    kind = _ENTITY_KINDS.get(entity)
    if kind is None or not ids:
        return 0
    try:
        return store_tokens(session, new_matcher(), list(documents.load_docs(session, kind, list(ids))))
    except SQLAlchemyError:  # a cache: the index analyses what is missing
        session.rollback()
        logger.warning("could not store the match tokens of %d %s records", len(ids), entity, exc_info=True)
        return 0


def new_matcher() -> Matcher:
    """An engine as this service configures them (also the analyzer of its stored tokens)."""
    files = tuple(get_settings().match_synonyms_files)
    # Folding the delta into the main segment takes about a second at 100k records: in a thread of
    # its own, so the writes (and the requests waiting for them under the index lock) are not held up.
    params = MatchParams(synonyms_paths=files) if files else None
    return Matcher(params=params, merge_in_background=True)


def _with_tokens(docs: Sequence[MatchDoc], tokens: Sequence[DocTokens]) -> list[MatchDoc]:
    return [dataclasses.replace(d, tokens=t) for d, t in zip(docs, tokens, strict=True)]


def _build_engines(session: Session, store: TokenStore, check_stop: Callable[[], None] = lambda: None) -> Engines:
    """Load every kind, then fit; ``check_stop`` runs between steps and raises to abandon the build.

    Documents are analysed once, through ``store`` (stored tokens are loaded, not segmented
    again), for the engines and the keyword search alike.
    """
    school_ids = documents.school_organization_ids(session)
    by_kind: dict[str, list[MatchDoc]] = {}
    tokens: dict[str, list[DocTokens]] = {}
    for kind in documents.KIND_CODES:
        check_stop()
        by_kind[kind] = list(documents.load_docs(session, kind))
        check_stop()
        tokens[kind] = store.tokens(by_kind[kind])
    check_stop()
    analysed = {kind: _with_tokens(docs, tokens[kind]) for kind, docs in by_kind.items()}
    supplies = (
        analysed["program"] + analysed["cohort"] + [d for d in analysed["offer"] if _is_supply_offer(d, school_ids)]
    )
    fitted_supplies = new_matcher().fit(supplies)
    del supplies
    check_stop()
    fitted_demands = new_matcher().fit(analysed["demand"])
    offers = {}
    for direction in ("offer", "seek"):
        check_stop()
        offers[direction] = new_matcher().fit(
            [d for d in analysed["offer"] if documents.offer_direction(d) == direction]
        )
    del analysed  # the search keeps the documents without their tokens
    search = {}
    for kind, docs in by_kind.items():
        check_stop()
        search[kind] = LiveTitleSearch(store.tokens).fit(docs, tokens[kind])
    return Engines(
        supplies=fitted_supplies,
        demands=fitted_demands,
        offers=offers,
        search=search,
        tokens=store,
        school_ids=school_ids,
    )


def _is_supply_offer(doc: MatchDoc, school_ids: set[int]) -> bool:
    return doc.organization_id in school_ids and documents.offer_direction(doc) == "offer"


def _refresh(session: Session, engines: Engines, touched: dict[str, set[int]]) -> int:
    """Reload every touched record from the database and upsert or remove it everywhere."""
    if "program" in touched:  # a cohort reads its program's text
        cohort_ids = documents.cohort_ids_of_programs(session, list(touched["program"]))
        touched.setdefault("cohort", set()).update(cohort_ids)
    if "offer" in touched:
        engines.school_ids = documents.school_organization_ids(session)
    count = 0
    for kind, ids in touched.items():
        plain = list(documents.load_docs(session, kind, list(ids)))
        tokens = engines.tokens.tokens(plain)
        docs = _with_tokens(plain, tokens)
        present = {d.id for d in docs}
        gone = [documents.make_uid(kind, i) for i in ids if documents.make_uid(kind, i) not in present]
        count += len(ids)
        engines.search[kind].upsert(plain, tokens)
        engines.search[kind].remove(gone)
        if kind == "demand":
            _apply(engines.demands, docs, gone)
        elif kind in ("program", "cohort"):
            _apply(engines.supplies, docs, gone)
        else:
            supply = [d for d in docs if _is_supply_offer(d, engines.school_ids)]
            not_supply = [d.id for d in docs if not _is_supply_offer(d, engines.school_ids)]
            _apply(engines.supplies, supply, gone + not_supply)
            for direction, matcher in engines.offers.items():
                mine = [d for d in docs if documents.offer_direction(d) == direction]
                others = [d.id for d in docs if documents.offer_direction(d) != direction]
                _apply(matcher, mine, gone + others)
    return count


def _apply(matcher: Matcher, docs: list[MatchDoc], removed: list[int]) -> None:
    if removed:
        matcher.remove(removed)
    if docs:
        matcher.upsert(docs)
