"""Broadcasts and their deliveries (tables ``broadcasts``, ``deliveries``).

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

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, cast, get_args

from bot.storage._connection import (
    BroadcastStateError,
    Database,
    NotFoundError,
    _dt,
    _opt_dt,
    _ts,
)

Audience = Literal["subscribed", "active"]
BroadcastStatus = Literal["draft", "running", "done", "cancelled"]
DeliveryState = Literal["pending", "sending", "sent", "failed", "removed", "uncertain"]
FailState = Literal["failed", "removed", "pending"]

DELIVERY_STATES: Final[tuple[DeliveryState, ...]] = get_args(DeliveryState)
ERROR_MAX_CHARS: Final = 1000


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


class BroadcastStore:
    """Announcements to many chats and the delivery state of each recipient."""

    def __init__(self, db: Database) -> None:
        self._db = db

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
        with self._db.write() as conn:
            row = conn.execute(
                """
                INSERT INTO broadcasts (text, created_by, audience, pin, status, created_at)
                VALUES (?, ?, ?, ?, 'draft', ?) RETURNING *
                """,
                (text, created_by, audience, int(pin), _ts(now)),
            ).fetchone()
            return _broadcast(row)

    def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        with self._db.read() as conn:
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
        with self._db.write() as conn:
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
        with self._db.write() as conn:
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
        with self._db.write() as conn:
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
        with self._db.write() as conn:
            cur = conn.execute(
                """
                UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?
                """,
                (chat_id, message_id, broadcast_id),
            )
            if cur.rowcount != 1:
                raise NotFoundError(f"broadcast {broadcast_id} does not exist")

    def running_broadcasts(self) -> list[Broadcast]:
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT * FROM broadcasts WHERE status = 'running' ORDER BY id"
            ).fetchall()
            return [_broadcast(row) for row in rows]

    def next_pending_deliveries(self, broadcast_id: int, limit: int) -> list[Delivery]:
        """Up to ``limit`` pending deliveries of a *running* broadcast, fewest attempts first."""
        with self._db.read() as conn:
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
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT * FROM deliveries WHERE broadcast_id = ? AND chat_id = ?",
                (broadcast_id, chat_id),
            ).fetchone()
            return None if row is None else _delivery(row)

    def mark_sending(self, broadcast_id: int, chat_id: int, *, now: datetime | None = None) -> bool:
        """Claim a delivery before sending: pending → sending, attempts + 1.

        Returns False (send nothing!) unless the row was pending and the broadcast is running.
        """
        with self._db.write() as conn:
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
        with self._db.write() as conn:
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
        with self._db.write() as conn:
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
        with self._db.write() as conn:
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
        with self._db.write() as conn:
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
        with self._db.write() as conn:
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
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT state, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY state",
                (broadcast_id,),
            ).fetchall()
        for row in rows:
            counts[row["state"]] = int(row["n"])
        return counts

    @staticmethod
    def _move_pending(conn: sqlite3.Connection, old_id: int, new_id: int, stamp: str) -> None:
        """The deliveries part of :meth:`Storage.migrate_chat` (its transaction)."""
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
