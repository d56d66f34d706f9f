"""Create and refresh the project's virtual environment (standard library only).

Used by ``scripts/serve.py`` and ``scripts/test.py`` so that a fresh clone on a machine
with nothing but Python 3.11+ can run the service or the tests with one command.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(os.environ.get("TALENTMATCH_VENV", ROOT / ".venv"))


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _stamp(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(extras.encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_venv(extras: str = "") -> Path:
    """Create ``.venv`` if missing and (re)install the project when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under whatever python3 the user has
        sys.exit(f"Python 3.11 or newer is required (this is {sys.version.split()[0]}).")
    python = venv_python()
    if not python.exists():
        print(f"creating virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    stamp_file = VENV / ".talentmatch-installed"
    wanted = _stamp(extras)
    installed = stamp_file.read_text().split() if stamp_file.exists() else []
    if wanted not in installed:
        print("installing dependencies (first run or pyproject.toml changed) ...", flush=True)
        run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        target = f".[{extras}]" if extras else "."
        run([str(python), "-m", "pip", "install", "--quiet", "-e", target])
        stamp_file.write_text("\n".join([*installed, wanted]))
    return python


def run(cmd: list[str], **kwargs: object) -> None:
    """Run a command from the repository root; exit with its code on failure."""
    result = subprocess.run(cmd, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        sys.exit(result.returncode)
