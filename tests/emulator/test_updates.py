"""Emulator: long polling, conflicting pollers and the webhook."""

from __future__ import annotations

import asyncio
import json

import pytest
import tornado.web
from telegram import Bot, MessageEntity, Update
from telegram.error import Conflict
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.emulator import BotApiEmulator, Call
from tests.emulator import TOKEN, USER


async def test_long_polling_delivers_injected_message(emulator: BotApiEmulator, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await emulator.wait_for(lambda c: c.method == "getMe")  # bot initialised, poll is parked
    await asyncio.sleep(0.05)
    assert not poll.done()
    raw = emulator.user_message(USER, "/start@gz_report_bot 你好 @someone_else")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [raw["update_id"]]
    message = updates[0].message
    assert message is not None
    assert message.text == "/start@gz_report_bot 你好 @someone_else"
    assert message.from_user is not None and message.from_user.language_code == "zh-hans"
    types = [e.type for e in message.entities]
    assert types == [MessageEntity.BOT_COMMAND, MessageEntity.MENTION]
    assert message.entities[0].offset == 0
    assert message.parse_entities([MessageEntity.MENTION]).popitem()[1] == "@someone_else"
    assert emulator.pending_updates == 0
    # acknowledged by offset, like Telegram
    assert await bot.get_updates(offset=raw["update_id"] + 1, timeout=0) == ()
    # the returned dict is a valid Update for PTB
    assert Update.de_json(raw, bot).effective_chat.id == USER  # type: ignore[union-attr]


async def test_second_poller_conflicts(emulator: BotApiEmulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    # A Bot has a single getUpdates connection, so the "second instance" is another Bot.
    async with Bot(TOKEN, base_url=emulator.base_url) as other:
        await other.get_updates(timeout=0)
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
        await first


async def test_webhook_mode(emulator: BotApiEmulator, bot: Bot) -> None:
    received: list[tuple[dict[str, object], str | None]] = []
    got_one = asyncio.Event()

    class Hook(tornado.web.RequestHandler):
        def post(self) -> None:
            received.append(
                (
                    json.loads(self.request.body),
                    self.request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                )
            )
            got_one.set()

    server = HTTPServer(tornado.web.Application([(r"/hook", Hook)]))
    sockets = bind_sockets(0, "127.0.0.1")
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url.endswith("/hook")
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates()
        raw = emulator.user_message(USER, "via webhook")
        await asyncio.wait_for(got_one.wait(), 5)
        await emulator.wait_until_consumed(5)
        assert received == [(raw, "s3cret")]
        assert await bot.delete_webhook()
    finally:
        server.stop()
        await server.close_all_connections()


async def test_polling_application_echoes(emulator: BotApiEmulator) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"echo: {update.effective_message.text}", do_quote=True
        )

    app: Application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        inbound = emulator.user_message(USER, "你好")
        call: Call = await emulator.wait_for(
            lambda c: c.method == "sendMessage" and c.params.get("text") == "echo: 你好",
            timeout=5,
        )
        assert call.params["chat_id"] == USER
        reply = call.params["reply_parameters"]
        assert reply["message_id"] == inbound["message"]["message_id"]
        await emulator.wait_until_consumed(2)
        (sent,) = await emulator.wait_for_messages(USER, 1, timeout=2)
        assert sent.message["reply_to_message"]["text"] == "你好"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert not emulator.internal_errors
