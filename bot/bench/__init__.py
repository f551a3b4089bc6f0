"""`python -m bot bench`: figures, never assertions.

* search (`bot.bench.search`): index build time, p50/p99 latency and peak memory on the real
  report and on a synthetic corpus of 10,000 items;
* bot (`bot.bench.whole`): each app in a process of its own polling the local emulator, next to
  a bare python-telegram-bot echo: peak RSS, cold start (process start to first answer), time
  per update (median, p99) and the ratio to the echo;
* broadcast (`bot.bench.broadcast`): delivery rate to 1,000 emulated chats with Telegram's real
  limits, and the latency of a question asked during the broadcast.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


def run_benchmarks(quick: bool = False, only: str | None = None) -> int:
    from bot.bench.search import bench_search

    parts: dict[str, Callable[[bool], None]] = {"search": bench_search}
    try:
        from bot.bench.broadcast import bench_broadcast
        from bot.bench.whole import bench_bot

        parts["bot"] = bench_bot
        parts["broadcast"] = lambda q: asyncio.run(bench_broadcast(q))
    except ImportError:  # pragma: no cover - the Telegram benches need the full install
        pass
    for name, part in parts.items():
        if only in (None, name):
            part(quick)
            print()
    return 0
