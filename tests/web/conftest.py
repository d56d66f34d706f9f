"""A real server for browser tests: a migrated temporary SQLite database with the demo data
(fixed reference date), a platform admin, and uvicorn on a free loopback port.

Skips cleanly when Playwright or the system Chromium is missing (``.ci/run`` installs both).
Playwright never downloads a browser here: it drives Debian's ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_helpers import ADMIN, CHROMIUM, CHROMIUM_ARGS, DEMO_TODAY, ROOT, Console, Server


def _require_browser() -> None:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError("server did not become ready")


def _start(env: dict[str, str], log: Any, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn on a free port (another process may take the port first: retry)."""
    for attempt in range(3):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _wait_ready(url, process)
            return process, url
        except (RuntimeError, TimeoutError) as exc:
            process.kill()
            process.wait()
            if attempt == 2:
                log.flush()
                raise RuntimeError(f"{exc}; server log:\n{(tmp / 'server.log').read_text()[-4000:]}") from None
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    _require_browser()
    tmp = Path(tempfile.mkdtemp(prefix="talentmatch-web-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'web.db'}", "ENVIRONMENT": "test",
           "LOG_LEVEL": "WARNING", "RATE_LIMIT_PER_MINUTE": "0"}
    log = (tmp / "server.log").open("wb")
    try:
        _run(["-m", "alembic", "upgrade", "head"], env)
        _run(["scripts/load_demo.py", "--today", DEMO_TODAY], env)
        _run(["scripts/create_admin.py", "--email", ADMIN[0], "--password", ADMIN[1]], env)
        process, url = _start(env, log, tmp)
    except BaseException:
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        token = httpx.post(url + "/api/v1/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]},
                           timeout=30).json()["access_token"]
        yield Server(url, token)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1600, "height": 1300}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def console(page: Any) -> Console:
    return Console(page)
