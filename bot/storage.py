"""Persistent state of the bot: chats, digest subscriptions, broadcasts, question log, feedback.

Plain Python and the standard library's :mod:`sqlite3`; nothing here knows about Telegram. The
bot calls the short methods directly from its event loop and the long ones through
``asyncio.to_thread``, so the single connection is opened with ``check_same_thread=False`` and
every use of it is serialised by a :class:`threading.Lock`.

Conventions
-----------
* Every write is one short ``BEGIN IMMEDIATE`` transaction; reads of more than one statement run
  in one read transaction so they see a consistent snapshot.
* SQL is parameterised everywhere; user text never becomes part of a statement.
* Timestamps are stored as UTC ISO-8601 strings with microseconds (``2024-05-01T08:00:00.000000
  +00:00``), which sort correctly as text. Methods that need "now" accept an optional aware
  ``datetime``; naive datetimes are rejected because their zone is a guess.
* The schema is versioned by ``PRAGMA user_version``: ``MIGRATIONS[i]`` upgrades version ``i`` to
  ``i + 1``. Append new scripts, never edit shipped ones.

Broadcast delivery policy (exactly once, or knowingly "uncertain")
------------------------------------------------------------------
``start_broadcast`` snapshots the recipients into ``deliveries`` (one row per chat, primary key
``(broadcast_id, chat_id)``), so a broadcast can never reach a chat twice through duplicate rows.
A worker claims a row with ``mark_sending`` (``pending`` → ``sending``, committed *before* the
network call), then records the result with ``mark_delivered`` or ``mark_failed``. If the process
dies between the claim and the result, the row stays in ``sending``; ``recover_interrupted``
(called at start-up, before any worker runs) turns such rows into ``uncertain``. We deliberately
do not resend them: a duplicated announcement in a group is worse than one delivery we cannot
vouch for. ``uncertain`` rows are never handed out again and can never go back to ``pending``;
they can only be resolved to ``sent``/``failed``/``removed`` if the real outcome becomes known.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final, Literal, cast, get_args

ScheduleKind = Literal["daily", "weekly"]
Audience = Literal["subscribed", "active"]
BroadcastStatus = Literal["draft", "running", "done", "cancelled"]
DeliveryState = Literal["pending", "sending", "sent", "failed", "removed", "uncertain"]
FailState = Literal["failed", "removed", "pending"]

DELIVERY_STATES: Final[tuple[DeliveryState, ...]] = get_args(DeliveryState)
QUESTION_MAX_CHARS: Final = 500
ERROR_MAX_CHARS: Final = 1000
BUSY_TIMEOUT_MS: Final = 5000

MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE chats (
        chat_id     INTEGER PRIMARY KEY,
        type        TEXT    NOT NULL,
        title       TEXT,
        active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        language    TEXT,
        added_at    TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL,
        migrated_to INTEGER
    );
    CREATE INDEX chats_active ON chats (active, type);

    CREATE TABLE subscriptions (
        chat_id    INTEGER PRIMARY KEY REFERENCES chats (chat_id) ON DELETE CASCADE,
        kind       TEXT    NOT NULL CHECK (kind IN ('daily', 'weekly')),
        hour       INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
        minute     INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 59),
        weekday    INTEGER CHECK (
            (kind = 'daily' AND weekday IS NULL)
            OR (kind = 'weekly' AND weekday IS NOT NULL AND weekday BETWEEN 0 AND 6)
        ),
        created_by INTEGER NOT NULL,
        created_at TEXT    NOT NULL
    );

    CREATE TABLE digest_sent (
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        item_id TEXT    NOT NULL,
        sent_at TEXT    NOT NULL,
        PRIMARY KEY (chat_id, item_id)
    ) WITHOUT ROWID;

    CREATE TABLE broadcasts (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,
        text                TEXT    NOT NULL,
        created_by          INTEGER NOT NULL,
        audience            TEXT    NOT NULL CHECK (audience IN ('subscribed', 'active')),
        pin                 INTEGER NOT NULL DEFAULT 0 CHECK (pin IN (0, 1)),
        status              TEXT    NOT NULL DEFAULT 'draft'
                            CHECK (status IN ('draft', 'running', 'done', 'cancelled')),
        progress_chat_id    INTEGER,
        progress_message_id INTEGER,
        created_at          TEXT    NOT NULL,
        started_at          TEXT,
        finished_at         TEXT
    );
    CREATE INDEX broadcasts_status ON broadcasts (status);

    CREATE TABLE deliveries (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        chat_id      INTEGER NOT NULL,
        state        TEXT    NOT NULL DEFAULT 'pending' CHECK (
            state IN ('pending', 'sending', 'sent', 'failed', 'removed', 'uncertain')
        ),
        message_id   INTEGER,
        error        TEXT,
        attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        updated_at   TEXT    NOT NULL,
        PRIMARY KEY (broadcast_id, chat_id)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_state ON deliveries (broadcast_id, state);
    CREATE INDEX deliveries_chat ON deliveries (chat_id);

    CREATE TABLE questions (
        id          INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL,
        user_id     INTEGER,
        text        TEXT    NOT NULL,
        normalized  TEXT    NOT NULL,
        answered    INTEGER NOT NULL CHECK (answered IN (0, 1)),
        top_item_id TEXT,
        asked_at    TEXT    NOT NULL
    );
    CREATE INDEX questions_asked_at ON questions (asked_at);
    CREATE INDEX questions_unanswered ON questions (answered, normalized);
    CREATE INDEX questions_chat ON questions (chat_id);

    CREATE TABLE feedback (
        user_id    INTEGER NOT NULL,
        item_id    TEXT    NOT NULL,
        vote       INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        question   TEXT,
        chat_id    INTEGER,
        created_at TEXT    NOT NULL,
        updated_at TEXT    NOT NULL,
        PRIMARY KEY (user_id, item_id)
    );
    CREATE INDEX feedback_item ON feedback (item_id);
    CREATE INDEX feedback_chat ON feedback (chat_id);
    """,
    # 2: chats.language is the chat's /language choice (zh-hans, zh-hant, en or auto); it used
    # to hold the Telegram language_code seen first, which is no choice.
    """
    UPDATE chats SET language = NULL;
    """,
]


