#!/usr/bin/env python3
"""Two-command entry point: `python3 dev.py start` and `python3 dev.py test`.

Creates `.venv` beside this file on first use, installs the project into it (again whenever
pyproject.toml changes) and then runs the bot or the test suite inside it. Needs nothing but
Python 3.11+ and pip.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def ensure_venv(extras: str) -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print(f"creating virtualenv in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"installing the project [{extras}] into {VENV}", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[{extras}]"],
        check=True,
    )
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("start", [])
    if command == "start":
        ensure_venv("dev")
        return subprocess.call([str(PYTHON), "-m", "bot", *rest], cwd=ROOT)
    if command == "test":
        ensure_venv("dev")
        return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
    if command == "setup":
        ensure_venv("dev")
        return 0
    print("usage: python3 dev.py [start|test|setup] [args...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
