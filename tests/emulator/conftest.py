"""A python-telegram-bot ``Bot`` talking to the ``emulator`` fixture (from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.emulator import BotApiEmulator
from tests.emulator import TOKEN


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url
    ) as tg_bot:
        yield tg_bot
