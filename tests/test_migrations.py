"""The Alembic migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

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
        finally:
            engine.dispose()
