"""Test database and HTTP client.

The suite runs against SQLite by default, or against the server named by
``TEST_DATABASE_URL`` (PostgreSQL in CI). The schema is built once per run by the
Alembic migrations, in a fresh database (SQLite) or a fresh schema (PostgreSQL) that is
dropped at the end. Every test starts from empty tables.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_TMP = Path(tempfile.mkdtemp(prefix="talentmatch-tests-"))
_BASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
_SCHEMA: str | None = None

if make_url(_BASE_URL).get_backend_name() == "postgresql":
    _SCHEMA = f"test_{uuid.uuid4().hex[:12]}"
    _admin = create_engine(_BASE_URL, isolation_level="AUTOCOMMIT")
    with _admin.connect() as _conn:
        _conn.execute(text(f'CREATE SCHEMA "{_SCHEMA}"'))
    _admin.dispose()
    _sep = "&" if "?" in _BASE_URL else "?"
    DATABASE_URL = f"{_BASE_URL}{_sep}options=-csearch_path%3D{_SCHEMA}"
else:
    DATABASE_URL = _BASE_URL

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("ENVIRONMENT", "test")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Cheap password hashing and no rate limit by default; the auth tests switch them back on.
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "1024")
os.environ.setdefault("RATE_LIMIT_PER_MINUTE", "0")


def _migrate() -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(Path(__file__).resolve().parents[1] / "alembic.ini"))
    cfg.attributes["configure_logging"] = False
    cfg.attributes["database_url"] = DATABASE_URL
    command.upgrade(cfg, "head")


@pytest.fixture(scope="session")
def database_url() -> str:
    return DATABASE_URL


@pytest.fixture(scope="session", autouse=True)
def _schema() -> Iterator[None]:
    _migrate()
    yield
    from app.db.session import get_engine

    get_engine().dispose()
    if _SCHEMA:
        admin = create_engine(_BASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{_SCHEMA}" CASCADE'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(_schema: None) -> Iterator[None]:
    yield
    from app.db.registry import metadata
    from app.db.session import get_engine

    with get_engine().begin() as conn:
        if conn.dialect.name == "postgresql":
            # Skips the append-only trigger on audit_log for this cleanup only (TRUNCATE was ~0.1 s a test).
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def anon_client() -> Iterator[object]:
    """A client without credentials."""
    from fastapi.testclient import TestClient

    from app.main import app

    with TestClient(app) as c:
        yield c


@pytest.fixture
def client() -> Iterator[object]:
    """A client authenticated as a platform admin (default ``Authorization`` header).

    Other identities: ``auth_headers(client, role=..., organization_id=...)`` and
    ``api_key_headers(client, organization_id, role=...)`` from ``tests/factories.py``, or the
    ``client_as`` fixture.
    """
    from factories import auth_headers
    from fastapi.testclient import TestClient

    from app.main import app

    with TestClient(app) as c:
        c.headers.update(auth_headers(c, role="platform_admin"))
        yield c


@pytest.fixture
def client_as(client: object) -> Iterator[object]:
    """``client_as(role, organization_id=None)``: another client of the same running app, with its own
    identity's credentials (it shares the app's lifespan with ``client``: no second start-up)."""
    from contextlib import ExitStack

    from factories import auth_headers
    from fastapi.testclient import TestClient

    from app.main import app

    with ExitStack() as stack:

        def make(role: str, organization_id: int | None = None, **kwargs: object) -> TestClient:
            c = TestClient(app)
            stack.callback(c.close)
            c.headers.update(auth_headers(c, role=role, organization_id=organization_id, **kwargs))
            return c

        yield make


@pytest.fixture
def db_session() -> Iterator[object]:
    from app.db.session import get_sessionmaker

    with get_sessionmaker()() as session:
        yield session
