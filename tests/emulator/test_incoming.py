"""Emulator: update factories parse as python-telegram-bot Updates."""

from __future__ import annotations

from telegram import Bot, Update

from bot.emulator import BotApiEmulator
from tests.emulator import GROUP, SUPERGROUP, USER


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
