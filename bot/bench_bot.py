"""Whole-bot benchmarks against the local Bot API emulator (part of `python -m bot bench`).

Both benchmarks run the real Application in polling mode over HTTP on 127.0.0.1. For the
cost per update the emulator runs in a child process, so the CPU time measured is the bot's
alone; the echo baseline pays the same HTTP and python-telegram-bot costs, so the ratio shows
what our handlers add.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application, start_application, stop_application
from bot.bench import SAMPLE_QUESTIONS
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.emulator import BotApiEmulator
from bot.render import render_item
from bot.report import KnowledgeBase, load_knowledge_base
from bot.storage import Schedule, Storage
from bot.texts import texts_for
from handlers.common import item_keyboard

TOKEN = "123456:benchmark-token-for-the-local-emulator"
ADMIN = 999
FIRST_CHAT = 10_000
USERS = 50  # people asking several questions each, as in real use


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def _shaped_echo(kb: KnowledgeBase) -> Any:
    """An echo whose reply has our answers' shape (an HTML item and four buttons) but no
    search: it shows how much of our cost is the reply itself."""
    texts = texts_for("zh-hans")
    item = kb.items["visits-02"]
    html = render_item(kb, item, texts)

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message:
            markup = item_keyboard(item, texts, True)
            await update.effective_message.reply_html(html, reply_markup=markup)

    return reply


def _serve_emulator(port: Any, go: Any, done: Any, count: int) -> None:
    """Child process: an emulator that queues `count` questions on `go` and reports when all
    were answered (as the wall time in seconds)."""

    async def serve() -> None:
        async with BotApiEmulator() as emulator:
            port.put(emulator.port)
            loop = asyncio.get_running_loop()
            while True:
                if not await loop.run_in_executor(None, go.get):
                    return
                target = emulator.method_counts["sendMessage"] + count
                started = time.perf_counter()
                for n in range(count):
                    question = SAMPLE_QUESTIONS[n % len(SAMPLE_QUESTIONS)]
                    emulator.user_message(FIRST_CHAT + n % USERS, question)

                def answered(_: object, target: int = target) -> bool:
                    return emulator.method_counts["sendMessage"] >= target

                await emulator.wait_for(answered, timeout=600)
                done.put(time.perf_counter() - started)

    asyncio.run(serve())


async def _drive(
    application: Application[Any, Any, Any, Any, Any, Any], channel: Any
) -> tuple[float, float]:
    """One round: the child queues the questions; wall and CPU seconds of this process."""
    _, go, done = channel
    await start_application(application, polling=True)
    loop = asyncio.get_running_loop()
    cpu = time.process_time()
    go.put(True)
    wall = await loop.run_in_executor(None, done.get)
    cpu = time.process_time() - cpu
    await stop_application(application)
    return wall, cpu


def _settings(emulator: BotApiEmulator, folder: Path, **changes: Any) -> Settings:
    return replace(_settings_for(emulator.base_url, folder), **changes)


def _settings_for(base_url: str, folder: Path, **changes: Any) -> Settings:
    base = Settings(
        token=TOKEN,
        api_base_url=base_url,
        database_path=folder / "bench.sqlite3",
        admin_ids=frozenset({ADMIN}),
    )
    return replace(base, **changes)


async def bench_bot(quick: bool) -> None:
    count = 100 if quick else 600
    kb = load_knowledge_base(DEFAULT_DATA_DIR)
    print(f"whole bot vs echo ({count} questions from {USERS} users, polling the local emulator)")
    rounds = 1 if quick else 5
    runs: dict[str, list[tuple[float, float]]] = {"echo": [], "shaped echo": [], "report bot": []}
    context = multiprocessing.get_context("spawn")
    port, go, done = context.Queue(), context.Queue(), context.Queue()
    child = context.Process(target=_serve_emulator, args=(port, go, done, count), daemon=True)
    child.start()
    try:
        base_url = f"http://127.0.0.1:{port.get(timeout=60)}/bot"
        with tempfile.TemporaryDirectory() as folder:
            # Alternate the two so a busy moment on the machine does not favour one of them.
            for _ in range(rounds):
                echo = ApplicationBuilder().token(TOKEN).base_url(base_url).build()
                echo.add_handler(MessageHandler(filters.TEXT, _echo))
                runs["echo"].append(await _drive(echo, (port, go, done)))
                shaped = ApplicationBuilder().token(TOKEN).base_url(base_url).build()
                shaped.add_handler(MessageHandler(filters.TEXT, _shaped_echo(kb)))
                runs["shaped echo"].append(await _drive(shaped, (port, go, done)))
                settings = replace(
                    _settings_for(base_url, Path(folder)), rate_overall=0, rate_group=0
                )
                ours = build_application(settings, kb, Storage(settings.database_path))
                runs["report bot"].append(await _drive(ours, (port, go, done)))
    finally:
        go.put(False)
        child.join(timeout=10)
    print(f"  {'app':<12} {'updates/s':>10} {'CPU ms/update':>14}   (median of {rounds})")
    cpu: dict[str, float] = {}
    for name, results in runs.items():
        wall = statistics.median(r[0] for r in results)
        cpu[name] = statistics.median(r[1] for r in results)
        print(f"  {name:<12} {count / wall:>10.1f} {cpu[name] / count * 1000:>14.2f}")
    ratio = cpu["report bot"] / cpu["echo"]
    shaped_ratio = cpu["report bot"] / cpu["shaped echo"]
    print(f"  cost ratio (CPU per update in the bot's process, report bot / echo): {ratio:.2f}x")
    print(f"  report bot / an echo sending the same reply shape: {shaped_ratio:.2f}x")


async def bench_broadcast(quick: bool) -> None:
    chats = 200 if quick else 1000
    kb = load_knowledge_base(DEFAULT_DATA_DIR)
    print(f"broadcast to {chats} chats with Telegram's limits (30/s overall, 20/min per group)")
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator() as emulator:
            settings = _settings(emulator, Path(folder))
            storage = Storage(settings.database_path)
            for n in range(chats):
                chat_id = FIRST_CHAT + n
                storage.upsert_chat(chat_id, "private", f"user {n}")
                storage.set_subscription(chat_id, Schedule("daily", 9, 0), chat_id)
            application = build_application(settings, kb, storage)
            await start_application(application, polling=True)

            emulator.user_message(ADMIN, "/announce 基准测试公告")
            preview = (await emulator.wait_for_messages(ADMIN, 1, timeout=10))[-1]
            started = time.perf_counter()
            emulator.callback_query(ADMIN, ADMIN, preview.message_id, preview.callback_data[0])

            def delivered() -> int:
                return sum(
                    1
                    for m in emulator.sent_messages()
                    if m.from_bot and m.chat_id >= FIRST_CHAT and m.chat_id < FIRST_CHAT + chats
                )

            await emulator.wait_for(lambda _: delivered() >= chats // 3, timeout=600)
            asked = time.perf_counter()
            emulator.user_message(ADMIN + 1, "宋涛什么时候来广州考察")
            await emulator.wait_for_messages(ADMIN + 1, 1, timeout=60)
            latency = time.perf_counter() - asked
            await emulator.wait_for(lambda _: delivered() >= chats, timeout=600)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(0.2)
            await stop_application(application)
    print(f"  delivered {chats} in {elapsed:.1f} s: {chats / elapsed:.1f} messages/s")
    print(f"  a question asked mid-broadcast was answered in {latency * 1000:.0f} ms")
