#!/usr/bin/env python3
"""Create a platform admin, or reset an existing account to platform admin with a new password.

Usage: python scripts/create_admin.py --email admin@example.org --password 'a-long-Passphrase-1'
       (or --password-stdin to read the password from standard input)
Run inside the project's environment after the migrations (``alembic upgrade head``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.auth.service import create_or_reset_admin  # noqa: E402
from app.core.errors import AppError  # noqa: E402
from app.db.session import get_sessionmaker  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--email", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--password", help="the new password (visible in the process list; prefer --password-stdin)")
    source.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else args.password

    try:
        with get_sessionmaker().begin() as session:
            user, created = create_or_reset_admin(session, args.email, password)
            email = user.email
    except AppError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    print(f"platform admin {email} {'created' if created else 'reset'}; log in with POST /api/v1/auth/token")
    return 0


if __name__ == "__main__":
    sys.exit(main())
