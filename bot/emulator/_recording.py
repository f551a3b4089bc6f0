"""Observation: the calls the emulator answered, the messages it stores, and waiting for both."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

from bot.emulator._base import EmulatorBase
from bot.emulator._records import Answer, Call, CallResult, SentMessage, _Signal


class RecorderMixin(EmulatorBase):
    """Records every call and stores every message (the bot's and injected ones) by chat."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.results: list[CallResult] = []
        self.method_counts: Counter[str] = Counter()
        self.answers: list[Answer] = []
        self.internal_errors: list[BaseException] = []
        self._sent: list[SentMessage] = []
        self._sent_by_chat: dict[int, list[SentMessage]] = {}
        self._clear_generation = 0
        self._calls_signal = _Signal()
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._message_ids: dict[int, int] = {}

    def _next_message_id(self, chat_id: int) -> int:
        value = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = value
        return value

    def _store(self, record: SentMessage) -> SentMessage:
        self._messages[(record.chat_id, record.message_id)] = record
        if record.from_bot:
            self._sent.append(record)
            self._sent_by_chat.setdefault(record.chat_id, []).append(record)
        return record

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """Any stored message (bot's or injected user message)."""
        return self._messages.get((chat_id, message_id))

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent (since the last :meth:`clear`), oldest first."""
        if chat_id is None:
            return list(self._sent)
        return list(self._sent_by_chat.get(chat_id, ()))

    def last_message(self, chat_id: int | None = None) -> SentMessage | None:
        messages = self._sent if chat_id is None else self._sent_by_chat.get(chat_id, [])
        return messages[-1] if messages else None

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Plain texts/captions of the bot's messages."""
        return [m.plain or "" for m in self.sent_messages(chat_id)]

    @property
    def callback_answers(self) -> list[Answer]:
        return [a for a in self.answers if a.kind == "callback_query"]

    @property
    def inline_answers(self) -> list[Answer]:
        return [a for a in self.answers if a.kind == "inline_query"]

    def clear(self) -> None:
        """Forget observations (calls, results, counters, sent messages, answers).

        Chats, stored messages (for later edits), commands and queued updates are kept.
        """
        self.calls = []
        self.results = []
        self.method_counts = Counter()
        self.answers = []
        self.internal_errors = []
        self._sent = []
        self._sent_by_chat = {}
        self._clear_generation += 1

    async def wait_for(
        self,
        predicate: Callable[[Call], bool],
        timeout: float = 5.0,
        *,
        since: int = 0,
        ok_only: bool = False,
    ) -> Call:
        """Wait until a recorded call (index >= ``since``) satisfies ``predicate``.

        Calls are recorded when answered.  Raises ``TimeoutError``.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        generation = self._clear_generation
        while True:
            if generation != self._clear_generation:
                generation, index = self._clear_generation, 0
            calls, results = self.calls, self.results
            while index < len(calls):
                call = calls[index]
                if (not ok_only or results[index].ok) and predicate(call):
                    return call
                index += 1
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                recent = [
                    f"{c.method}{'' if r.ok else '!'}"
                    for c, r in zip(calls[-10:], results[-10:], strict=True)
                ]
                raise TimeoutError(f"no matching call within {timeout}s; last calls: {recent}")
            await self._calls_signal.wait(remaining)

    async def wait_for_method(
        self,
        method: str,
        timeout: float = 5.0,
        *,
        chat_id: int | None = None,
        since: int = 0,
    ) -> Call:
        """Wait for a successful call of ``method`` (optionally to ``chat_id``)."""

        def matches(call: Call) -> bool:
            if call.method != method:
                return False
            return chat_id is None or str(call.params.get("chat_id")) == str(chat_id)

        return await self.wait_for(matches, timeout, since=since, ok_only=True)

    async def wait_for_messages(
        self,
        chat_id: int | None,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least ``count`` messages to ``chat_id``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            messages = self.sent_messages(chat_id)
            if len(messages) >= count:
                return messages
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                raise TimeoutError(
                    f"expected {count} message(s) to {chat_id}, got {len(messages)}: "
                    f"{[m.plain for m in messages]}"
                )
            await self._calls_signal.wait(remaining)
