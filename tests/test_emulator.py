"""Tests for the local Telegram Bot API emulator, driven by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
from collections.abc import AsyncIterator

import httpx
import pytest
import tornado.web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.emulator import BotApiEmulator, Call, parse_entities

TOKEN = "123456:TEST-token"
USER = 424242
GROUP = -4012345
SUPERGROUP = -1001234567890


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url
    ) as tg_bot:
        yield tg_bot


async def test_get_me_and_token_recorded(emulator: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "gz_report_bot"
    assert me.is_bot
    assert bot.username == "gz_report_bot"
    assert emulator.last_token == TOKEN
    assert emulator.method_counts["getMe"] >= 1


async def test_send_message_html(emulator: BotApiEmulator, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("更多", callback_data="more:1")]])
    message = await bot.send_message(
        USER,
        "<b>广州</b> 1 &lt; 2 😀 <a href='https://example.org'>链接</a>",
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )
    assert message.text == "广州 1 < 2 😀 链接"
    assert message.chat.type == "private"
    assert message.from_user is not None and message.from_user.id == emulator.bot_id
    assert message.reply_markup == markup
    assert message.entities[0].type == MessageEntity.BOLD
    link = message.entities[1]
    assert link.type == MessageEntity.TEXT_LINK
    assert link.url == "https://example.org"
    assert message.parse_entity(link) == "链接"  # UTF-16 offsets line up with PTB's slicing

    (sent,) = emulator.sent_messages(USER)
    assert sent.plain == "广州 1 < 2 😀 链接"
    assert sent.text is not None and sent.text.startswith("<b>广州</b>")
    assert sent.parse_mode == "HTML"
    assert sent.callback_data == ["more:1"]
    second = await bot.send_message(USER, "again")
    assert second.message_id == message.message_id + 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<foo>x</foo>", 'unsupported start tag "foo"'),
        ("<b>unclosed", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", "unmatched end tag"),
        ("1 < 2", 'unsupported start tag ""'),
        ("AT&T", '"&"'),
        ("<br/>", 'unsupported start tag "br/"'),
    ],
)
async def test_invalid_html_rejected(bot: Bot, text: str, fragment: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)an't parse entities") as excinfo:
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    assert fragment.lower() in str(excinfo.value).lower()


async def test_markdown_v2_reserved_character(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)reserved"):
        await bot.send_message(USER, "Version 1.0", parse_mode=ParseMode.MARKDOWN_V2)
    ok = await bot.send_message(USER, r"*Version* 1\.0", parse_mode=ParseMode.MARKDOWN_V2)
    assert ok.text == "Version 1.0"
    assert ok.entities[0].type == MessageEntity.BOLD


async def test_length_and_empty_limits(emulator: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(USER, "字" * 4097)
    # markup does not count: 4096 visible characters inside tags is fine
    await bot.send_message(USER, "<b>" + "字" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await bot.send_message(USER, "   ")
    too_big = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "hi", reply_markup=too_big)
    assert len(emulator.sent_messages(USER)) == 1


async def test_edit_message(emulator: BotApiEmulator, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    sent = await bot.send_message(USER, "v1", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("v1", USER, sent.message_id, reply_markup=markup)
    edited = await bot.edit_message_text(
        "<i>v2</i>", USER, sent.message_id, parse_mode=ParseMode.HTML
    )
    assert isinstance(edited, Message)
    assert edited.text == "v2"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # like Telegram: omitted markup removes the keyboard
    (record,) = emulator.sent_messages(USER)
    assert record.plain == "v2"
    assert [v.plain for v in record.history] == ["v1"]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


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


async def test_utf16_offsets_for_commands_after_emoji(bot: Bot) -> None:
    emu_text = "😀 /help"
    plain, _ = parse_entities(emu_text, None)
    assert plain == emu_text
    assert parse_entities("😀<b>x</b>", "HTML")[1] == [{"offset": 2, "length": 1, "type": "bold"}]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_faults_raise_ptb_exceptions(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.fail_next(USER, "retry_after", retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(USER, "x")
    # int in PTB 22 (timedelta once PTB_TIMEDELTA is the default)
    assert retry.value.retry_after in (7, dtm.timedelta(seconds=7))
    await bot.send_message(USER, "now ok")

    emulator.fail_next(USER, "blocked")
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(USER, "x")

    emulator.fail_next(GROUP, "kicked")
    with pytest.raises(Forbidden, match=r"(?i)kicked"):
        await bot.send_message(GROUP, "x")

    emulator.fail_next(GROUP, "migrate", new_chat_id=SUPERGROUP)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(GROUP, "x")
    assert migrated.value.new_chat_id == SUPERGROUP

    emulator.fail_next(None, "server_error", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "x")
    await bot.send_message(USER, "recovered")
    assert emulator.texts(USER) == ["now ok", "recovered"]


async def test_persistent_block_and_migration(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.block_chat(USER)
    for _ in range(3):
        with pytest.raises(Forbidden):
            await bot.send_message(USER, "x")
    emulator.unblock_chat(USER)
    await bot.send_message(USER, "back")

    emulator.migrate_chat(GROUP, SUPERGROUP)
    with pytest.raises(ChatMigrated):
        await bot.send_message(GROUP, "x")
    moved = await bot.send_message(SUPERGROUP, "y")
    assert moved.chat.type == "supergroup"


async def test_commands_round_trip(emulator: BotApiEmulator, bot: Bot) -> None:
    zh = [BotCommand("start", "开始"), BotCommand("report_2023", "报告")]
    en = [BotCommand("start", "Start")]
    assert await bot.set_my_commands(zh, language_code="zh")
    assert await bot.set_my_commands(en, scope=BotCommandScopeAllGroupChats())
    assert await bot.get_my_commands(language_code="zh") == tuple(zh)
    assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == tuple(en)
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "x")])
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_DESCRIPTION_INVALID"):
        await bot.set_my_commands([BotCommand("start", "x" * 257)])
    assert await bot.delete_my_commands(language_code="zh")
    assert await bot.get_my_commands(language_code="zh") == ()


async def test_answer_inline_query_limits(emulator: BotApiEmulator, bot: Bot) -> None:
    def article(i: int | str) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(str(i), f"t{i}", InputTextMessageContent(f"m{i}"))

    update = emulator.inline_query(USER, "台湾")
    query_id = update["inline_query"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(query_id, [article(i) for i in range(51)])
    with pytest.raises(BadRequest, match=r"(?i)RESULT_ID_DUPLICATE"):
        await bot.answer_inline_query(query_id, [article(1), article(1)])
    assert await bot.answer_inline_query(query_id, [article(i) for i in range(50)])
    (answer,) = emulator.inline_answers
    assert len(answer.results) == 50
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, [article(1)])


async def test_chat_members(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.add_chat(SUPERGROUP, "supergroup", title="测试群")
    emulator.set_admins(SUPERGROUP, [1001], can_pin=True, creator_id=1000)
    assert (await bot.get_chat_member(SUPERGROUP, 1001)).status == ChatMemberStatus.ADMINISTRATOR
    assert (await bot.get_chat_member(SUPERGROUP, 1000)).status == ChatMemberStatus.OWNER
    assert (await bot.get_chat_member(SUPERGROUP, 1002)).status == ChatMemberStatus.MEMBER
    me = await bot.get_chat_member(SUPERGROUP, emulator.bot_id)
    assert me.status == ChatMemberStatus.MEMBER
    sent = await bot.send_message(SUPERGROUP, "pin me")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.pin_chat_message(SUPERGROUP, sent.message_id)
    emulator.set_bot_status(SUPERGROUP, "administrator", can_pin_messages=True)
    me = await bot.get_chat_member(SUPERGROUP, emulator.bot_id)
    assert me.status == ChatMemberStatus.ADMINISTRATOR
    assert me.can_pin_messages  # type: ignore[attr-defined]
    assert await bot.pin_chat_message(SUPERGROUP, sent.message_id)
    admins = await bot.get_chat_administrators(SUPERGROUP)
    assert {a.user.id for a in admins} == {1000, 1001, emulator.bot_id}
    chat = await bot.get_chat(SUPERGROUP)
    assert chat.title == "测试群"
    assert chat.type == "supergroup"


async def test_callback_query_and_answer(emulator: BotApiEmulator, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("go", callback_data="go")]])
    sent = await bot.send_message(USER, "menu", reply_markup=markup)
    raw = emulator.callback_query(USER, USER, sent.message_id, "go")
    update = Update.de_json(raw, bot)
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(update.callback_query.id, text="好")
    assert emulator.callback_answers[0].text == "好"


async def test_other_update_factories_parse(emulator: BotApiEmulator, bot: Bot) -> None:
    raws = [
        emulator.sticker_message(USER),
        emulator.photo_message(USER, caption="看 /help"),
        emulator.voice_message(USER),
        emulator.user_message(SUPERGROUP, "hi", user_id=5, reply_to_message_id=None),
        emulator.edited_message(SUPERGROUP, 1, "hi!"),
        emulator.chosen_inline_result(USER, "r1", "q"),
        emulator.my_chat_member(GROUP, "group", 7, "left", "member", title="G"),
        emulator.group_migrated(GROUP, SUPERGROUP),
        emulator.channel_post(-1009999999999, "news"),
    ]
    updates = [Update.de_json(r, bot) for r in raws]
    assert updates[0].message and updates[0].message.sticker
    assert updates[1].message and updates[1].message.photo
    assert updates[2].message and updates[2].message.voice
    assert updates[4].edited_message and updates[4].edited_message.text == "hi!"
    assert updates[6].my_chat_member is not None
    assert updates[7].message and updates[7].message.migrate_to_chat_id == SUPERGROUP
    assert updates[8].channel_post and updates[8].channel_post.chat.type == "channel"
    assert emulator.pending_updates == len(raws) + 1  # migration also queues the new-chat message
    file = await bot.get_file(updates[2].message.voice.file_id)
    assert bytes(await file.download_as_bytearray()) == b"OggS fake-voice"


async def test_raw_http_errors_and_json_body(emulator: BotApiEmulator) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{emulator.port}") as client:
        response = await client.post(f"/bot{TOKEN}/noSuchMethod")
        assert response.status_code == 404
        assert response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
        response = await client.get("/nowhere")
        assert response.status_code == 404
        assert response.json()["ok"] is False
        response = await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": USER})
        assert response.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message text is empty",
        }
        response = await client.post(
            f"/bot{TOKEN}/sendMessage", json={"chat_id": str(USER), "text": 123}
        )
        assert response.json()["result"]["text"] == "123"
        # form fields: text stays a string even if it looks like JSON
        response = await client.post(
            f"/bot{TOKEN}/sendMessage", data={"chat_id": str(USER), "text": "[1, 2]"}
        )
        assert response.json()["result"]["text"] == "[1, 2]"


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
