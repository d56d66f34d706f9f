"""A real uvicorn server on a loopback port, for the fuzz, load, fault and shutdown proofs.

Used by ``scripts/fuzz_api.py``, ``scripts/load_test.py``, ``scripts/fault_test.py`` and the
tests in ``tests/hardening/``. Everything binds to 127.0.0.1; the server runs in its own process
group so that a kill -9 takes its workers with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
_SHARED_SECRET = os.urandom(32).hex()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def temp_database(backend: str = "sqlite", pg_url: str | None = None) -> tuple[str, Any]:
    """A fresh, empty database URL and a cleanup function (a SQLite file, or a PostgreSQL schema)."""
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="talentmatch-live-"))
        return f"sqlite:///{folder / 'live.db'}", lambda: None
    from sqlalchemy import create_engine, text

    base = pg_url or os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"live_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


def migrate(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["configure_logging"] = False
    cfg.attributes["database_url"] = database_url
    command.upgrade(cfg, "head")


def create_admin(email: str = "ops@localhost.localdomain", password: str | None = None) -> tuple[str, str]:
    """A platform admin in the database named by ``DATABASE_URL`` (set it before importing app code)."""
    from app.auth.service import create_or_reset_admin
    from app.db.session import get_sessionmaker

    password = password or "ops-" + os.urandom(12).hex()
    with get_sessionmaker()() as session:
        create_or_reset_admin(session, email, password)
        session.commit()
    return email, password


class LiveServer:
    """``python -m app.server`` (uvicorn serving ``app.main:app``) as a subprocess (its own process group) on 127.0.0.1."""

    def __init__(self, database_url: str, *, port: int | None = None, workers: int = 1,
                 env: dict[str, str] | None = None, log_path: Path | None = None,
                 graceful_seconds: int = 20) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.workers = workers
        self.extra_env = env or {}
        self.log_path = log_path or Path(tempfile.mkdtemp(prefix="talentmatch-log-")) / "server.log"
        self.graceful_seconds = graceful_seconds
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, *, wait: str | None = "/readyz", timeout: float = 180.0) -> LiveServer:
        # One SECRET_KEY for all workers: a token issued by one must verify in the others.
        env = {**os.environ, "DATABASE_URL": self.database_url, "RATE_LIMIT_PER_MINUTE": "0",
               "SECRET_KEY": os.environ.get("SECRET_KEY") or _SHARED_SECRET,
               "LOG_LEVEL": os.environ.get("LIVE_LOG_LEVEL", "WARNING"), "PYTHONPATH": str(ROOT),
               **self.extra_env}
        # app.server: uvicorn with one SO_REUSEPORT socket per worker (as the service runs)
        cmd = [sys.executable, "-m", "app.server", "--host", HOST, "--port", str(self.port),
               "--workers", str(self.workers), "--no-access-log",
               "--timeout-graceful-shutdown", str(self.graceful_seconds)]
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        if wait:
            self.wait_for(wait, timeout=timeout)
        return self

    def wait_for(self, path: str, *, timeout: float = 180.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; log: {self.log_tail()}")
            try:
                if httpx.get(self.base_url + path, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready at {path} within {timeout} s; log: {self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM (graceful: in-flight requests finish), then wait; SIGKILL if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        """kill -9 the server and its workers."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def __enter__(self) -> LiveServer:
        return self if self.process is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def login(base_url: str, email: str, password: str) -> str:
    import httpx

    response = httpx.post(f"{base_url}/api/v1/auth/token", data={"username": email, "password": password}, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])
