"""The one SQLite connection every store shares, and the one migration list.

The bot calls the short methods directly from its event loop and the long ones through
``asyncio.to_thread``, so the single connection is opened with ``check_same_thread=False`` and
every use of it is serialised by a :class:`threading.Lock`.

* Every write is one short ``BEGIN IMMEDIATE`` transaction (:meth:`Database.write`); reads of
  more than one statement run in one read transaction (:meth:`Database.read`) so they see a
  consistent snapshot.
* Timestamps are stored as UTC ISO-8601 strings with microseconds (``2024-05-01T08:00:00.000000
  +00:00``), which sort correctly as text (:func:`_ts`). Methods that need "now" accept an
  optional aware ``datetime``; naive datetimes are rejected because their zone is a guess.
* The schema is versioned by ``PRAGMA user_version``: ``MIGRATIONS[i]`` upgrades version ``i`` to
  ``i + 1``. Append new scripts, never edit shipped ones.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

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
    # 3: answers fixed from the chat by the bot's admins (/stats → pick the right item)
    """
    CREATE TABLE learned_aliases (
        key        TEXT PRIMARY KEY,
        question   TEXT    NOT NULL,
        item_id    TEXT    NOT NULL,
        learned_by INTEGER,
        learned_at TEXT    NOT NULL
    );
    """,
]


class StorageError(Exception):
    """Anything the storage layer refuses to do, with a message fit for a log."""


class NotFoundError(StorageError):
    """The chat or broadcast a method was asked about does not exist."""


class BroadcastStateError(StorageError):
    """The broadcast is not in a status that allows the requested transition."""


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


class Database:
    """The SQLite connection (opened, tuned and migrated here) and its transactions."""

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

    @property
    def schema_version(self) -> int:
        with self.read() as conn:
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

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``), serialised with every other use."""
        return self._transaction("BEGIN IMMEDIATE")

    def read(self) -> AbstractContextManager[sqlite3.Connection]:
        """One read transaction: its statements see one consistent snapshot."""
        return self._transaction("BEGIN")

    @property
    def connection(self) -> sqlite3.Connection | None:
        """The raw connection (None once closed), for tests that peek at tables."""
        return self._conn
