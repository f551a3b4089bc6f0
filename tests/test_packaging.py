"""Packaging, checked without Docker: the Dockerfile, .dockerignore, the wheel, README and CI.

No Docker engine is needed. The Dockerfile is parsed and the parts that can run outside a
container are run: `python -m bot --help`, and the HEALTHCHECK command in both of its branches
(webhook mode against a stub /healthz server on 127.0.0.1, polling mode with `python -m bot
check`). The wheel is built from a copy of exactly what the Dockerfile copies.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path

import pytest

from bot.cli import _parser, load_kb
from bot.commands import BUILTIN_NAMES
from bot.config import DEFAULT_DATA_DIR, VARIABLES, Settings

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
README = ROOT / "README.md"
VALID_TOKEN = "123456:" + "A" * 35


# --- Dockerfile -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    line: int


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with their continuation lines joined and comment lines dropped."""
    instructions: list[Instruction] = []
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue  # Docker drops comment lines, also inside a continued instruction
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        keyword, _, args = (buffer + stripped).partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip(), start))
        buffer = ""
    assert not buffer, "the Dockerfile ends inside a continued line"
    return instructions


@pytest.fixture(scope="module")
def dockerfile() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


def of_kind(instructions: list[Instruction], keyword: str) -> list[Instruction]:
    return [i for i in instructions if i.keyword == keyword]


