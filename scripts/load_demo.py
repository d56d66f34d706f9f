#!/usr/bin/env python3
"""Fill the database with the deterministic bilingual demo data (idempotent).

Usage: python scripts/load_demo.py [--if-empty] [--today YYYY-MM-DD]
Run inside the project's environment (scripts/serve.py does this for you).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.auth.service import ensure_demo_admin  # noqa: E402
from app.db.session import get_sessionmaker  # noqa: E402
from app.demo.loader import database_is_empty, load_demo  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--if-empty", action="store_true", help="only load when there are no organizations yet")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="reference date (default: today)")
    args = parser.parse_args(argv)

    with get_sessionmaker()() as session:
        if args.if_empty and not database_is_empty(session):
            print("demo data: database is not empty; nothing loaded "
                  "(set an admin password with: python scripts/create_admin.py --email E --password P)")
            return 0
        report = load_demo(session, args.today or date.today())
        email, password = ensure_demo_admin(session)
        session.commit()
    print(
        f"demo data: {report.organizations} organizations, {report.demands} demands, {report.programs} programs, "
        f"{report.cohorts} cohorts, {report.offers} offers ({report.changed} created or changed)"
    )
    print(
        "demo admin (a new random password each time the demo is loaded):\n"
        f"  e-mail:   {email}\n  password: {password}\n"
        "  log in at /docs (Authorize) or: curl -d username=EMAIL -d password=PASSWORD "
        "http://127.0.0.1:8000/api/v1/auth/token"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
