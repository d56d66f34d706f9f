#!/usr/bin/env python3
"""Run the service: set up .venv, migrate the database, load demo data when empty, serve.

Usage: python3 scripts/serve.py [--host 127.0.0.1] [--port 8000] [--workers 1] [--no-demo]
"""

from __future__ import annotations

import argparse
import os
import sys

from _bootstrap import ROOT, ensure_venv, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    parser.add_argument("--no-demo", action="store_true", help="do not load demo data into an empty database")
    args = parser.parse_args(argv)

    python = str(ensure_venv())
    run([python, "-m", "alembic", "upgrade", "head"])
    if not args.no_demo:
        run([python, "scripts/load_demo.py", "--if-empty"])
    print(f"serving on http://{args.host}:{args.port}  (API docs: http://{args.host}:{args.port}/docs)", flush=True)
    # app.server: uvicorn, with one SO_REUSEPORT socket per worker so connections spread evenly
    cmd = [python, "-m", "app.server", "--host", args.host, "--port", str(args.port),
           "--workers", str(args.workers), "--proxy-headers",
           # Requests are logged once, as JSON, by the app's access log; in-flight requests get 30 s on SIGTERM.
           "--no-access-log", "--timeout-graceful-shutdown", "30"]
    os.chdir(ROOT)
    os.execv(python, cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