def env_of(instructions: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in of_kind(instructions, "ENV"):
        words = shlex.split(instruction.args)
        if "=" not in words[0]:  # legacy form: ENV NAME value
            env[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            name, _, value = word.partition("=")
            env[name] = value
    return env


def copies(instructions: list[Instruction]) -> list[tuple[list[str], str, str]]:
    """(sources, destination, workdir at that point) of every COPY/ADD from the context."""
    result: list[tuple[list[str], str, str]] = []
    workdir = "/"
    for instruction in instructions:
        if instruction.keyword == "WORKDIR":
            workdir = posixpath.join(workdir, instruction.args)
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        args = instruction.args
        words = json.loads(args) if args.startswith("[") else shlex.split(args)
        if any(w.startswith("--from") for w in words):
            continue
        paths = [w for w in words if not w.startswith("--")]
        result.append((paths[:-1], paths[-1], workdir))
    return result


def exec_form(instruction: Instruction) -> list[str]:
    assert instruction.args.startswith("["), f"{instruction.keyword} should use the exec form"
    words = json.loads(instruction.args)
    assert isinstance(words, list)
    return [str(w) for w in words]


def test_base_image_is_python_311_slim(dockerfile: list[Instruction]) -> None:
    froms = of_kind(dockerfile, "FROM")
    assert froms, "no FROM"
    assert froms[-1].args.split()[0] == "python:3.11-slim"


def test_runs_as_a_non_root_user(dockerfile: list[Instruction]) -> None:
    cmd_at = dockerfile.index(of_kind(dockerfile, "CMD")[-1])
    users = of_kind(dockerfile[:cmd_at], "USER")
    assert users, "no USER before CMD: the bot would run as root"
    user = users[-1].args.split(":")[0]
    assert user not in ("root", "0")
    assert not of_kind(dockerfile[cmd_at:], "USER"), "a USER after CMD changes who runs it"


def test_copied_files_exist_and_are_in_the_build_context(dockerfile: list[Instruction]) -> None:
    sources = [source for paths, _, _ in copies(dockerfile) for source in paths]
    for needed in ("pyproject.toml", "README.md", "bot", "handlers", "data"):
        assert any(s.rstrip("/") == needed for s in sources), f"{needed} is not copied"
    patterns = dockerignore_patterns()
    for source in sources:
        path = ROOT / source
        assert path.exists(), f"COPY {source}: not in the repository"
        assert not ignored(source.rstrip("/"), patterns), f"COPY {source}: .dockerignore drops it"
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            relative = file.relative_to(ROOT).as_posix()
            if "__pycache__" not in relative:
                assert not ignored(relative, patterns), f"{relative} is dropped by .dockerignore"


def test_installs_the_project_non_editable(dockerfile: list[Instruction]) -> None:
    runs = [i.args for i in of_kind(dockerfile, "RUN")]
    installs = [r for r in runs if "pip install" in r]
    assert installs, "the project is never installed"
    assert any(re.search(r"pip install --no-cache-dir \.(\s|$)", r) for r in installs)
    assert not any(re.search(r"\s(-e|--editable)\s", r) for r in installs)


def test_cmd_runs_the_bot_module(dockerfile: list[Instruction]) -> None:
    assert exec_form(of_kind(dockerfile, "CMD")[-1]) == ["python", "-m", "bot"]
    assert (ROOT / "bot" / "__main__.py").is_file()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "check" in done.stdout


def test_data_dir_is_the_copied_data_folder(dockerfile: list[Instruction]) -> None:
    data_dir = env_of(dockerfile).get("DATA_DIR")
    assert data_dir, "DATA_DIR must be set: the default points into site-packages' parent"
    targets = [
        posixpath.normpath(posixpath.join(workdir, destination))
        for paths, destination, workdir in copies(dockerfile)
        if [p.rstrip("/") for p in paths] == ["data"]
    ]
    assert targets, "data/ is not copied on its own"
    assert posixpath.normpath(data_dir) in targets
    assert (ROOT / "data" / "reports").is_dir()


def test_database_lives_in_a_volume_owned_by_the_bot_user(dockerfile: list[Instruction]) -> None:
    database = env_of(dockerfile).get("DATABASE_PATH")
    assert database and posixpath.isabs(database)
    folder = posixpath.dirname(database)
    volumes: list[str] = []
    for instruction in of_kind(dockerfile, "VOLUME"):
        args = instruction.args
        volumes += json.loads(args) if args.startswith("[") else args.split()
    assert folder in [v.rstrip("/") for v in volumes]
    user = of_kind(dockerfile, "USER")[-1].args.split(":")[0]
    runs = " ".join(i.args for i in of_kind(dockerfile, "RUN"))
    assert re.search(rf"chown\s+(-R\s+)?{re.escape(user)}(:\S+)?\s+{re.escape(folder)}", runs)


def test_environment_and_port(dockerfile: list[Instruction]) -> None:
    assert env_of(dockerfile).get("PYTHONUNBUFFERED") == "1"
    exposed = " ".join(i.args for i in of_kind(dockerfile, "EXPOSE")).split()
    assert str(Settings().port) in exposed


# --- HEALTHCHECK, run for real in both modes ---------------------------------------------------


def healthcheck_command(instructions: list[Instruction]) -> str:
    checks = of_kind(instructions, "HEALTHCHECK")
    assert checks, "no HEALTHCHECK"
    _, found, command = checks[-1].args.partition("CMD ")
    assert found and command.strip(), "HEALTHCHECK without CMD"
    assert not command.lstrip().startswith("["), "expected the shell form"
    return command


def clean_env(**extra: str) -> dict[str, str]:
    """This environment minus every bot variable, with `python` meaning this interpreter."""
    env = {k: v for k, v in os.environ.items() if k not in {name for name, *_ in VARIABLES}}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def run_healthcheck(command: str, env: dict[str, str], cwd: Path) -> int:
    done = subprocess.run(
        ["/bin/sh", "-c", command], env=env, cwd=cwd, capture_output=True, timeout=60, check=False
    )
    return done.returncode


@pytest.fixture
def health_server() -> Iterator[tuple[int, list[int]]]:
    """A stand-in for the webhook server's GET /healthz; set status[0] to change its answer."""
    status = [HTTPStatus.OK.value]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status[0] if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], status
    finally:
        server.shutdown()
        server.server_close()


def test_healthcheck_in_webhook_mode_asks_healthz(
    dockerfile: list[Instruction], health_server: tuple[int, list[int]], tmp_path: Path
) -> None:
    command = healthcheck_command(dockerfile)
    port, status = health_server
    env = clean_env(
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_SECRET="s3cr3t",
        PORT=str(port),
        DATA_DIR="/nonexistent",  # webhook mode must not depend on `bot check`
    )
    assert run_healthcheck(command, env, tmp_path) == 0
    status[0] = HTTPStatus.SERVICE_UNAVAILABLE.value
    assert run_healthcheck(command, env, tmp_path) != 0


def test_healthcheck_in_polling_mode_runs_bot_check(
    dockerfile: list[Instruction], tmp_path: Path
) -> None:
    command = healthcheck_command(dockerfile)
    good = clean_env(TELEGRAM_BOT_TOKEN=VALID_TOKEN, DATA_DIR=str(DEFAULT_DATA_DIR))
    assert run_healthcheck(command, good, tmp_path) == 0
    bad = clean_env(TELEGRAM_BOT_TOKEN=VALID_TOKEN, DATA_DIR=str(tmp_path / "missing"))
    assert run_healthcheck(command, bad, tmp_path) != 0


# --- .dockerignore ------------------------------------------------------------------------------


def dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """(negated, regex) per line, with Docker's meaning of *, ?, [...] and **."""
    patterns: list[tuple[bool, re.Pattern[str]]] = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = posixpath.normpath(line.lstrip("!").strip("/"))
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[" and "]" in pattern[i:]:
                end = pattern.index("]", i)
                regex, i = regex + pattern[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        # A pattern that matches a folder excludes everything in it.
        patterns.append((negated, re.compile(regex + "(?:/.*)?")))
    return patterns


def ignored(path: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    result = False
    for negated, regex in patterns:  # the last matching line wins
        if regex.fullmatch(path):
            result = not negated
    return result


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    patterns = dockerignore_patterns()
    for path in (
        ".venv",
        ".venv/bin/python",
        ".git",
        ".git/HEAD",
        ".env",
        "var/bot.sqlite3",
        "bot.sqlite3",
        "tests/test_packaging.py",
        "bot/__pycache__/cli.cpython-311.pyc",
        ".pytest_cache/v/cache/nodeids",
        "gz_taiwan_report_bot.egg-info/PKG-INFO",
    ):
        assert ignored(path, patterns), f"{path} would be sent to the Docker build"
    for path in ("README.md", "pyproject.toml", "bot/cli.py", "data/reports/gz2023.yaml"):
        assert not ignored(path, patterns), f"{path} is needed by the image"


# --- the wheel ----------------------------------------------------------------------------------


def can_build_offline() -> bool:
    """setuptools ≥ 68 with bdist_wheel (built in from 70.1, else the `wheel` package)."""
    try:
        found = tuple(int(n) for n in re.findall(r"\d+", version("setuptools"))[:2])
    except PackageNotFoundError:
        return False
    return found >= (68, 0) and (found >= (70, 1) or find_spec("wheel") is not None)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The project's wheel, built from a copy of what the Dockerfile copies (no data/ needed)."""
    base = tmp_path_factory.mktemp("wheel")
    source, out = base / "src", base / "dist"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("bot", "handlers"):
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    # Without build isolation when the installed setuptools can build the wheel; otherwise pip
    # fetches the build requirements from PyPI (a few seconds).
    isolation = ["--no-build-isolation"] if can_build_offline() else []
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out)]
    done = subprocess.run(
        [*command, *isolation, str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def test_wheel_contains_the_package_data(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for needed in (
        "bot/locales/zh-hans.yaml",
        "bot/locales/en.yaml",
        "bot/py.typed",
        "bot/__main__.py",
        "handlers/__init__.py",
    ):
        assert needed in names, f"{needed} is missing from the wheel"
    locales = {p.name for p in (ROOT / "bot" / "locales").glob("*.yaml")}
    assert {f"bot/locales/{name}" for name in locales} <= names
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"bot", "handlers"}, f"unexpected top-level entries: {top}"


def test_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[console_scripts]" in text
    assert re.search(r"^gz-report-bot\s*=\s*bot\.__main__:main\s*$", text, re.MULTILINE)


# --- README and CI --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_readme_quick_start_is_exactly_two_commands(readme: str) -> None:
    heading = re.search(r"^#+ .*quick start.*$", readme, re.IGNORECASE | re.MULTILINE)
    assert heading, "no Quick start heading"
    block = re.search(r"^```[^\n]*\n(.*?)^```", readme[heading.end() :], re.DOTALL | re.MULTILINE)
    assert block, "no fenced block after the Quick start heading"
    lines = [
        line.strip()
        for line in block.group(1).splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert lines == ["python3 dev.py start", "python3 dev.py test"]


def test_readme_configuration_table_matches_config(readme: str) -> None:
    rows: dict[str, list[str]] = {}
    for line in readme.splitlines():
        cells = [c.strip().strip("`").strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) == 4:
            rows.setdefault(cells[0], cells)
    for name, default, example, meaning in VARIABLES:
        assert name in readme
        assert rows.get(name) == [name, default, example, meaning], f"table row of {name}"


def test_readme_lists_every_command_and_subcommand(readme: str) -> None:
    commands = set(BUILTIN_NAMES) | set(load_kb(DEFAULT_DATA_DIR).commands)
    for command in sorted(commands):
        assert re.search(rf"/{command}\b", readme), f"/{command} is not in the README"
    subparsers = next(a for a in _parser()._actions if a.dest == "command")
    assert isinstance(subparsers.choices, dict)
    for name in subparsers.choices:
        assert f"python -m bot {name}" in readme, f"`python -m bot {name}` is not in the README"


def test_ci_runs_the_readme_test_command() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert any(re.match(r"^python3 dev\.py test(\s|$)", line) for line in lines)
