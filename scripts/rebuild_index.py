#!/usr/bin/env python3
"""Rebuild the match index on demand.

By default this asks every running process of the service (all workers and replicas that share
the database) to rebuild its in-memory match index from scratch: it writes a rebuild request
into the change log, which each process picks up within its poll interval, builds new engines in
the background and swaps them in (matching keeps working on the old ones meanwhile).

``--local`` instead builds an index in this process and prints its size and build time (a dry
run that needs no running service; the only thing it writes is the tokens of records no process
had analysed yet, into the ``match_tokens`` cache).

Usage: python scripts/rebuild_index.py [--local]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.db.session import get_sessionmaker  # noqa: E402
from app.matches.index import MatchIndex, request_rebuild  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--local", action="store_true", help="build in this process and report (fills the token cache only)")
    args = parser.parse_args(argv)
    if args.local:
        index = MatchIndex(get_sessionmaker())
        started = time.perf_counter()
        index.build()
        status = index.status()
        print(f"built in {time.perf_counter() - started:.2f} s: {status['documents']}")
        return 0
    with get_sessionmaker().begin() as session:
        request_rebuild(session)
    print("rebuild requested; every running process rebuilds its match index within its poll interval")
    return 0


if __name__ == "__main__":
    sys.exit(main())
