"""The update queue and its two ways out: getUpdates (long polling) and the webhook."""

from __future__ import annotations

import asyncio
import bisect
import json
import re
import time

import httpx

from bot.emulator._base import EmulatorBase
from bot.emulator._records import ApiError, JSONDict, _bad, _Signal

_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_ALL_UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# What Telegram delivers when allowed_updates was never set (or set to []).
_DEFAULT_UPDATE_TYPES = frozenset(_ALL_UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


class UpdatesMixin(EmulatorBase):
    """Queued updates, delivered once each by getUpdates or by POSTs to the webhook."""

    def __init__(self) -> None:
        super().__init__()
        self._updates: list[JSONDict] = []
        self._head = 0
        self._next_update_id = 100_001
        self._delivered_upto = 0
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._updates_signal = _Signal()
        self._poll_generation = 0
        self._webhook: JSONDict | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_last_error: tuple[int, str] | None = None

    @property
    def pending_updates(self) -> int:
        """Queued updates not yet delivered (by getUpdates or webhook)."""
        first = bisect.bisect_right(
            self._updates, self._delivered_upto, lo=self._head, key=lambda u: u["update_id"]
        )
        return len(self._updates) - first

    async def wait_until_consumed(self, timeout: float = 5.0) -> None:
        """Wait until every queued update has been delivered to the bot."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.pending_updates:
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                raise TimeoutError(f"{self.pending_updates} update(s) still pending")
            await self._updates_signal.wait(remaining)

    def enqueue_update(self, update: JSONDict) -> JSONDict:
        """Queue any update payload (``update_id`` is assigned if missing)."""
        if "update_id" not in update or update["update_id"] < self._next_update_id:
            update = {"update_id": self._next_update_id, **update}
            update["update_id"] = self._next_update_id
        self._next_update_id = update["update_id"] + 1
        self._updates.append(update)
        self._updates_signal.fire()
        return update

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = -offset
            self._head = max(self._head, len(self._updates) - keep)
        else:
            while (
                self._head < len(self._updates) and self._updates[self._head]["update_id"] < offset
            ):
                self._head += 1
        if self._head > 1024 and self._head * 2 > len(self._updates):
            del self._updates[: self._head]
            self._head = 0

    def _update_kind(self, update: JSONDict) -> str:
        for key in update:
            if key != "update_id":
                return key
        return ""

    def _collect(self, limit: int, allowed: frozenset[str]) -> list[JSONDict]:
        batch: list[JSONDict] = []
        first = bisect.bisect_right(
            self._updates, self._delivered_upto, lo=self._head, key=lambda u: u["update_id"]
        )
        index = self._head
        while index < len(self._updates) and len(batch) < limit:
            update = self._updates[index]
            index += 1
            if self._update_kind(update) not in allowed:
                if index > first:
                    self._delivered_upto = max(self._delivered_upto, update["update_id"])
                continue
            batch.append(update)
        return batch

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = self._int(params, "offset", 0) or 0
        limit = min(max(self._int(params, "limit", 100) or 100, 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_UPDATE_TYPES
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()  # terminates a concurrent long poll
        self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            batch = self._collect(limit, self._allowed_updates)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing:
                break
            await self._updates_signal.wait(remaining)
        if batch:
            self._delivered_upto = max(self._delivered_upto, batch[-1]["update_id"])
            self._updates_signal.fire()
        return batch

    def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._drop_pending()
        if not url:
            self._webhook = None
            return True
        if not re.match(r"^https?://", url):
            raise _bad("bad webhook: HTTPS url must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise _bad("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_UPDATE_TYPES
        self._webhook = {
            "url": url,
            "secret_token": None if secret is None else str(secret),
            "max_connections": self._int(params, "max_connections", 40),
            "ip_address": params.get("ip_address"),
        }
        self._webhook_last_error = None
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())
        self._updates_signal.fire()
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._drop_pending()
        self._webhook = None
        self._updates_signal.fire()
        return True

    def _drop_pending(self) -> None:
        self._head = len(self._updates)
        if self._updates:
            self._delivered_upto = max(self._delivered_upto, self._updates[-1]["update_id"])
        self._updates_signal.fire()

    def _get_webhook_info(self, _params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates) - self._head,
        }
        if self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook.get("ip_address"):
                info["ip_address"] = self._webhook["ip_address"]
            if self._allowed_updates != _DEFAULT_UPDATE_TYPES:
                info["allowed_updates"] = sorted(self._allowed_updates)
        if self._webhook_last_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    async def _webhook_loop(self) -> None:
        while not self._closing:
            hook = self._webhook
            if hook is None:
                return
            if self._head >= len(self._updates):
                await self._updates_signal.wait(None)
                continue
            update = self._updates[self._head]
            if self._update_kind(update) not in self._allowed_updates:
                self._head += 1
                self._delivered_upto = max(self._delivered_upto, update["update_id"])
                continue
            headers = {"Content-Type": "application/json"}
            if hook["secret_token"]:
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            error: str | None = None
            try:
                assert self._http is not None
                response = await self._http.post(
                    hook["url"], content=json.dumps(update, ensure_ascii=False), headers=headers
                )
                if not 200 <= response.status_code < 300:
                    error = f"Wrong response from the webhook: {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"Connection failed: {exc!r}"
            if error is None:
                if self._head < len(self._updates) and self._updates[self._head] is update:
                    self._head += 1
                self._delivered_upto = max(self._delivered_upto, update["update_id"])
                self._updates_signal.fire()
            else:
                self._webhook_last_error = (int(time.time()), error)
                await asyncio.sleep(self.webhook_retry_delay)
