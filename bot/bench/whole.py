"""Whole-bot figures against the local Bot API emulator (part of `python -m bot bench`).

Every app runs in a fresh process of its own (`bot.bench.child`) polling the emulator over HTTP
on 127.0.0.1; the emulator runs in another process, so what the app's process measures is the
app's own cost. The bare python-telegram-bot echo pays the same HTTP and library costs, so the
differences show what our code adds:

* peak RSS: the app process's maximum resident set (VmHWM), start-up included;
* cold start: from just before the process is started until its first update was answered
  (imports, loading the report, building the index, `post_init`, the first getUpdates);
* time per update: the app process's CPU time while it processes one update (median and p99),
  the "bot-side" cost; the wall time per update, which also waits for the emulator, is shown
  beside it.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from bot.bench.samples import FIRST_CHAT, SAMPLE_QUESTIONS, USERS, percentile

APPS = {"echo": "echo", "shaped echo": "shaped", "report bot": "bot"}


def _serve_emulator(port: Any, go: Any, done: Any) -> None:
    """Child process: for each round, queue one question and report "queued"; once it is
    answered queue `count` more, and report the seconds until all were answered."""
    from bot.emulator import BotApiEmulator

    async def serve() -> None:
        async with BotApiEmulator() as emulator:
            port.put(emulator.port)
            loop = asyncio.get_running_loop()

            async def answered(total: int) -> None:
                def enough(_: object) -> bool:
                    return emulator.method_counts["sendMessage"] >= total

                await emulator.wait_for(enough, timeout=600)

            while count := await loop.run_in_executor(None, go.get):
                sent = emulator.method_counts["sendMessage"]
                emulator.user_message(FIRST_CHAT, SAMPLE_QUESTIONS[0])
                done.put("queued")
                await answered(sent + 1)
                started = time.perf_counter()
                for n in range(count):
                    question = SAMPLE_QUESTIONS[n % len(SAMPLE_QUESTIONS)]
                    emulator.user_message(FIRST_CHAT + n % USERS, question)
                await answered(sent + 1 + count)
                done.put(time.perf_counter() - started)

    asyncio.run(serve())


def _round(kind: str, base_url: str, count: int, channel: tuple[Any, Any]) -> dict[str, float]:
    go, done = channel
    go.put(count)
    assert done.get(timeout=60) == "queued"
    with tempfile.TemporaryDirectory() as folder:
        started = time.time()
        child = subprocess.run(
            [sys.executable, "-m", "bot.bench.child", kind, base_url, str(count + 1), folder],
            capture_output=True,
            text=True,
            check=False,
        )
    if child.returncode != 0:
        raise RuntimeError(f"bench child {kind} failed:\n{child.stderr}")
    wall = done.get(timeout=60)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    cpu, per_update = result["cpu"][1:], result["wall"][1:]  # the first one is the cold start
    return {
        "rss": result["peak_rss_mb"],
        "cold": result["first_answered"] - started,
        "cpu50": statistics.median(cpu) * 1000,
        "cpu99": percentile(cpu, 0.99) * 1000,
        "cpu_mean": sum(cpu) / len(cpu) * 1000,
        "wall50": statistics.median(per_update) * 1000,
        "wall99": percentile(per_update, 0.99) * 1000,
        "rate": count / wall,
    }


def _cell(values: list[float], digits: int) -> str:
    """The median of the rounds, with their spread (min-max) when there is more than one."""
    middle = f"{statistics.median(values):.{digits}f}"
    if len(values) == 1:
        return middle
    return f"{middle} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def bench_bot(quick: bool) -> None:
    count = 100 if quick else 600
    rounds = 1 if quick else 5
    print(
        f"whole bot vs echo ({count} questions from {USERS} users; each app in a fresh process "
        f"polling the local emulator; median of {rounds} round(s), (min-max))"
    )
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in APPS}
    context = multiprocessing.get_context("spawn")
    port, go, done = context.Queue(), context.Queue(), context.Queue()
    emulator = context.Process(target=_serve_emulator, args=(port, go, done), daemon=True)
    emulator.start()
    try:
        base_url = f"http://127.0.0.1:{port.get(timeout=60)}/bot"
        for _ in range(rounds):  # alternate, so a busy moment does not favour one app
            for name, kind in APPS.items():
                runs[name].append(_round(kind, base_url, count, (go, done)))
    finally:
        go.put(0)
        emulator.join(timeout=10)
    columns = (
        ("peak RSS MB", "rss", 1),
        ("cold start s", "cold", 2),
        ("CPU ms/update p50", "cpu50", 2),
        ("p99", "cpu99", 2),
        ("wall ms/update p50", "wall50", 2),
        ("p99", "wall99", 2),
        ("updates/s", "rate", 0),
    )
    for name, results in runs.items():
        print(f"  {name}")
        for label, key, digits in columns:
            print(f"    {label:<20} {_cell([r[key] for r in results], digits)}")
    ours, echo = runs["report bot"], runs["echo"]

    def ratio(key: str) -> list[float]:
        return [o[key] / e[key] for o, e in zip(ours, echo, strict=True)]

    extra_start = [o["cold"] - e["cold"] for o, e in zip(ours, echo, strict=True)]
    print("  report bot / echo, round by round:")
    print(f"    bot-side time per update (CPU p50): {_cell(ratio('cpu50'), 2)}x")
    print(f"    CPU per update (mean):              {_cell(ratio('cpu_mean'), 2)}x")
    print(f"    wall time per update (p50):         {_cell(ratio('wall50'), 2)}x")
    print(f"    peak RSS:                           {_cell(ratio('rss'), 2)}x")
    print(f"    cold start, seconds more:           {_cell(extra_start, 2)}")
    shaped = [o["cpu50"] / s["cpu50"] for o, s in zip(ours, runs["shaped echo"], strict=True)]
    print(f"  report bot / an echo sending the same reply shape (CPU p50): {_cell(shaped, 2)}x")
