#!/usr/bin/env python3
"""Delete stored match tokens and sentence embeddings that no current record uses any more.

Editing or deleting records leaves their old rows in ``match_tokens`` and ``text_embedding``
(both are keyed by a digest of the text). This batch job computes the keys of every current
record and deletes the other rows older than ``--grace-hours`` (default 1: rows a running
write or index build has just stored are kept). Safe to run while the service runs; a cron job
once a day is plenty.

Usage: python scripts/prune_match_cache.py [--grace-hours 1]
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.db.session import get_sessionmaker  # noqa: E402
from app.matches.cache_prune import prune_caches  # noqa: E402
from app.matches.index import new_matcher  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grace-hours", type=float, default=1.0, help="keep rows younger than this")
    args = parser.parse_args(argv)
    if args.grace_hours < 0:
        parser.error("--grace-hours must be >= 0")
    report = prune_caches(get_sessionmaker(), new_matcher(), grace=timedelta(hours=args.grace_hours))
    print(f"{report.records} records: deleted {report.tokens_deleted} token rows "
          f"and {report.embeddings_deleted} embedding rows no record uses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
