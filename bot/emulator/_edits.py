"""Changing the bot's messages: editMessageText/Caption/ReplyMarkup and deleting."""

from __future__ import annotations

import time

from bot.emulator._messages import MessagesMixin
from bot.emulator._records import JSONDict, MessageVersion, SentMessage, _bad
from bot.emulator._validation import check_markup

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


class EditsMixin(MessagesMixin):
    """Edits keep the previous versions (``SentMessage.history``); deletes only mark."""

    def _find_editable(self, params: JSONDict) -> SentMessage | None:
        """Returns None for inline messages (``inline_message_id``)."""
        if params.get("inline_message_id"):
            return None
        chat = self._target_chat(params)
        message_id = self._int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        record = self._messages.get((chat.id, message_id))
        if record is None or record.deleted:
            raise _bad("message to edit not found")
        if not record.from_bot:
            raise _bad("message can't be edited")
        return record

    def _apply_edit(
        self,
        record: SentMessage,
        *,
        raw_text: str | None,
        plain: str | None,
        parse_mode: str | None,
        entities: list[JSONDict],
        markup: JSONDict | None,
        text_key: str | None,
    ) -> JSONDict:
        if (plain, entities, markup) == (record.plain, record.entities, record.reply_markup):
            raise _bad(_NOT_MODIFIED)
        record.history.append(
            MessageVersion(
                record.text, record.plain, record.parse_mode, record.reply_markup, record.entities
            )
        )
        message = dict(record.message)
        if text_key is not None:
            entities_key = "entities" if text_key == "text" else "caption_entities"
            message[text_key] = plain
            message.pop(entities_key, None)
            if entities:
                message[entities_key] = entities
        message.pop("reply_markup", None)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        record.text, record.plain, record.parse_mode = raw_text, plain, parse_mode
        record.entities, record.reply_markup, record.message = entities, markup, message
        return message

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        raw = params.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        text = str(raw)
        parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
        plain, entities = self._format(text, parse_mode, params.get("entities"))
        if not plain:
            raise _bad("message text is empty")
        markup = check_markup(params.get("reply_markup"))
        record = self._find_editable(params)
        if record is None:
            return True
        if "text" not in record.message:
            raise _bad("there is no text in the message to edit")
        return self._apply_edit(
            record,
            raw_text=text,
            plain=plain,
            parse_mode=parse_mode,
            entities=entities,
            markup=markup,
            text_key="text",
        )

    def _edit_message_caption(self, params: JSONDict) -> JSONDict | bool:
        raw = params.get("caption")
        text = "" if raw is None else str(raw)
        parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
        plain, entities = self._format(
            text, parse_mode, params.get("caption_entities"), caption=True
        )
        markup = check_markup(params.get("reply_markup"))
        record = self._find_editable(params)
        if record is None:
            return True
        if "text" in record.message:
            raise _bad("there is no caption in the message to edit")
        return self._apply_edit(
            record,
            raw_text=text,
            plain=plain,
            parse_mode=parse_mode,
            entities=entities,
            markup=markup,
            text_key="caption",
        )

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        markup = check_markup(params.get("reply_markup"))
        record = self._find_editable(params)
        if record is None:
            return True
        return self._apply_edit(
            record,
            raw_text=record.text,
            plain=record.plain,
            parse_mode=record.parse_mode,
            entities=record.entities,
            markup=markup,
            text_key=None,
        )

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        message_id = self._int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        record = self._messages.get((chat.id, message_id))
        if record is None or record.deleted:
            raise _bad("message to delete not found")
        record.deleted = True
        return True

    def _delete_messages(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message identifiers are not specified")
        for message_id in ids:
            record = self._messages.get((chat.id, int(message_id)))
            if record is not None:
                record.deleted = True
        return True
