"""The offline console: the real Application and handlers, a local Bot API emulator, a terminal.

Each line typed is a message from one private user; the bot's replies are printed as plain text
with their buttons numbered (`[1] 经济交流`), and typing a number presses that button. Works with
piped input too (each line a message; it ends at the end of input).
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from telegram import Update

from bot.app import build_application, start_application, stop_application
from bot.config import Settings
from bot.emulator import BotApiEmulator, SentMessage
from bot.render import to_plain
from bot.report import KnowledgeBase
from bot.storage import Storage

CONSOLE_TOKEN = "1000000:console-token-not-a-secret-xxxxxxxxxx"
CONSOLE_CHAT = 424242
PROMPT = "你> "


class ConsoleChat:
    """Turns lines into updates for the Application and the emulator's records into text."""

    def __init__(self, emulator: BotApiEmulator, application: Any, out: IO[str]) -> None:
        self.emulator = emulator
        self.application = application
        self.out = out
        self.seen_versions: dict[int, int] = {}
        self.buttons: list[tuple[int, dict[str, Any]]] = []

    async def send_line(self, line: str) -> None:
        line = line.rstrip("\n")
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self.buttons):
            await self.press(*self.buttons[int(choice) - 1])
        else:
            payload = self.emulator.user_message(
                CONSOLE_CHAT, line, first_name="Console", language_code="zh-hans"
            )
            await self.process(payload)
        self.print_new()

    async def press(self, message_id: int, button: dict[str, Any]) -> None:
        if "callback_data" in button:
            payload = self.emulator.callback_query(
                CONSOLE_CHAT, CONSOLE_CHAT, message_id, button["callback_data"]
            )
            await self.process(payload)
        elif "switch_inline_query" in button:
            payload = self.emulator.inline_query(CONSOLE_CHAT, button["switch_inline_query"])
            await self.process(payload)
            answers = self.emulator.inline_answers
            if answers:
                for result in answers[-1].results:
                    self.out.write(f"  (inline) {result.get('title')}\n")

    async def process(self, payload: dict[str, Any]) -> None:
        await self.application.process_update(Update.de_json(payload, self.application.bot))

    def print_new(self) -> None:
        fresh: list[SentMessage] = []
        for message in self.emulator.sent_messages(CONSOLE_CHAT):
            version = len(message.history)
            if not message.from_bot or self.seen_versions.get(message.message_id) == version:
                continue
            self.seen_versions[message.message_id] = version
            fresh.append(message)
        if not fresh:
            return
        self.buttons = []
        for message in fresh:
            self.out.write("\n" + to_plain(message.text or "").strip() + "\n")
            for row in message.buttons:
                labels = []
                for button in row:
                    self.buttons.append((message.message_id, button))
                    labels.append(f"[{len(self.buttons)}] {button.get('text')}")
                self.out.write("  ".join(labels) + "\n")
        self.out.write("\n")
        self.out.flush()


async def run_console(settings: Settings, kb: KnowledgeBase, source: IO[str], out: IO[str]) -> int:
    interactive = source.isatty()
    with tempfile.TemporaryDirectory(prefix="gz-report-bot-") as folder:
        async with BotApiEmulator(username="gz_report_bot", first_name="报告问答") as emulator:
            console_settings = replace(
                settings,
                token=CONSOLE_TOKEN,
                api_base_url=emulator.base_url,
                rate_overall=0,
                rate_group=0,
            )
            storage = Storage(Path(folder) / "console.sqlite3")
            application = build_application(console_settings, kb, storage)
            await start_application(application)
            try:
                chat = ConsoleChat(emulator, application, out)
                if interactive:
                    out.write("离线控制台：输入问题或 /命令，输入数字按按钮，Ctrl-D 退出。\n")
                    await chat.send_line("/start")
                loop = asyncio.get_running_loop()
                while True:
                    if interactive:
                        out.write(PROMPT)
                        out.flush()
                    line = await loop.run_in_executor(None, source.readline)
                    if not line:
                        break
                    if not interactive:
                        out.write(f"{PROMPT}{line.rstrip()}\n")
                    if line.strip():
                        await chat.send_line(line)
            finally:
                await stop_application(application)
    return 0
