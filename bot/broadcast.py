"""Delivering one announcement to many chats, exactly once, across crashes and restarts.

The delivery state of every recipient lives in the database (see `bot.storage`): a row is
claimed (`sending`) before the network call and settled after it, so a restart resumes where
the last run stopped. A row found in `sending` at start-up was interrupted mid-call; whether
Telegram got it is unknown, and we mark it `uncertain` rather than risk a duplicate.

This module knows nothing about Telegram: the caller passes a `Sender` that sends one message
and raises the outcomes below, and a `progress` callback for the admin's status message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.storage import Storage

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 3
BATCH = 50
PROGRESS_INTERVAL = 3.0


class DeliveryError(Exception):
    """Raised by a `Sender` when a message was not delivered."""


class RetryLater(DeliveryError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class ChatGone(DeliveryError):
    """Blocked by the user, kicked from the group, chat deleted: stop sending there."""


class ChatMoved(DeliveryError):
    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class OutcomeUnknown(DeliveryError):
    """The request may or may not have reached Telegram (a timeout after sending)."""


class DeliveryFailed(DeliveryError):
    def __init__(self, reason: str, retryable: bool = False) -> None:
        super().__init__(reason)
        self.retryable = retryable


class Sender(Protocol):
    async def __call__(self, chat_id: int, text: str, pin: bool) -> int: ...


Progress = Callable[[dict[str, int], bool], Awaitable[None]]


@dataclass
class BroadcastRun:
    """One broadcast being delivered; `stop()` ends it after the message in flight."""

    storage: Storage
    broadcast_id: int
    sender: Sender
    progress: Progress | None = None
    on_chat_moved: Callable[[int, int], Awaitable[None]] | None = None
    on_chat_gone: Callable[[int], Awaitable[None]] | None = None

    def __post_init__(self) -> None:
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def _db(self, function: Callable[..., T], *args: object) -> T:
        # Each write is a committed (fsynced) transaction; keep them off the event loop.
        return await asyncio.to_thread(function, *args)

    async def run(self) -> dict[str, int]:
        broadcast = await self._db(self.storage.get_broadcast, self.broadcast_id)
        if broadcast is None or broadcast.status != "running":
            return await self._db(self.storage.delivery_counts, self.broadcast_id)
        recovered = await self._db(self.storage.recover_interrupted, self.broadcast_id)
        if recovered:
            log.warning("broadcast %s: %d interrupted deliveries marked uncertain",
                        self.broadcast_id, recovered)  # fmt: skip
        last_progress = 0.0
        while not self.stopping:
            batch = await self._db(self.storage.next_pending_deliveries, self.broadcast_id, BATCH)
            if not batch:
                break
            for delivery in batch:
                if self.stopping:
                    break
                await self._deliver(delivery.chat_id, broadcast.text, broadcast.pin)
                if self.progress and time.monotonic() - last_progress >= PROGRESS_INTERVAL:
                    last_progress = time.monotonic()
                    await self._report(final=False)
        counts = await self._db(self.storage.delivery_counts, self.broadcast_id)
        if not self.stopping and counts.get("pending", 0) == 0 and counts.get("sending", 0) == 0:
            await self._db(self.storage.finish_broadcast, self.broadcast_id)
            await self._report(final=True)
        return counts

    async def _report(self, final: bool) -> None:
        if self.progress is None:
            return
        counts = await self._db(self.storage.delivery_counts, self.broadcast_id)
        try:
            await self.progress(counts, final)
        except Exception:  # a failed status edit must never stop the delivery
            log.warning("broadcast %s: progress update failed", self.broadcast_id, exc_info=True)

    async def _deliver(self, chat_id: int, text: str, pin: bool) -> None:
        storage, bid = self.storage, self.broadcast_id
        if not await self._db(storage.mark_sending, bid, chat_id):
            return
        try:
            message_id = await self.sender(chat_id, text, pin)
        except RetryLater as exc:
            await self._db(storage.mark_failed, bid, chat_id, str(exc), "pending")
            log.info("broadcast %s: flood control, waiting %.1fs", bid, exc.seconds)
            await asyncio.sleep(exc.seconds)
        except ChatMoved as exc:
            await self._db(storage.rekey_delivery, bid, chat_id, exc.new_chat_id)
            if self.on_chat_moved:
                await self.on_chat_moved(chat_id, exc.new_chat_id)
        except ChatGone as exc:
            await self._db(storage.mark_failed, bid, chat_id, str(exc), "removed")
            if self.on_chat_gone:
                await self.on_chat_gone(chat_id)
        except OutcomeUnknown as exc:
            log.warning("broadcast %s: outcome unknown for chat %s: %s", bid, chat_id, exc)
            await self._db(storage.mark_uncertain, bid, chat_id, str(exc))
        except DeliveryFailed as exc:
            delivery = await self._db(storage.get_delivery, bid, chat_id)
            attempts = delivery.attempts if delivery else MAX_ATTEMPTS
            retry = exc.retryable and attempts < MAX_ATTEMPTS
            await self._db(
                storage.mark_failed, bid, chat_id, str(exc), "pending" if retry else "failed"
            )
        else:
            await self._db(storage.mark_delivered, bid, chat_id, message_id)
