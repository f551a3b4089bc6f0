"""Tests for the local Telegram Bot API emulator (``bot.emulator``), one file per part of it,
driven by the real python-telegram-bot."""

TOKEN = "123456:TEST-token"
USER = 424242
GROUP = -4012345
SUPERGROUP = -1001234567890
