"""A match request gives its database connection back before it waits for the index.

Every request syncs the index under one lock; if each waiting request held a pooled connection,
enough of them would leave the lock holder none to sync with, and all would time out together
(seen at 32 clients against 2 workers). Here the index and the request share a one-connection
pool: the request succeeds only if it holds no connection while the index syncs.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from factories import make_demand, make_org, make_program, make_school
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from app.auth.principal import Principal, Role
from app.changes.models import ChangeLogEntry
from app.core.config import get_settings
from app.matches import service
from app.matches.schemas import DemandMatchFilters

ADMIN = Principal(kind="system", id=None, organization_id=None, role=Role.platform_admin)


def test_a_match_request_holds_no_connection_while_the_index_syncs(
    mclient: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = mclient.app.state.match_index
    enterprise = make_org(mclient)
    demand = make_demand(mclient, enterprise["id"], title="数控机床操作工", description="数控车床 加工 编程")
    school = make_school(mclient)
    program = make_program(mclient, school["id"], name="数控技术", major_code="460103", description="数控编程 加工")

    engine = create_engine(get_settings().database_url, pool_size=1, max_overflow=0, pool_timeout=3)
    one_connection = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
    monkeypatch.setattr(index, "_session_factory", one_connection)
    try:
        with one_connection() as session:
            page = service.matches_for_demand(session, index, demand["id"], DemandMatchFilters(), actor=ADMIN)
            # the page's rows were loaded after the sync, through the request's session again
            assert session.in_transaction()
        assert engine.pool.checkedout() == 0
    finally:
        engine.dispose()
    # the program written just before was synced into the index by this very request
    assert [(item.kind, item.id) for item in page.items][:1] == [("program", program["id"])]


def test_requests_queued_behind_a_sync_do_not_read_the_change_log_again(mclient: Any) -> None:
    """Eight requests arrive while the index is busy: the first to get the lock applies the new
    write for all of them; the others find a sync that began after they asked and return."""
    index = mclient.app.state.match_index
    index.sync()
    school = make_school(mclient)
    program = make_program(mclient, school["id"], name="工业机器人技术", major_code="460305", description="机器人 编程")
    counts: list[int] = []
    reads: list[str] = []
    table = ChangeLogEntry.__tablename__

    def count_reads(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and table in statement:
            reads.append(statement)

    engine = index._session_factory.kw["bind"]
    event.listen(engine, "before_cursor_execute", count_reads)
    with index._write_lock:  # busy: the callers queue
        threads = [threading.Thread(target=lambda: counts.append(index.sync())) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.5)
    for t in threads:
        t.join(30)
    event.remove(engine, "before_cursor_execute", count_reads)
    # the program is the one changed record, applied once
    assert sorted(counts) == [0] * 7 + [1]
    assert len(reads) == 1
    assert index.engines.search["program"].docs.get(program["id"] * 8 + 1) is not None
