"""Shared fixtures: the real knowledge base, a local Bot API emulator, and the bot running on it.

Two ways to drive the bot, as the project's conventions ask:
* `offline_app`: the Application with a recording request (`EmulatorRequest`) that answers from
  the emulator's logic in-process; tests feed real `Update` objects to `process_update`.
* `running_bot`: the Application polling the emulator over HTTP on 127.0.0.1, end to end.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import build_application, start_application, stop_application
from bot.cli import load_kb
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.emulator import BotApiEmulator, SentMessage, _decode_field
from bot.report import KnowledgeBase
from bot.search import ReportIndex
from bot.storage import Storage

TOKEN = "123456:TEST-token-for-the-local-emulator-only"
ADMIN_ID = 777
USER_ID = 1001


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def index(kb: KnowledgeBase) -> ReportIndex:
    return ReportIndex(kb)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


def make_settings(emulator: BotApiEmulator, folder: Path, **overrides: Any) -> Settings:
    settings = Settings(
        token=TOKEN,
        api_base_url=emulator.base_url,
        admin_ids=frozenset({ADMIN_ID}),
        database_path=folder / "bot.sqlite3",
        rate_overall=0,
        rate_group=0,
    )
    return replace(settings, **overrides)


class EmulatorRequest(BaseRequest):
    """A recording request: answers every call from the emulator's logic, without HTTP."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        token = url.rsplit("/", 2)[-2].removeprefix("bot")
        raw = request_data.json_parameters if request_data else {}
        params = {name: _decode_field(name, value) for name, value in raw.items()}
        status, body = await self.emulator.dispatch(token, api_method, params)
        return status, json.dumps(body).encode()


@pytest.fixture
async def offline_app(
    emulator: BotApiEmulator, kb: KnowledgeBase, tmp_path: Path
) -> AsyncIterator[Any]:
    """The Application with an in-process request; feed it updates with `process_update`."""
    storage = Storage(tmp_path / "bot.sqlite3")
    application = build_application(
        make_settings(emulator, tmp_path), kb, storage, request=EmulatorRequest(emulator)
    )
    async with application:
        await application.post_init(application)  # type: ignore[misc]
        yield application
        await application.post_stop(application)  # type: ignore[misc]
    await application.post_shutdown(application)  # type: ignore[misc]


async def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll a condition on the bot's state (storage, jobs) until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


async def feed(application: Any, payload: dict[str, Any]) -> None:
    """Hand one emulator-made update to the Application, as Telegram would."""
    await application.process_update(Update.de_json(payload, application.bot))


class RunningBot:
    """The bot polling the emulator; helpers to talk to it and wait for its answers."""

    def __init__(self, application: Any, emulator: BotApiEmulator, storage: Storage) -> None:
        self.application = application
        self.emulator = emulator
        self.storage = storage

    def bot_messages(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.emulator.sent_messages(chat_id) if m.from_bot]

    async def say(
        self, chat_id: int, text: str, *, expect: int = 1, timeout: float = 10.0, **kwargs: Any
    ) -> list[SentMessage]:
        """Send a user message; wait for `expect` new bot messages in that chat."""
        before = len(self.bot_messages(chat_id))
        self.emulator.user_message(chat_id, text, **kwargs)
        return await self.wait_messages(chat_id, before + expect, timeout)

    async def wait_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[SentMessage]:
        await self.emulator.wait_for(
            lambda _: len(self.bot_messages(chat_id)) >= count, timeout=timeout
        )
        return self.bot_messages(chat_id)[count - 1 :] if count else []

    async def settle(self) -> None:
        """Wait until every queued update was fetched and processed."""
        await self.emulator.wait_until_consumed()
        await self.application.update_queue.join()


async def start_bot(
    emulator: BotApiEmulator,
    kb: KnowledgeBase,
    folder: Path,
    settings_change: Callable[[Settings], Settings] | None = None,
) -> RunningBot:
    settings = make_settings(emulator, folder)
    if settings_change:
        settings = settings_change(settings)
    storage = Storage(settings.database_path)
    application = build_application(settings, kb, storage)
    await start_application(application, polling=True)
    return RunningBot(application, emulator, storage)


async def stop_bot(running: RunningBot) -> None:
    await stop_application(running.application)


@pytest.fixture
def bot_folder(tmp_path: Path) -> Path:
    """Where the running bot keeps its database; override it in a test module if needed."""
    return tmp_path


@pytest.fixture
async def running_bot(
    emulator: BotApiEmulator, kb: KnowledgeBase, bot_folder: Path
) -> AsyncIterator[RunningBot]:
    running = await start_bot(emulator, kb, bot_folder)
    try:
        yield running
    finally:
        await stop_bot(running)


@pytest.fixture
async def restartable(
    emulator: BotApiEmulator, kb: KnowledgeBase, bot_folder: Path
) -> AsyncIterator[list[RunningBot]]:
    """Bots started one after the other on one database folder; the last is stopped at the end."""
    bots = [await start_bot(emulator, kb, bot_folder)]
    try:
        yield bots
    finally:
        await stop_bot(bots[-1])
