"""``Storage``: the bot's database as one object over the per-concern stores."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

from bot.storage._aliases import AliasStore
from bot.storage._broadcasts import BroadcastStore
from bot.storage._chats import ChatStore
from bot.storage._connection import Database, _ts
from bot.storage._questions import QuestionStore

S = TypeVar("S")
P = ParamSpec("P")
R = TypeVar("R")


class _Delegate(Generic[S, P, R]):
    """A method of :class:`Storage` that is the same method of one of its stores."""

    def __init__(self, store: str, method: Callable[Concatenate[S, P], R]) -> None:
        self._store = store
        self._name = method.__name__
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, obj: Storage, owner: type[Any]) -> Callable[P, R]: ...

    def __get__(self, obj: Storage | None, owner: type[Any]) -> Self | Callable[P, R]:
        if obj is None:
            return self
        method: Callable[P, R] = getattr(getattr(obj, self._store), self._name)
        return method


@dataclass(frozen=True, slots=True)
class StorageStats:
    active_chats_by_type: dict[str, int]
    inactive_chats: int
    subscriptions: int
    questions_since: int
    answered_ratio: float | None  # None when no question was asked in the period
    top_unanswered: list[tuple[str, int]]
    feedback: dict[str, int]  # {"up": n, "down": m}

    @property
    def active_chats(self) -> int:
        return sum(self.active_chats_by_type.values())


class Storage:
    """The bot's SQLite database. Thread-safe; every public method is one short transaction.

    Three stores share its one connection: :attr:`chats` (chats, subscriptions, digest
    history), :attr:`broadcasts` (broadcasts and deliveries) and :attr:`questions` (question
    log and feedback). Their methods are also methods of ``Storage`` (``storage.get_chat`` is
    ``storage.chats.get_chat``), so callers need not know which store holds what. What spans
    stores, :meth:`migrate_chat` and :meth:`stats`, is here, in one transaction each.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.database = Database(path)
        self.chats = ChatStore(self.database)
        self.broadcasts = BroadcastStore(self.database)
        self.questions = QuestionStore(self.database)
        self.aliases = AliasStore(self.database)

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        self.database.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.database.schema_version

    # -- across stores ---------------------------------------------------------------------------

    def migrate_chat(
        self,
        old_id: int,
        new_id: int,
        *,
        new_type: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """A chat changed id (group → supergroup): move everything from ``old_id`` to ``new_id``.

        One transaction. If ``new_id`` is unknown it is created from the old row (``new_type``
        overrides the type). If it exists, its values win (only missing title/language are
        filled from the old row) and so does its subscription; digest history is merged. The old
        row stays as an inactive tombstone (``migrated_to`` set). Pending deliveries move to the
        new id unless the new id already has a delivery in that broadcast, in which case the old
        one becomes ``removed``. Deliveries already ``sent``/``failed``/``removed``/``uncertain``
        stay with the old id (history), and ``sending`` ones are left to the worker, which
        resolves them with :meth:`rekey_delivery`. Questions and feedback are re-keyed.
        """
        if old_id == new_id:
            raise ValueError("old and new chat ids are the same")
        stamp = _ts(now)
        with self.database.write() as conn:
            ChatStore._move_chat(conn, old_id, new_id, new_type, stamp)
            BroadcastStore._move_pending(conn, old_id, new_id, stamp)
            QuestionStore._rekey_chat(conn, old_id, new_id)

    def stats(self, since: datetime, top: int = 10) -> StorageStats:
        """Everything /stats shows, read in one consistent snapshot."""
        since_ts = _ts(since)
        with self.database.read() as conn:
            by_type, inactive, subscriptions = ChatStore._counts(conn)
            asked, answered = QuestionStore._asked_answered(conn, since_ts)
            return StorageStats(
                active_chats_by_type=by_type,
                inactive_chats=inactive,
                subscriptions=subscriptions,
                questions_since=asked,
                answered_ratio=(answered / asked) if asked else None,
                top_unanswered=QuestionStore._top_unanswered(conn, top, since_ts),
                feedback=QuestionStore._feedback_counts(conn),
            )

    # -- the stores' methods -----------------------------------------------------------------------

    upsert_chat = _Delegate("chats", ChatStore.upsert_chat)
    set_chat_active = _Delegate("chats", ChatStore.set_chat_active)
    get_chat = _Delegate("chats", ChatStore.get_chat)
    active_chats = _Delegate("chats", ChatStore.active_chats)
    set_subscription = _Delegate("chats", ChatStore.set_subscription)
    remove_subscription = _Delegate("chats", ChatStore.remove_subscription)
    get_subscription = _Delegate("chats", ChatStore.get_subscription)
    all_subscriptions = _Delegate("chats", ChatStore.all_subscriptions)
    sent_digest_items = _Delegate("chats", ChatStore.sent_digest_items)
    mark_digest_sent = _Delegate("chats", ChatStore.mark_digest_sent)
    reset_digest = _Delegate("chats", ChatStore.reset_digest)

    create_broadcast = _Delegate("broadcasts", BroadcastStore.create_broadcast)
    get_broadcast = _Delegate("broadcasts", BroadcastStore.get_broadcast)
    start_broadcast = _Delegate("broadcasts", BroadcastStore.start_broadcast)
    cancel_broadcast = _Delegate("broadcasts", BroadcastStore.cancel_broadcast)
    finish_broadcast = _Delegate("broadcasts", BroadcastStore.finish_broadcast)
    set_progress_message = _Delegate("broadcasts", BroadcastStore.set_progress_message)
    running_broadcasts = _Delegate("broadcasts", BroadcastStore.running_broadcasts)
    next_pending_deliveries = _Delegate("broadcasts", BroadcastStore.next_pending_deliveries)
    get_delivery = _Delegate("broadcasts", BroadcastStore.get_delivery)
    mark_sending = _Delegate("broadcasts", BroadcastStore.mark_sending)
    mark_delivered = _Delegate("broadcasts", BroadcastStore.mark_delivered)
    mark_failed = _Delegate("broadcasts", BroadcastStore.mark_failed)
    rekey_delivery = _Delegate("broadcasts", BroadcastStore.rekey_delivery)
    recover_interrupted = _Delegate("broadcasts", BroadcastStore.recover_interrupted)
    mark_uncertain = _Delegate("broadcasts", BroadcastStore.mark_uncertain)
    delivery_counts = _Delegate("broadcasts", BroadcastStore.delivery_counts)

    log_question = _Delegate("questions", QuestionStore.log_question)
    log_questions = _Delegate("questions", QuestionStore.log_questions)
    questions_since = _Delegate("questions", QuestionStore.questions_since)
    top_unanswered = _Delegate("questions", QuestionStore.top_unanswered)
    record_feedback = _Delegate("questions", QuestionStore.record_feedback)
    feedback_counts = _Delegate("questions", QuestionStore.feedback_counts)
    feedback_by_item = _Delegate("questions", QuestionStore.feedback_by_item)
    disliked_questions = _Delegate("questions", QuestionStore.disliked_questions)

    learn_alias = _Delegate("aliases", AliasStore.learn_alias)
    forget_alias = _Delegate("aliases", AliasStore.forget_alias)
    learned_aliases = _Delegate("aliases", AliasStore.learned_aliases)
