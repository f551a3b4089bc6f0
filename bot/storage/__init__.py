"""Persistent state of the bot: chats, digest subscriptions, broadcasts, question log, feedback.

Plain Python and the standard library's :mod:`sqlite3`; nothing here knows about Telegram.
:class:`Storage` owns the one connection (:mod:`._connection`, which also holds the one
migration list) and three stores that share it, one module per thing stored:

* :mod:`._chats`: chats, subscriptions and digest history (:class:`ChatStore`);
* :mod:`._broadcasts`: broadcasts and deliveries, with the delivery policy (exactly once, or
  knowingly "uncertain") (:class:`BroadcastStore`);
* :mod:`._questions`: the question log and feedback (:class:`QuestionStore`).

SQL is parameterised everywhere; user text never becomes part of a statement.
"""

from bot.storage._aliases import AliasStore, LearnedAlias
from bot.storage._broadcasts import (
    DELIVERY_STATES,
    ERROR_MAX_CHARS,
    Audience,
    Broadcast,
    BroadcastStatus,
    BroadcastStore,
    Delivery,
    DeliveryState,
    FailState,
)
from bot.storage._chats import ChatRecord, ChatStore, Schedule, ScheduleKind, Subscription
from bot.storage._connection import (
    BUSY_TIMEOUT_MS,
    MIGRATIONS,
    BroadcastStateError,
    Database,
    NotFoundError,
    StorageError,
)
from bot.storage._questions import (
    QUESTION_MAX_CHARS,
    QuestionRecord,
    QuestionStore,
    normalize_question,
)
from bot.storage._storage import Storage, StorageStats

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DELIVERY_STATES",
    "ERROR_MAX_CHARS",
    "MIGRATIONS",
    "QUESTION_MAX_CHARS",
    "AliasStore",
    "Audience",
    "Broadcast",
    "BroadcastStateError",
    "BroadcastStatus",
    "BroadcastStore",
    "ChatRecord",
    "ChatStore",
    "Database",
    "Delivery",
    "DeliveryState",
    "FailState",
    "LearnedAlias",
    "NotFoundError",
    "QuestionRecord",
    "QuestionStore",
    "Schedule",
    "ScheduleKind",
    "Storage",
    "StorageError",
    "StorageStats",
    "Subscription",
    "normalize_question",
]
