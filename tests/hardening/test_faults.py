"""kill -9 mid bulk import (all or nothing, indexes agree with a fresh rebuild) and mid webhook delivery."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from fault_test import run_bulk_fault, run_webhook_fault  # noqa: E402


def test_kill_9_during_a_bulk_import(database_url: str) -> None:
    report: dict[str, Any] = run_bulk_fault(database_url, rows=4000, kill_after=1.0)
    assert report["killed_in_flight"], "the import finished before the kill; make it bigger"
    assert report["stored_after_kill"] in (0, report["rows"])
    assert report["retry"]["created"] + report["retry"]["unchanged"] == report["rows"]


def test_kill_9_during_a_webhook_delivery(database_url: str) -> None:
    report = run_webhook_fault(database_url)
    assert report["delivery_ids"] == 1
    assert report["outbox"] == [{"status": "delivered", "attempts": report["outbox"][0]["attempts"]}]
