#!/usr/bin/env python3
"""Evaluate matching quality through the web API, the way the independent evaluation does.

Starts the service in-process on an empty temporary SQLite database (or uses ``--url`` of a
running service with ``--token``), bulk-imports every supply of the benchmark as a program of
one school (name = title, description = text, education level bachelor for en and
higher_vocational for zh) and the chosen demands as demands of one enterprise (title,
description = text[:5000]), then asks ``GET /api/v1/demands/{id}/matches?kind=program&limit=10``
for each and prints nDCG@10, Recall@10 and MRR (MRR within the top 10 here).

Usage: python scripts/evaluate_api.py [--bench ../shared/benchmark] [--lang en zh] [--split dev]
Only the dev split has labels outside the sealed evaluation; exits 0 with a note when the
benchmark folder is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LEVEL = {"en": "bachelor", "zh": "higher_vocational"}
_HEADER = "| set | queries | nDCG@10 | Recall@10 | MRR@10 | s/query |\n| --- | --- | --- | --- | --- | --- |"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _qrels(path: Path) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d, s, r = line.split("\t")
            out.setdefault(d, {})[s] = max(int(r), out.get(d, {}).get(s, 0))
    return out


def _in_process_client() -> Any:
    tmp = Path(tempfile.mkdtemp(prefix="talentmatch-eval-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'eval.db'}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["RATE_LIMIT_PER_MINUTE"] = "0"
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["configure_logging"] = False
    command.upgrade(cfg, "head")
    from fastapi.testclient import TestClient

    from app.auth.service import create_or_reset_admin
    from app.db.session import get_sessionmaker
    from app.main import create_app

    password = "evaluation-" + os.urandom(8).hex()
    with get_sessionmaker()() as session:
        create_or_reset_admin(session, "eval@localhost.localdomain", password)
        session.commit()
    client = TestClient(create_app()).__enter__()
    token = client.post(
        "/api/v1/auth/token", data={"username": "eval@localhost.localdomain", "password": password}
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _check(response: Any, expected: int = 200) -> Any:
    if response.status_code != expected:
        raise SystemExit(f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text[:500]}")
    return response.json()


def _wait_ready(client: Any) -> None:
    for _ in range(600):
        if client.get("/readyz").status_code == 200:
            return
        time.sleep(0.5)
    raise SystemExit("service did not become ready")


def evaluate(client: Any, bench: Path, lang: str, split: str) -> dict[str, float]:
    from matching.evaluation import evaluate_ranking, mean_metrics

    folder = bench / lang
    supplies = _jsonl(folder / "supplies.jsonl")
    demands = {d["id"]: d for d in _jsonl(folder / "demands.jsonl")}
    qrels = _qrels(folder / "qrels.tsv")
    ids = [x.strip() for x in (folder / "dev_demand_ids.txt").read_text().splitlines() if x.strip()]
    ids = [i for i in ids if i in qrels]

    school = _check(client.post("/api/v1/organizations", json={"kind": "school", "name": f"Eval school {lang}"}), 201)
    company = _check(client.post("/api/v1/organizations", json={"kind": "enterprise", "name": f"Eval company {lang}"}), 201)
    programs = [
        {"external_id": s["id"], "name": s["title"], "description": s["text"], "education_level": LEVEL[lang]}
        for s in supplies
    ]
    result = _check(client.post(f"/api/v1/programs/bulk?organization_id={school['id']}", json=programs))
    program_key = {item["id"]: item["external_id"] for item in result["items"]}
    rows = [{"external_id": i, "title": demands[i]["title"], "description": demands[i]["text"][:5000]} for i in ids]
    result = _check(client.post(f"/api/v1/demands/bulk?organization_id={company['id']}", json=rows))
    demand_db_id = {item["external_id"]: item["id"] for item in result["items"]}
    _wait_ready(client)

    per = []
    started = time.perf_counter()
    for qid in ids:
        page = _check(client.get(f"/api/v1/demands/{demand_db_id[qid]}/matches", params={"kind": "program", "limit": 10}))
        ranked = [program_key[item["id"]] for item in page["items"]]
        per.append(evaluate_ranking(ranked, qrels[qid]))
    elapsed = time.perf_counter() - started
    summary = mean_metrics(per)
    summary["queries"] = len(per)
    summary["seconds_per_query"] = round(elapsed / max(len(per), 1), 4)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "benchmark")
    parser.add_argument("--lang", nargs="+", default=["en", "zh"], choices=["en", "zh"])
    parser.add_argument("--split", default="dev", choices=["dev"])
    parser.add_argument("--url", help="a running service instead of an in-process one")
    parser.add_argument("--token", help="access token or API key of a platform admin (with --url)")
    parser.add_argument("--no-header", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not (args.bench / "en" / "supplies.jsonl").exists():
        print(f"benchmark not found at {args.bench}; nothing to evaluate")
        return 0
    if not args.url and len(args.lang) > 1:
        # Each language on its own empty database, as the independent evaluation does.
        import subprocess

        print(_HEADER, flush=True)
        for lang in args.lang:
            cmd = [sys.executable, __file__, "--bench", str(args.bench), "--lang", lang, "--no-header"]
            code = subprocess.call(cmd)
            if code:
                return code
        return 0
    if args.url:
        import httpx

        client = httpx.Client(base_url=args.url, headers={"Authorization": f"Bearer {args.token}"}, timeout=120)
    else:
        client = _in_process_client()
    if not args.no_header:
        print(_HEADER, flush=True)
    for lang in args.lang:
        s = evaluate(client, args.bench, lang, args.split)
        print(f"| {lang} {args.split} (API) | {s['queries']} | {s['ndcg@10']:.3f} | {s['recall@10']:.3f} | "
              f"{s['mrr']:.3f} | {s['seconds_per_query']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
