"""Fault injection: flood control (429), blocked users and kicked bots (403), group migration,
server errors, and latency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.emulator._chats import ChatsMixin
from bot.emulator._records import SUPERGROUP_ID_THRESHOLD, ApiError, FaultKind, JSONDict, _bad

# Methods a blocked user / kicked bot cannot use on that chat.
_SEND_PREFIXES = ("send", "copy", "forward", "edit", "pin", "unpin", "delete")
_SEND_EXCLUDED = frozenset({"deleteWebhook", "deleteMyCommands", "deleteMessage"})


@dataclass
class _Fault:
    kind: FaultKind
    remaining: int
    retry_after: int
    new_chat_id: int | None
    method: str | None


class FaultsMixin(ChatsMixin):
    """Makes calls fail the way Telegram does: once (:meth:`fail_next`) or until undone
    (:meth:`block_chat`, :meth:`migrate_chat`)."""

    def __init__(self) -> None:
        super().__init__()
        self._faults: dict[int | None, list[_Fault]] = {}
        self._blocked: dict[int, str] = {}
        self._migrated: dict[int, int] = {}

    def _check_faults(self, method: str, params: JSONDict) -> None:
        if "chat_id" not in params:
            return
        try:
            chat_id = self._chat_id(params["chat_id"])
        except ApiError:
            return
        for key in (chat_id, None):
            faults = self._faults.get(key)
            if not faults:
                continue
            for fault in faults:
                if fault.method is not None and fault.method != method:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    faults.remove(fault)
                raise self._fault_error(fault.kind, chat_id, fault.retry_after, fault.new_chat_id)
        if chat_id in self._migrated:
            raise self._fault_error("migrate", chat_id, 0, self._migrated[chat_id])
        kind = self._blocked.get(chat_id)
        if kind is not None and method.startswith(_SEND_PREFIXES) and method not in _SEND_EXCLUDED:
            raise self._fault_error(kind, chat_id, 0, None)  # type: ignore[arg-type]

    def _fault_error(
        self, kind: FaultKind, chat_id: int, retry_after: int, new_chat_id: int | None
    ) -> ApiError:
        if kind == "retry_after":
            return ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        if kind == "blocked":
            return ApiError(403, "Forbidden: bot was blocked by the user")
        if kind == "deactivated":
            return ApiError(403, "Forbidden: user is deactivated")
        if kind == "kicked":
            chat = self._chats.get(chat_id)
            chat_type = chat.type if chat else self._derive_type(chat_id)
            if chat_type == "channel":
                return ApiError(403, "Forbidden: bot is not a member of the channel chat")
            return ApiError(403, f"Forbidden: bot was kicked from the {chat_type} chat")
        if kind == "migrate":
            target = new_chat_id if new_chat_id is not None else self._supergroup_id(chat_id)
            return ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": target},
            )
        if kind == "bad_gateway":
            return ApiError(502, "Bad Gateway")
        if kind == "chat_not_found":
            return _bad("chat not found")
        return ApiError(500, "Internal Server Error")

    @staticmethod
    def _supergroup_id(chat_id: int) -> int:
        return SUPERGROUP_ID_THRESHOLD - abs(chat_id)

    def fail_next(
        self,
        chat_id: int | None,
        kind: FaultKind,
        times: int = 1,
        retry_after: int = 1,
        *,
        new_chat_id: int | None = None,
        method: str | None = None,
    ) -> None:
        """Make the next ``times`` calls that target ``chat_id`` (any chat if None; optionally
        only ``method``) fail with ``kind``."""
        self._faults.setdefault(chat_id, []).append(
            _Fault(kind, times, retry_after, new_chat_id, method)
        )

    def block_chat(
        self, chat_id: int, kind: Literal["blocked", "kicked", "deactivated"] = "blocked"
    ) -> None:
        """Every send/edit/delete/pin to ``chat_id`` fails with 403 until :meth:`unblock_chat`."""
        self._blocked[chat_id] = kind

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.pop(chat_id, None)

    def migrate_chat(self, old_id: int, new_id: int | None = None) -> int:
        """Persistently upgrade group ``old_id`` to supergroup ``new_id``; returns ``new_id``."""
        target = new_id if new_id is not None else self._supergroup_id(old_id)
        self._migrated[old_id] = target
        old = self._chats.get(old_id)
        if target not in self._chats:
            self.add_chat(target, "supergroup", title=old.title if old else None)
        return target

    def set_delay(self, seconds: float, method: str | None = None) -> None:
        """Latency for every response, or only for ``method``."""
        if method is None:
            self.delay = seconds
        else:
            self.method_delays[method] = seconds
