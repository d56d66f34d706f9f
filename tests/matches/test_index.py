"""The live index: readiness, change-log gaps and rebuild requests."""

from __future__ import annotations

import time
from typing import Any

from factories import make_program, make_school
from sqlalchemy import func, select

from app.changes.models import ChangeLogEntry
from app.matches.index import request_rebuild


def test_readyz_reports_the_index(mclient: Any) -> None:
    body = mclient.get("/readyz").json()
    assert body["checks"]["match_index"] == "ok"
    assert body["match_index"]["ready"] is True


def test_a_change_committed_late_below_the_last_seen_id_is_still_applied(mclient: Any, db_session: Any) -> None:
    """On PostgreSQL a transaction can commit its change-log row after a later id was seen."""
    index = mclient.app.state.match_index
    school = make_school(mclient)
    program = make_program(mclient, school["id"])
    index.sync(db_session)
    last = db_session.scalar(select(func.max(ChangeLogEntry.id)))
    # A later change becomes visible first, leaving a gap at last + 1 ...
    db_session.add(ChangeLogEntry(id=last + 2, entity="program", entity_id=program["id"], op="upsert"))
    db_session.commit()
    index.sync(db_session)
    # ... then the earlier one commits: it must still be applied.
    late = make_program(mclient, school["id"], name="数控技术", major_code="460103", description="数控编程 加工")
    db_session.query(ChangeLogEntry).filter(ChangeLogEntry.entity_id == late["id"],
                                            ChangeLogEntry.entity == "program").update({"id": last + 1})
    db_session.commit()
    index.sync(db_session)
    assert index.engines.search["program"].docs.get(late["id"] * 8 + 1) is not None


def test_a_rebuild_request_rebuilds_every_index(mclient: Any, db_session: Any) -> None:
    index = mclient.app.state.match_index
    before = index.built_at
    request_rebuild(db_session)
    db_session.commit()
    index.sync(db_session)
    deadline = time.monotonic() + 30
    while index.built_at == before:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert mclient.get("/readyz").json()["checks"]["match_index"] == "ok"


def test_a_large_first_import_refits_the_engines_before_the_next_ranking(mclient: Any) -> None:
    """Statistics fitted on an empty index must not be kept for a corpus imported afterwards."""
    index = mclient.app.state.match_index
    built = index.built_at
    school = make_school(mclient)
    rows = [{"external_id": f"P{i}", "name": f"专业{i}", "description": f"课程{i} 技能{i % 7}"} for i in range(250)]
    assert mclient.post(f"/api/v1/programs/bulk?organization_id={school['id']}", json=rows).status_code == 200
    assert mclient.post("/api/v1/match", json={"target": "programs", "text": "技能3"}).status_code == 200
    assert index.built_at != built
    assert index.status()["documents"]["program"] == 250


def test_small_changes_are_applied_incrementally(mclient: Any) -> None:
    index = mclient.app.state.match_index
    built = index.built_at
    school = make_school(mclient)
    make_program(mclient, school["id"])
    mclient.post("/api/v1/match", json={"target": "programs", "text": "PLC"})
    assert index.built_at == built
    assert index.status()["documents"]["program"] == 1


