#!/usr/bin/env python3
"""Run the whole test suite: set up .venv with the dev extra, then pytest.

Usage: python3 scripts/test.py [pytest arguments]
Set TEST_DATABASE_URL=postgresql+psycopg://user@host:5432/db to run against PostgreSQL
(a fresh schema is created and dropped for the run).
"""

from __future__ import annotations

import os
import sys

from _bootstrap import ROOT, ensure_venv


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    python = str(ensure_venv("dev"))
    os.chdir(ROOT)
    os.execv(python, [python, "-m", "pytest", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
