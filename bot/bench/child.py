"""One app of the whole-bot benchmark, in a process of its own (`python -m bot.bench.child`).

    python -m bot.bench.child KIND BASE_URL COUNT DATABASE_DIR

KIND is `echo` (a bare python-telegram-bot echo), `shaped` (an echo sending our answers' shape:
an HTML item and four buttons, no search) or `bot` (the report bot as `python -m bot` builds
it). The app polls the emulator at BASE_URL, answers COUNT updates, stops and prints one JSON
line: peak RSS, when the first update was answered (for the cold start), and the wall and CPU
time of each update inside the process.

Only the standard library and python-telegram-bot are imported at module level, so the echo
pays for nothing of ours; the report bot imports its modules after the process started, as
`python -m bot` does, and that import time is part of its cold start.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeAlias

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    SimpleUpdateProcessor,
    filters,
)

from bot.bench.samples import TOKEN

App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


class TimedUpdates(SimpleUpdateProcessor):
    """One update at a time, as the default processor; records each one's wall and CPU time
    and sets `finished` after `expected` updates."""

    def __init__(self, expected: int) -> None:
        super().__init__(max_concurrent_updates=1)
        self.expected = expected
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.first_answered: float | None = None
        self.finished = asyncio.Event()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        await coroutine
        self.cpu.append(time.process_time() - cpu)
        self.wall.append(time.perf_counter() - wall)
        if self.first_answered is None:
            self.first_answered = time.time()
        if len(self.wall) >= self.expected:
            self.finished.set()


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not `ru_maxrss`: Linux carries that across
    `exec` from the parent, so a child would report the benchmark's own size."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource  # elsewhere: the best there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def _shaped_echo() -> Any:
    from bot.config import DEFAULT_DATA_DIR
    from bot.render import render_item
    from bot.report import load_knowledge_base
    from bot.texts import texts_for
    from handlers.common import item_keyboard

    kb = load_knowledge_base(DEFAULT_DATA_DIR)
    texts = texts_for("zh-hans")
    item = kb.items["visits-02"]
    html = render_item(kb, item, texts)

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message:
            markup = item_keyboard(item, texts, True)
            await update.effective_message.reply_html(html, reply_markup=markup)

    return reply


def _application(kind: str, base_url: str, folder: Path, timer: TimedUpdates) -> App:
    if kind == "bot":
        from dataclasses import replace

        from bot.app import build_application
        from bot.commands import BUILTIN_NAMES
        from bot.config import DEFAULT_DATA_DIR, Settings
        from bot.report import load_knowledge_base
        from bot.storage import Storage

        kb = load_knowledge_base(DEFAULT_DATA_DIR, BUILTIN_NAMES)
        settings = Settings(token=TOKEN, api_base_url=base_url)
        settings = replace(
            settings, database_path=folder / "bench.sqlite3", rate_overall=0, rate_group=0
        )
        return build_application(
            settings, kb, Storage(settings.database_path), update_processor=timer
        )
    application = (
        ApplicationBuilder().token(TOKEN).base_url(base_url).concurrent_updates(timer).build()
    )
    handler = _echo if kind == "echo" else _shaped_echo()
    application.add_handler(MessageHandler(filters.TEXT, handler))
    return application


async def _start_plain(application: App, *, polling: bool = False) -> None:
    """`bot.app.start_application` for the echoes, without importing the report bot."""
    await application.initialize()
    await application.start()
    if polling and application.updater is not None:
        await application.updater.start_polling(poll_interval=0.0, timeout=1)


async def _stop_plain(application: App) -> None:
    if application.updater is not None:
        await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def run(kind: str, base_url: str, count: int, folder: Path) -> dict[str, Any]:
    timer = TimedUpdates(count)
    application = _application(kind, base_url, folder, timer)
    start, stop = _start_plain, _stop_plain
    if kind == "bot":
        from bot.app import start_application as start
        from bot.app import stop_application as stop

    await start(application, polling=True)
    await timer.finished.wait()
    await stop(application)
    return {
        "peak_rss_mb": peak_rss_mb(),
        "first_answered": timer.first_answered,
        "wall": timer.wall,
        "cpu": timer.cpu,
    }


def main(argv: list[str]) -> int:
    kind, base_url, count, folder = argv
    result = asyncio.run(run(kind, base_url, int(count), Path(folder)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