def test_english_records_are_embedded_in_the_background(mclient: Any, db_session: Any) -> None:
    """The warm-up thread embeds records the change log brings in; /readyz counts them."""
    from matching import semantic_text

    index = mclient.app.state.match_index
    state = mclient.get("/readyz").json()["match_index"]["semantic"]
    assert state["enabled"] is True
    school = make_school(mclient)
    program = make_program(mclient, school["id"], name="Marine Engineering Technology", major_code="500301",
                           description="Operation and maintenance of ship engines and marine systems, unique text 7f3a.",
                           skills=[], courses=[], certificates=[])
    index.sync(db_session)
    doc = index.engines.supplies.snapshot_.delta_docs[-1]
    assert doc.title == program["name"]
    model = index.engines.supplies.semantic_
    text = semantic_text(doc)
    assert text is not None
    # ... and stores the vector for the other processes and the next start
    from app.matches.embeddings import SqlEmbeddingStore

    store = SqlEmbeddingStore(lambda: type(db_session)(bind=db_session.get_bind()))
    deadline = time.monotonic() + 30
    while not store.load([model.key(text)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert model.cached(text)
    assert store.load([model.key(text)]) == {model.key(text): model.embed(text).tobytes()}
    assert mclient.get("/readyz").json()["match_index"]["semantic"]["embedded"] >= 1


def test_a_rebuild_loads_the_stored_tokens_instead_of_segmenting_again(mclient: Any, db_session: Any) -> None:
    from app.matches.tokens import MatchTokens

    index = mclient.app.state.match_index
    school = make_school(mclient)
    make_program(mclient, school["id"], name="新能源汽车技术", description="动力电池 检测与维修")
    index.sync(db_session)
    assert db_session.scalar(select(func.count()).select_from(MatchTokens)) >= 1
    store = index.token_store
    loaded, computed = store.loaded, store.computed
    index.build()
    assert store.computed == computed  # nothing segmented again
    assert store.loaded - loaded == sum(index.status()["documents"].values())
    # the stored tokens serve matching and the keyword search as fresh ones would
    hits = mclient.get("/api/v1/search", params={"q": "动力电池", "type": "program"}).json()["items"]
    assert [h["title"] for h in hits] == ["新能源汽车技术"]


def test_unreadable_stored_tokens_are_analysed_again(mclient: Any, db_session: Any) -> None:
    from app.matches.tokens import MatchTokens

    index = mclient.app.state.match_index
    school = make_school(mclient)
    make_program(mclient, school["id"], name="工业机器人技术", description="机器人 编程 调试")
    index.sync(db_session)
    db_session.query(MatchTokens).update({"tokens": "not tokens"})
    db_session.commit()
    computed = index.token_store.computed
    index.build()
    assert index.token_store.computed - computed == sum(index.status()["documents"].values())
    hits = mclient.get("/api/v1/search", params={"q": "机器人", "type": "program"}).json()["items"]
    assert hits and hits[0]["title"] == "工业机器人技术"


def test_pruning_keeps_the_rows_of_current_records_and_deletes_the_others(mclient: Any, db_session: Any) -> None:
    from datetime import timedelta

    from app.db.session import get_sessionmaker
    from app.matches.cache_prune import prune_caches
    from app.matches.embeddings import TextEmbedding
    from app.matches.index import new_matcher
    from app.matches.tokens import MatchTokens

    index = mclient.app.state.match_index
    school = make_school(mclient)
    program = make_program(mclient, school["id"], name="Registered Nursing", description="Patient care and triage",
                           skills=[], courses=[], certificates=[])
    index.sync(db_session)
    index.warm_semantic()
    # the edit gives the record new keys; its old rows are left behind
    assert mclient.patch(f"/api/v1/programs/{program['id']}", json={"description": "Clinical care"}).status_code == 200
    index.sync(db_session)
    index.warm_semantic()

    def counts() -> tuple[int, int]:
        db_session.expire_all()
        return (db_session.scalar(select(func.count()).select_from(MatchTokens)),
                db_session.scalar(select(func.count()).select_from(TextEmbedding)))

    before = counts()
    assert prune_caches(get_sessionmaker(), new_matcher()).tokens_deleted == 0  # all younger than the grace
    report = prune_caches(get_sessionmaker(), new_matcher(), grace=timedelta(0))
    assert report.tokens_deleted >= 1 and report.embeddings_deleted >= 1
    assert counts() == (before[0] - report.tokens_deleted, before[1] - report.embeddings_deleted)
    # what is left is exactly what the index uses: a rebuild segments and embeds nothing
    computed = index.token_store.computed
    index.build()
    assert index.token_store.computed == computed
    assert index.warm_semantic() == 0


def test_a_bulk_import_stores_its_tokens_so_no_process_segments_the_batch(mclient: Any, db_session: Any) -> None:
    index = mclient.app.state.match_index
    index.build()  # the index of the current settings (and of its store)
    school = make_school(mclient)
    rows = [{"external_id": f"TOK{i}", "name": f"智能制造专业{i}", "description": f"工业机器人 编程{i} 调试"}
            for i in range(30)]
    assert mclient.post(f"/api/v1/programs/bulk?organization_id={school['id']}", json=rows).status_code == 200
    # the tokens are stored when the import answers (not when some process's poller gets to it)
    from app.matches import documents
    from app.matches.tokens import MatchTokens, token_key

    program_ids = [p["id"] for p in mclient.get("/api/v1/programs", params={"q": "智能制造专业", "limit": 100}).json()["items"]]
    docs = list(documents.load_docs(db_session, "program", program_ids))
    assert len(docs) == 30
    keys = [token_key(index.token_store.fingerprint, d) for d in docs]
    assert db_session.scalar(select(func.count()).select_from(MatchTokens).where(MatchTokens.key.in_(keys))) == 30
    hits = mclient.get("/api/v1/search", params={"q": "智能制造专业7", "type": "program"}).json()["items"]
    assert hits[0]["title"] == "智能制造专业7"


def test_the_engines_are_frozen_out_of_the_cyclic_garbage_collector(mclient: Any) -> None:
    import gc

    index = mclient.app.state.match_index
    index.build()
    engines = index.engines
    assert gc.get_freeze_count() > 0
    # the index's containers are in the permanent generation: a full collection does not visit them
    tracked = {id(o) for o in gc.get_objects()}
    assert id(engines.search["program"].docs) not in tracked
    assert id(engines) not in tracked