class StorageError(Exception):
    """Anything the storage layer refuses to do, with a message fit for a log."""


class NotFoundError(StorageError):
    """The chat or broadcast a method was asked about does not exist."""


class BroadcastStateError(StorageError):
    """The broadcast is not in a status that allows the requested transition."""


# --------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    chat_id: int
    user_id: int | None
    text: str
    answered: bool
    top_item_id: str | None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChatRecord:
    chat_id: int
    type: str
    title: str | None
    active: bool
    added_at: datetime
    language: str | None


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a digest goes out (UTC). ``weekday``: 0 = Monday … 6 = Sunday, weekly only."""

    kind: ScheduleKind
    hour: int
    minute: int
    weekday: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("daily", "weekly"):
            raise ValueError(f"schedule kind must be 'daily' or 'weekly', not {self.kind!r}")
        if not 0 <= self.hour <= 23:
            raise ValueError(f"hour must be 0..23, not {self.hour}")
        if not 0 <= self.minute <= 59:
            raise ValueError(f"minute must be 0..59, not {self.minute}")
        if self.kind == "daily" and self.weekday is not None:
            raise ValueError("a daily schedule has no weekday")
        if self.kind == "weekly" and (self.weekday is None or not 0 <= self.weekday <= 6):
            raise ValueError(f"a weekly schedule needs weekday 0..6, not {self.weekday}")


@dataclass(frozen=True, slots=True)
class Subscription:
    chat_id: int
    schedule: Schedule
    created_by: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    text: str
    created_by: int
    audience: Audience
    pin: bool
    status: BroadcastStatus
    progress_chat_id: int | None
    progress_message_id: int | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class Delivery:
    broadcast_id: int
    chat_id: int
    state: DeliveryState
    message_id: int | None
    error: str | None
    attempts: int
    updated_at: datetime


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


# --------------------------------------------------------------------------------------------
# Helpers

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\n?？!！。.,，、;；:：~～…\"'“”‘’「」『』()（）"


def normalize_question(text: str) -> str:
    """The key questions are grouped by: NFKC, case-folded, single spaces, no edge punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub(" ", text).strip(_EDGE_PUNCTUATION)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware datetime (e.g. tz=UTC)")
    return moment


def _ts(moment: datetime | None) -> str:
    when = datetime.now(UTC) if moment is None else _aware(moment)
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _opt_dt(text: str | None) -> datetime | None:
    return None if text is None else _dt(text)


