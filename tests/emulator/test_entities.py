"""Emulator: HTML/MarkdownV2 parsing and UTF-16 entity offsets."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator, parse_entities
from tests.emulator import USER


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


async def test_utf16_offsets_for_commands_after_emoji(bot: Bot) -> None:
    emu_text = "😀 /help"
    plain, _ = parse_entities(emu_text, None)
    assert plain == emu_text
    assert parse_entities("😀<b>x</b>", "HTML")[1] == [{"offset": 2, "length": 1, "type": "bold"}]
