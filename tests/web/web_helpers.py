"""Constants and helpers shared by the browser tests (a uniquely named module: not ``conftest``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
DEMO_TODAY = "2026-06-30"
YEAR = 2026
ADMIN = ("cockpit-admin@example.org", "Cockpit-Browser-Test-1!")
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class Server:
    url: str
    token: str

    def api(self, path: str, **params: Any) -> Any:
        response = httpx.get(self.url + path, params=params, headers={"Authorization": f"Bearer {self.token}"},
                             timeout=30)
        response.raise_for_status()
        return response.json()


class Console:
    """Collects console errors and uncaught page errors."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))


def login(page: Any) -> None:
    """Fill the login form the pages show before their first API call."""
    page.wait_for_selector("#login:not(.hidden)")
    page.fill("#email", ADMIN[0])
    page.fill("#password", ADMIN[1])
    page.click("#login button[type=submit]")
