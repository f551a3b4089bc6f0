"""Broadcast figures: delivery rate to many emulated chats with Telegram's limits, and the
latency of a question asked meanwhile (part of `python -m bot bench`)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from bot.app import build_application, start_application, stop_application
from bot.bench.samples import ADMIN, FIRST_CHAT, TOKEN
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.emulator import BotApiEmulator
from bot.report import load_knowledge_base
from bot.storage import Schedule, Storage


async def bench_broadcast(quick: bool) -> None:
    chats = 200 if quick else 1000
    kb = load_knowledge_base(DEFAULT_DATA_DIR)
    print(f"broadcast to {chats} chats with Telegram's limits (30/s overall, 20/min per group)")
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator() as emulator:
            settings = Settings(
                token=TOKEN,
                api_base_url=emulator.base_url,
                database_path=Path(folder) / "bench.sqlite3",
                admin_ids=frozenset({ADMIN}),
            )
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
