"""Alembic environment: the URL comes from settings, the metadata from ``app.db.registry``."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from app.core.config import get_settings
from app.db.base import UTCDateTime, schema_compare_filter
from app.db.registry import metadata
from app.db.session import make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render our column types as plain SQLAlchemy ones so migrations never import ``app``."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection | None = None, **kwargs: object) -> None:
    dialect = connection.dialect.name if connection is not None else make_url(_url()).get_backend_name()
    context.configure(
        include_object=schema_compare_filter(dialect),
        target_metadata=metadata,
        render_item=_render_item,
        render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
        compare_type=True,
        connection=connection,
        **kwargs,
    )


#: Key of the PostgreSQL advisory lock that serialises migrations of one database: replicas or
#: workers that start together (each image runs ``alembic upgrade head``) would otherwise race,
#: e.g. two ``CREATE EXTENSION IF NOT EXISTS`` or two ``CREATE TABLE`` of the same revision.
MIGRATION_LOCK_KEY = 0x74616C656E74  # "talent"


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Held to the end of the migration transaction; the version is read after it, so a
            # process that waited sees what the first one applied and has nothing left to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.run_migrations()


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
