"""Answers to callback and inline queries (each query may be answered once)."""

from __future__ import annotations

import itertools
import json
from typing import Literal

from bot.emulator._messages import MessagesMixin
from bot.emulator._records import MAX_INLINE_RESULTS, Answer, JSONDict, _bad
from bot.emulator._validation import check_markup

_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class QueriesMixin(MessagesMixin):
    """Open queries (made by the update factories) and answerCallbackQuery/answerInlineQuery."""

    def __init__(self) -> None:
        super().__init__()
        self._open_queries: dict[str, Literal["callback_query", "inline_query"]] = {}
        self._query_counter = itertools.count(1)

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(self._require(params, "callback_query_id", _QUERY_INVALID))
        if self._open_queries.pop(query_id, None) != "callback_query":
            raise _bad(_QUERY_INVALID)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self.answers.append(Answer("callback_query", query_id, params))
        return True

    def _answer_inline_query(self, params: JSONDict) -> bool:
        query_id = str(self._require(params, "inline_query_id", _QUERY_INVALID))
        results = params.get("results")
        if isinstance(results, str):
            results = json.loads(results)
        if not isinstance(results, list):
            raise _bad('parameter "results" is required')
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or not result.get("type"):
                raise _bad("RESULT_TYPE_INVALID")
            result_id = str(result.get("id", ""))
            if not result_id or len(result_id.encode("utf-8")) > 64:
                raise _bad("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                message_text = str(content["message_text"])
                plain, _entities = self._format(
                    message_text, content.get("parse_mode"), content.get("entities")
                )
                if not plain:
                    raise _bad("MESSAGE_EMPTY")
            if "reply_markup" in result:
                check_markup(result["reply_markup"])
        next_offset = params.get("next_offset")
        if next_offset is not None and len(str(next_offset).encode("utf-8")) > 64:
            raise _bad("NEXT_OFFSET_INVALID")
        if self._open_queries.pop(query_id, None) != "inline_query":
            raise _bad(_QUERY_INVALID)
        self.answers.append(Answer("inline_query", query_id, params))
        return True
