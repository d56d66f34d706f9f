"""The Alembic migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.db.base import schema_compare_filter
from app.db.registry import metadata
from app.db.session import make_engine

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def _config(url: str) -> Config:
    cfg = Config(str(ALEMBIC_INI))
    cfg.attributes["database_url"] = url
    cfg.attributes["configure_logging"] = False
    return cfg


def _diff(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            opts = {"compare_type": True, "include_object": schema_compare_filter(conn.dialect.name)}
            return compare_metadata(MigrationContext.configure(conn, opts=opts), metadata)
    finally:
        engine.dispose()


def _head(url: str) -> str | None:
    return ScriptDirectory.from_config(_config(url)).get_current_head()


def _current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


class TestMigratedSchema:
    def test_test_database_is_at_head(self, database_url) -> None:
        assert _current(database_url) == _head(database_url)

    def test_models_and_migrated_schema_do_not_differ(self, database_url) -> None:
        assert _diff(database_url) == []


class TestDowngradeAndUpgrade:
    def test_downgrade_to_base_then_upgrade_to_head(self, tmp_path) -> None:
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
        cfg = _config(url)
        command.upgrade(cfg, "head")
        assert _diff(url) == []

        command.downgrade(cfg, "base")
        engine = make_engine(url)
        try:
            assert inspect(engine).get_table_names() == ["alembic_version"]
        finally:
            engine.dispose()
        assert _current(url) is None

        command.upgrade(cfg, "head")
        assert _current(url) == _head(url)
        assert _diff(url) == []
        engine = make_engine(url)
        try:
            assert set(inspect(engine).get_table_names()) == set(metadata.tables) | {"alembic_version"}
            # 0005 and 0007 create PostgreSQL objects only: nothing on SQLite.
            names = [ix["name"] for t in ("program", "demand") for ix in inspect(engine).get_indexes(t)]
            assert not [n for n in names if n.endswith(("_trgm", "_bigram"))]
        finally:
            engine.dispose()


_BIGRAM_INDEXES = {
    "ix_program_name_bigram",
    "ix_program_description_bigram",
    "ix_demand_title_bigram",
    "ix_demand_description_bigram",
}


def _bigram_objects(url: str) -> tuple[set[str], int]:
    """The bigram indexes and ``text_bigrams`` functions in the URL's schema."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            indexes = set(
                conn.scalars(
                    text(
                        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE '%_bigram'"
                    )
                )
            )
            functions = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_proc WHERE proname = 'text_bigrams' AND pronamespace = current_schema()::regnamespace"
                )
            )
            return indexes, int(functions or 0)
    finally:
        engine.dispose()


class TestBigramMigration:
    """0007 on PostgreSQL, in a schema of its own (as a tenant or a test run has)."""

    @pytest.fixture
    def pg_url(self, database_url: str) -> Iterator[str]:
        url = make_url(database_url)
        if url.get_backend_name() != "postgresql":
            pytest.skip("migration 0007 creates PostgreSQL objects only")
        base = url.difference_update_query(["options"])
        schema = f"mig_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    def test_downgrade_drops_what_upgrade_created(self, pg_url: str) -> None:
        cfg = _config(pg_url)
        command.upgrade(cfg, "head")
        assert _bigram_objects(pg_url) == (_BIGRAM_INDEXES, 1)
        assert _diff(pg_url) == []

        command.downgrade(cfg, "0006")
        assert _bigram_objects(pg_url) == (set(), 0)
        assert _current(pg_url) == "0006"

        command.upgrade(cfg, "head")
        assert _bigram_objects(pg_url) == (_BIGRAM_INDEXES, 1)
        assert _diff(pg_url) == []

    def test_processes_migrating_at_once_wait_for_each_other(self, pg_url: str) -> None:
        """Replicas that start together each run ``alembic upgrade head``: one migrates, the others
        wait and find the schema at head (without the advisory lock in env.py they race to create
        the same tables and all but one fail)."""
        env = {**os.environ, "DATABASE_URL": pg_url}
        cmd = [sys.executable, "-m", "alembic", "-c", str(ALEMBIC_INI), "upgrade", "head"]
        procs = [
            subprocess.Popen(cmd, env=env, cwd=ALEMBIC_INI.parent, stderr=subprocess.PIPE, text=True) for _ in range(3)
        ]
        errors = [err for p in procs for _, err in [p.communicate(timeout=120)] if p.returncode != 0]
        assert errors == []
        assert _current(pg_url) == _head(pg_url)
        assert _diff(pg_url) == []