def _split_sql(script: str) -> Iterator[str]:
    """Yield the complete statements of a script (string literals and triggers respected)."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer
            buffer = ""
    if buffer.strip(" \t\r\n;"):
        raise StorageError(f"incomplete SQL statement in migration: {buffer.strip()[:80]!r}")


def _chat(row: sqlite3.Row) -> ChatRecord:
    return ChatRecord(
        chat_id=row["chat_id"],
        type=row["type"],
        title=row["title"],
        active=bool(row["active"]),
        added_at=_dt(row["added_at"]),
        language=row["language"],
    )


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        chat_id=row["chat_id"],
        schedule=Schedule(row["kind"], row["hour"], row["minute"], row["weekday"]),
        created_by=row["created_by"],
        created_at=_dt(row["created_at"]),
    )


def _broadcast(row: sqlite3.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        text=row["text"],
        created_by=row["created_by"],
        audience=cast(Audience, row["audience"]),
        pin=bool(row["pin"]),
        status=cast(BroadcastStatus, row["status"]),
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        created_at=_dt(row["created_at"]),
        finished_at=_opt_dt(row["finished_at"]),
    )


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        broadcast_id=row["broadcast_id"],
        chat_id=row["chat_id"],
        state=cast(DeliveryState, row["state"]),
        message_id=row["message_id"],
        error=row["error"],
        attempts=row["attempts"],
        updated_at=_dt(row["updated_at"]),
    )


# --------------------------------------------------------------------------------------------
# Storage


class Storage:
    """The bot's SQLite database. Thread-safe; every public method is one short transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        conn = sqlite3.connect(
            self.path,
            check_same_thread=False,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            conn.execute("PRAGMA foreign_keys = ON")
            if self.path not in (":memory:", ""):
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StorageError(f"could not enable WAL journal mode on {self.path}: {mode}")
                # FULL: a committed "sending"/"sent" survives a power cut too, so it is never
                # silently rolled back to "pending" and resent.
                conn.execute("PRAGMA synchronous = FULL")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    # -- lifecycle -----------------------------------------------------------------------------

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        known = len(MIGRATIONS)
        for target in range(1, known + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                current = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if current > known:
                    raise StorageError(
                        f"database schema version {current} is newer than this bot supports "
                        f"({known}); upgrade the bot"
                    )
                if current < target:
                    for statement in _split_sql(MIGRATIONS[target - 1]):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {target:d}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current > known:
            raise StorageError(
                f"database schema version {current} is newer than this bot supports "
                f"({known}); upgrade the bot"
            )

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

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
        with self._read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StorageError("storage is closed")
            conn.execute(begin)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # also covers a failed COMMIT, so the connection is never left mid-transaction
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction("BEGIN")

    # -- chats ---------------------------------------------------------------------------------

    def upsert_chat(
        self,
        chat_id: int,
        type: str,
        title: str | None = None,
        language: str | None = None,
        active: bool = True,
        *,
        now: datetime | None = None,
    ) -> ChatRecord:
        """Insert or update a chat. ``None`` title/language keep what is stored."""
        stamp = _ts(now)
        with self._write() as conn:
            row = conn.execute(
                """
                INSERT INTO chats (chat_id, type, title, active, language, added_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET
                    type = excluded.type,
                    title = COALESCE(excluded.title, chats.title),
                    active = excluded.active,
                    language = COALESCE(excluded.language, chats.language),
                    updated_at = excluded.updated_at
                RETURNING *
                """,
                (chat_id, type, title, int(active), language, stamp, stamp),
            ).fetchone()
            return _chat(row)

    def set_chat_active(self, chat_id: int, active: bool, *, now: datetime | None = None) -> bool:
        """Mark a chat (in)active; False when the chat is unknown."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE chats SET active = ?, updated_at = ? WHERE chat_id = ?",
                (int(active), _ts(now), chat_id),
            )
            return cur.rowcount == 1

    def get_chat(self, chat_id: int) -> ChatRecord | None:
        with self._read() as conn:
            row = conn.execute("SELECT * FROM chats WHERE chat_id = ?", (chat_id,)).fetchone()
            return None if row is None else _chat(row)

    def active_chats(self) -> list[ChatRecord]:
        with self._read() as conn:
            rows = conn.execute("SELECT * FROM chats WHERE active = 1 ORDER BY chat_id").fetchall()
            return [_chat(row) for row in rows]

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
        with self._write() as conn:
            old = conn.execute("SELECT * FROM chats WHERE chat_id = ?", (old_id,)).fetchone()
            new = conn.execute("SELECT * FROM chats WHERE chat_id = ?", (new_id,)).fetchone()
            if old is not None:
                if new is None:
                    conn.execute(
                        """
                        INSERT INTO chats
                            (chat_id, type, title, active, language, added_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                        (
                            new_id,
                            new_type or old["type"],
                            old["title"],
                            old["active"],
                            old["language"],
                            old["added_at"],
                            stamp,
                        ),
                    )
                else:
                    conn.execute(
                        """
                        UPDATE chats SET
                            type = COALESCE(?, type),
                            title = COALESCE(title, ?),
                            language = COALESCE(language, ?),
                            updated_at = ?
                        WHERE chat_id = ?
                        """,
                        (new_type, old["title"], old["language"], stamp, new_id),
                    )
                conn.execute(
                    """
                    UPDATE chats SET active = 0, migrated_to = ?, updated_at = ?
                    WHERE chat_id = ?
                    """,
                    (new_id, stamp, old_id),
                )
                has_new_sub = conn.execute(
                    "SELECT 1 FROM subscriptions WHERE chat_id = ?", (new_id,)
                ).fetchone()
                if has_new_sub:
                    conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (old_id,))
                else:
                    conn.execute(
                        "UPDATE subscriptions SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
                    )
                conn.execute(
                    """
                    INSERT OR IGNORE INTO digest_sent (chat_id, item_id, sent_at)
                    SELECT ?, item_id, sent_at FROM digest_sent WHERE chat_id = ?
                    """,
                    (new_id, old_id),
                )
                conn.execute("DELETE FROM digest_sent WHERE chat_id = ?", (old_id,))
            conn.execute(
                """
                UPDATE deliveries SET state = 'removed', error = ?, updated_at = ?
                WHERE chat_id = ? AND state = 'pending' AND broadcast_id IN (
                    SELECT broadcast_id FROM deliveries WHERE chat_id = ?
                )
                """,
                (f"chat migrated to {new_id}, which has its own delivery", stamp, old_id, new_id),
            )
            conn.execute(
                """
                UPDATE deliveries SET chat_id = ?, updated_at = ?
                WHERE chat_id = ? AND state = 'pending'
                """,
                (new_id, stamp, old_id),
            )
            conn.execute("UPDATE questions SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
            conn.execute("UPDATE feedback SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))

    # -- subscriptions ---------------------------------------------------------------------------

    def set_subscription(
        self, chat_id: int, schedule: Schedule, created_by: int, *, now: datetime | None = None
    ) -> Subscription:
        """Create or replace the chat's digest schedule (``created_*`` describe the latest set)."""
        stamp = _ts(now)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM chats WHERE chat_id = ?", (chat_id,)).fetchone() is None:
                raise NotFoundError(f"chat {chat_id} is unknown; upsert_chat it first")
            row = conn.execute(
                """
                INSERT INTO subscriptions (chat_id, kind, hour, minute, weekday, created_by,
                                           created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET
                    kind = excluded.kind, hour = excluded.hour, minute = excluded.minute,
                    weekday = excluded.weekday, created_by = excluded.created_by,
                    created_at = excluded.created_at
                RETURNING *
                """,
                (
                    chat_id,
                    schedule.kind,
                    schedule.hour,
                    schedule.minute,
                    schedule.weekday,
                    created_by,
                    stamp,
                ),
            ).fetchone()
            return _subscription(row)

    def remove_subscription(self, chat_id: int) -> bool:
        with self._write() as conn:
            cur = conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            return cur.rowcount == 1

    def get_subscription(self, chat_id: int) -> Subscription | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM subscriptions WHERE chat_id = ?", (chat_id,)
            ).fetchone()
            return None if row is None else _subscription(row)

    def all_subscriptions(self) -> list[Subscription]:
        """Subscriptions of active chats only, by chat id."""
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT s.* FROM subscriptions AS s JOIN chats AS c USING (chat_id)
                WHERE c.active = 1 ORDER BY s.chat_id
                """
            ).fetchall()
            return [_subscription(row) for row in rows]

    # -- digest history --------------------------------------------------------------------------

    def sent_digest_items(self, chat_id: int) -> set[str]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT item_id FROM digest_sent WHERE chat_id = ?", (chat_id,)
            ).fetchall()
            return {row["item_id"] for row in rows}

    def mark_digest_sent(
        self, chat_id: int, item_ids: Iterable[str], *, now: datetime | None = None
    ) -> None:
        stamp = _ts(now)
        items = [(chat_id, item_id, stamp) for item_id in item_ids]
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM chats WHERE chat_id = ?", (chat_id,)).fetchone() is None:
                raise NotFoundError(f"chat {chat_id} is unknown; upsert_chat it first")
            conn.executemany(
                "INSERT OR IGNORE INTO digest_sent (chat_id, item_id, sent_at) VALUES (?, ?, ?)",
                items,
            )

    def reset_digest(self, chat_id: int) -> int:
        """Forget which items the chat has seen; returns how many were forgotten."""
        with self._write() as conn:
            return conn.execute("DELETE FROM digest_sent WHERE chat_id = ?", (chat_id,)).rowcount

    # -- broadcasts ------------------------------------------------------------------------------

    def create_broadcast(
        self,
        text: str,
        created_by: int,
        audience: Audience,
        pin: bool = False,
        *,
        now: datetime | None = None,
    ) -> Broadcast:
        if audience not in ("subscribed", "active"):
            raise ValueError(f"audience must be 'subscribed' or 'active', not {audience!r}")
        with self._write() as conn:
            row = conn.execute(
                """
                INSERT INTO broadcasts (text, created_by, audience, pin, status, created_at)
                VALUES (?, ?, ?, ?, 'draft', ?) RETURNING *
                """,
                (text, created_by, audience, int(pin), _ts(now)),
            ).fetchone()
            return _broadcast(row)

    def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        with self._read() as conn:
            row = conn.execute("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)).fetchone()
            return None if row is None else _broadcast(row)

    @staticmethod
    def _status(conn: sqlite3.Connection, broadcast_id: int) -> BroadcastStatus:
        row = conn.execute("SELECT status FROM broadcasts WHERE id = ?", (broadcast_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"broadcast {broadcast_id} does not exist")
        return cast(BroadcastStatus, row["status"])

    def start_broadcast(self, broadcast_id: int, *, now: datetime | None = None) -> int:
        """draft → running, snapshotting the recipients; returns the number of recipients.

        Idempotent for a running broadcast (returns the existing count, adds nobody). A done or
        cancelled broadcast raises :class:`BroadcastStateError`.
        """
        stamp = _ts(now)
        with self._write() as conn:
            status = self._status(conn, broadcast_id)
            if status in ("done", "cancelled"):
                raise BroadcastStateError(f"broadcast {broadcast_id} is {status}; cannot start")
            if status == "draft":
                conn.execute(
                    """
                    INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, state, updated_at)
                    SELECT b.id, c.chat_id, 'pending', ?
                    FROM broadcasts AS b JOIN chats AS c ON c.active = 1
                    WHERE b.id = ? AND (
                        b.audience = 'active'
                        OR EXISTS (SELECT 1 FROM subscriptions AS s WHERE s.chat_id = c.chat_id)
                    )
                    """,
                    (stamp, broadcast_id),
                )
                conn.execute(
                    "UPDATE broadcasts SET status = 'running', started_at = ? WHERE id = ?",
                    (stamp, broadcast_id),
                )
            row = conn.execute(
                "SELECT COUNT(*) FROM deliveries WHERE broadcast_id = ?", (broadcast_id,)
            ).fetchone()
            return int(row[0])

    def cancel_broadcast(self, broadcast_id: int, *, now: datetime | None = None) -> bool:
        """draft/running → cancelled. False if it was already done or cancelled.

        Pending deliveries stay ``pending`` (so counts show what was never sent) but are no
        longer handed out, and :meth:`mark_sending` refuses them.
        """
        with self._write() as conn:
            self._status(conn, broadcast_id)
            cur = conn.execute(
                """
                UPDATE broadcasts SET status = 'cancelled', finished_at = ?
                WHERE id = ? AND status IN ('draft', 'running')
                """,
                (_ts(now), broadcast_id),
            )
            return cur.rowcount == 1

    def finish_broadcast(self, broadcast_id: int, *, now: datetime | None = None) -> bool:
        """running → done. False if already done/cancelled.

        Raises :class:`BroadcastStateError` for a draft, or while deliveries are still pending or
        sending (mark them first; a finished broadcast has final counts).
        """
        with self._write() as conn:
            status = self._status(conn, broadcast_id)
            if status in ("done", "cancelled"):
                return False
            if status == "draft":
                raise BroadcastStateError(f"broadcast {broadcast_id} was never started")
            open_rows = conn.execute(
                """
                SELECT COUNT(*) FROM deliveries
                WHERE broadcast_id = ? AND state IN ('pending', 'sending')
                """,
                (broadcast_id,),
            ).fetchone()[0]
            if open_rows:
                raise BroadcastStateError(
                    f"broadcast {broadcast_id} still has {open_rows} pending/sending deliveries"
                )
            conn.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ?",
                (_ts(now), broadcast_id),
            )
            return True

    def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        with self._write() as conn:
            cur = conn.execute(
                """
                UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?
                """,
                (chat_id, message_id, broadcast_id),
            )
            if cur.rowcount != 1:
                raise NotFoundError(f"broadcast {broadcast_id} does not exist")

    def running_broadcasts(self) -> list[Broadcast]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT * FROM broadcasts WHERE status = 'running' ORDER BY id"
            ).fetchall()
            return [_broadcast(row) for row in rows]

    def next_pending_deliveries(self, broadcast_id: int, limit: int) -> list[Delivery]:
        """Up to ``limit`` pending deliveries of a *running* broadcast, fewest attempts first."""
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT d.* FROM deliveries AS d JOIN broadcasts AS b ON b.id = d.broadcast_id
                WHERE d.broadcast_id = ? AND d.state = 'pending' AND b.status = 'running'
                ORDER BY d.attempts, d.chat_id LIMIT ?
                """,
                (broadcast_id, limit),
            ).fetchall()
            return [_delivery(row) for row in rows]

    def get_delivery(self, broadcast_id: int, chat_id: int) -> Delivery | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM deliveries WHERE broadcast_id = ? AND chat_id = ?",
                (broadcast_id, chat_id),
            ).fetchone()
            return None if row is None else _delivery(row)

    def mark_sending(self, broadcast_id: int, chat_id: int, *, now: datetime | None = None) -> bool:
        """Claim a delivery before sending: pending → sending, attempts + 1.

        Returns False (send nothing!) unless the row was pending and the broadcast is running.
        """
        with self._write() as conn:
            cur = conn.execute(
                """
                UPDATE deliveries SET state = 'sending', attempts = attempts + 1, error = NULL,
                                      updated_at = ?
                WHERE broadcast_id = ? AND chat_id = ? AND state = 'pending'
                  AND (SELECT status FROM broadcasts WHERE id = ?) = 'running'
                """,
                (_ts(now), broadcast_id, chat_id, broadcast_id),
            )
            return cur.rowcount == 1

    def mark_delivered(
        self, broadcast_id: int, chat_id: int, message_id: int, *, now: datetime | None = None
    ) -> bool:
        """sending (or uncertain, if the outcome turns up late) → sent."""
        with self._write() as conn:
            cur = conn.execute(
                """
                UPDATE deliveries SET state = 'sent', message_id = ?, error = NULL, updated_at = ?
                WHERE broadcast_id = ? AND chat_id = ? AND state IN ('sending', 'uncertain')
                """,
                (message_id, _ts(now), broadcast_id, chat_id),
            )
            return cur.rowcount == 1

    def mark_failed(
        self,
        broadcast_id: int,
        chat_id: int,
        error: str,
        state: FailState = "failed",
        *,
        now: datetime | None = None,
    ) -> bool:
        """Record a failed send: ``failed`` (give up), ``removed`` (bot gone from the chat) or
        ``pending`` (retry later).

        Allowed from ``sending`` and ``pending`` (a pre-check may skip a chat without sending).
        From ``uncertain`` only to ``failed``/``removed``: an uncertain delivery is never retried.
        """
        if state not in ("failed", "removed", "pending"):
            raise ValueError(f"state must be 'failed', 'removed' or 'pending', not {state!r}")
        with self._write() as conn:
            cur = conn.execute(
                """
                UPDATE deliveries SET state = ?1, error = ?2, updated_at = ?3
                WHERE broadcast_id = ?4 AND chat_id = ?5 AND (
                    state IN ('pending', 'sending') OR (state = 'uncertain' AND ?1 != 'pending')
                )
                """,
                (state, error[:ERROR_MAX_CHARS], _ts(now), broadcast_id, chat_id),
            )
            return cur.rowcount == 1

    def rekey_delivery(
        self,
        broadcast_id: int,
        old_chat_id: int,
        new_chat_id: int,
        *,
        now: datetime | None = None,
    ) -> bool:
        """The chat moved (ChatMigrated): move a pending/sending delivery to the new id, pending.

        If the new id already has a delivery in this broadcast, the old one becomes ``removed``
        instead and False is returned; False too when there is nothing (pending/sending) to move.
        """
        stamp = _ts(now)
        with self._write() as conn:
            old = conn.execute(
                """
                SELECT state FROM deliveries
                WHERE broadcast_id = ? AND chat_id = ? AND state IN ('pending', 'sending')
                """,
                (broadcast_id, old_chat_id),
            ).fetchone()
            if old is None:
                return False
            clash = conn.execute(
                "SELECT 1 FROM deliveries WHERE broadcast_id = ? AND chat_id = ?",
                (broadcast_id, new_chat_id),
            ).fetchone()
            if clash is not None:
                conn.execute(
                    """
                    UPDATE deliveries SET state = 'removed', error = ?, updated_at = ?
                    WHERE broadcast_id = ? AND chat_id = ?
                    """,
                    (
                        f"chat migrated to {new_chat_id}, which has its own delivery",
                        stamp,
                        broadcast_id,
                        old_chat_id,
                    ),
                )
                return False
            conn.execute(
                """
                UPDATE deliveries
                SET chat_id = ?, state = 'pending', message_id = NULL, error = NULL, updated_at = ?
                WHERE broadcast_id = ? AND chat_id = ?
                """,
                (new_chat_id, stamp, broadcast_id, old_chat_id),
            )
            return True

    def recover_interrupted(self, broadcast_id: int, *, now: datetime | None = None) -> int:
        """After a crash: ``sending`` → ``uncertain`` (never resent). Returns how many.

        Call at start-up before any worker resumes the broadcast.
        """
        with self._write() as conn:
            cur = conn.execute(
                """
                UPDATE deliveries SET state = 'uncertain', updated_at = ?,
                    error = 'interrupted while sending; outcome unknown, not resent'
                WHERE broadcast_id = ? AND state = 'sending'
                """,
                (_ts(now), broadcast_id),
            )
            return cur.rowcount

    def mark_uncertain(
        self, broadcast_id: int, chat_id: int, error: str, *, now: datetime | None = None
    ) -> bool:
        """sending → uncertain: the request may have reached Telegram (a timeout); never resent."""
        with self._write() as conn:
            cur = conn.execute(
                """
                UPDATE deliveries SET state = 'uncertain', error = ?, updated_at = ?
                WHERE broadcast_id = ? AND chat_id = ? AND state = 'sending'
                """,
                (error[:ERROR_MAX_CHARS], _ts(now), broadcast_id, chat_id),
            )
            return cur.rowcount == 1

    def delivery_counts(self, broadcast_id: int) -> dict[str, int]:
        """Deliveries per state; every state is a key, zeros included."""
        counts: dict[str, int] = dict.fromkeys(DELIVERY_STATES, 0)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT state, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY state",
                (broadcast_id,),
            ).fetchall()
        for row in rows:
            counts[row["state"]] = int(row["n"])
        return counts

    # -- questions and feedback ------------------------------------------------------------------

    def log_question(
        self,
        chat_id: int,
        user_id: int | None,
        text: str,
        answered: bool,
        top_item_id: str | None,
        at: datetime | None = None,
    ) -> None:
        stored = text[:QUESTION_MAX_CHARS]
        with self._write() as conn:
            conn.execute(
                """
                INSERT INTO questions
                    (chat_id, user_id, text, normalized, answered, top_item_id, asked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    chat_id,
                    user_id,
                    stored,
                    normalize_question(stored),
                    int(answered),
                    top_item_id,
                    _ts(at),
                ),
            )

    def log_questions(self, records: Iterable[QuestionRecord]) -> int:
        """Many questions in one transaction (the bot buffers them off the answer path)."""
        rows = [
            (
                r.chat_id,
                r.user_id,
                r.text[:QUESTION_MAX_CHARS],
                normalize_question(r.text[:QUESTION_MAX_CHARS]),
                int(r.answered),
                r.top_item_id,
                _ts(r.at),
            )
            for r in records
        ]
        if not rows:
            return 0
        with self._write() as conn:
            conn.executemany(
                """
                INSERT INTO questions
                    (chat_id, user_id, text, normalized, answered, top_item_id, asked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                rows,
            )
        return len(rows)

    def questions_since(self, since: datetime) -> int:
        with self._read() as conn:
            return self._questions_since(conn, _ts(since))

    @staticmethod
    def _questions_since(conn: sqlite3.Connection, since: str) -> int:
        row = conn.execute("SELECT COUNT(*) FROM questions WHERE asked_at >= ?", (since,))
        return int(row.fetchone()[0])

    def top_unanswered(
        self, limit: int = 10, since: datetime | None = None
    ) -> list[tuple[str, int]]:
        """Most frequent unanswered questions (normalized text, count); ties: most recent first."""
        with self._read() as conn:
            return self._top_unanswered(conn, limit, None if since is None else _ts(since))

    @staticmethod
    def _top_unanswered(
        conn: sqlite3.Connection, limit: int, since: str | None
    ) -> list[tuple[str, int]]:
        rows = conn.execute(
            """
            SELECT normalized, COUNT(*) AS n, MAX(asked_at) AS last FROM questions
            WHERE answered = 0 AND normalized != '' AND (? IS NULL OR asked_at >= ?)
            GROUP BY normalized ORDER BY n DESC, last DESC, normalized LIMIT ?
            """,
            (since, since, limit),
        ).fetchall()
        return [(row["normalized"], int(row["n"])) for row in rows]

    def record_feedback(
        self,
        user_id: int,
        item_id: str,
        vote: int,
        question: str | None = None,
        *,
        chat_id: int | None = None,
        now: datetime | None = None,
    ) -> None:
        """One vote per (user, item): a later vote replaces the earlier one."""
        if vote not in (1, -1):
            raise ValueError(f"vote must be +1 or -1, not {vote!r}")
        stamp = _ts(now)
        with self._write() as conn:
            conn.execute(
                """
                INSERT INTO feedback
                    (user_id, item_id, vote, question, chat_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, item_id) DO UPDATE SET
                    vote = excluded.vote,
                    question = COALESCE(excluded.question, feedback.question),
                    chat_id = COALESCE(excluded.chat_id, feedback.chat_id),
                    updated_at = excluded.updated_at
                """,
                (
                    user_id,
                    item_id,
                    vote,
                    None if question is None else question[:QUESTION_MAX_CHARS],
                    chat_id,
                    stamp,
                    stamp,
                ),
            )

    def feedback_counts(self) -> dict[str, int]:
        with self._read() as conn:
            return self._feedback_counts(conn)

    @staticmethod
    def _feedback_counts(conn: sqlite3.Connection) -> dict[str, int]:
        row = conn.execute(
            """
            SELECT COALESCE(SUM(vote = 1), 0) AS up, COALESCE(SUM(vote = -1), 0) AS down
            FROM feedback
            """
        ).fetchone()
        return {"up": int(row["up"]), "down": int(row["down"])}

    def feedback_by_item(self, limit: int = 10) -> list[tuple[str, int, int]]:
        """(item_id, up, down) for the most-voted items, most votes first."""
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT item_id, SUM(vote = 1) AS up, SUM(vote = -1) AS down FROM feedback
                GROUP BY item_id ORDER BY COUNT(*) DESC, down DESC, item_id LIMIT ?
                """,
                (limit,),
            ).fetchall()
            return [(row["item_id"], int(row["up"]), int(row["down"])) for row in rows]

    # -- stats -----------------------------------------------------------------------------------

    def stats(self, since: datetime, top: int = 10) -> StorageStats:
        """Everything /stats shows, read in one consistent snapshot."""
        since_ts = _ts(since)
        with self._read() as conn:
            by_type = {
                row["type"]: int(row["n"])
                for row in conn.execute(
                    "SELECT type, COUNT(*) AS n FROM chats WHERE active = 1 GROUP BY type "
                    "ORDER BY type"
                )
            }
            inactive = conn.execute("SELECT COUNT(*) FROM chats WHERE active = 0").fetchone()[0]
            subscriptions = conn.execute(
                """
                SELECT COUNT(*) FROM subscriptions AS s JOIN chats AS c USING (chat_id)
                WHERE c.active = 1
                """
            ).fetchone()[0]
            asked, answered = conn.execute(
                """
                SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM questions WHERE asked_at >= ?
                """,
                (since_ts,),
            ).fetchone()
            return StorageStats(
                active_chats_by_type=by_type,
                inactive_chats=int(inactive),
                subscriptions=int(subscriptions),
                questions_since=int(asked),
                answered_ratio=(int(answered) / int(asked)) if asked else None,
                top_unanswered=self._top_unanswered(conn, top, since_ts),
                feedback=self._feedback_counts(conn),
            )
