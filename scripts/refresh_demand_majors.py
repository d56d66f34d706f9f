#!/usr/bin/env python3
"""Bring the derived demand→major mapping (table ``demand_major``) up to date: a batch job.

Usage: python scripts/refresh_demand_majors.py [--full]
Maps every demand created or changed since it was last mapped (``--full``: remaps all), with
the catalog and keyword classifier (the matching-engine fallback needs the running service:
``POST /api/v1/analytics/demand-majors/rebuild``). Analytics requests also refresh what is
stale, so this job only keeps the first request after a large import fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.analytics.demand_majors import rebuild_demand_majors, refresh_demand_majors  # noqa: E402
from app.db.session import get_sessionmaker  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="remap every demand, not only the stale ones")
    args = parser.parse_args(argv)
    with get_sessionmaker()() as session:
        mapped = rebuild_demand_majors(session) if args.full else refresh_demand_majors(session)
    print(f"demand_major: {mapped} demand(s) mapped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
