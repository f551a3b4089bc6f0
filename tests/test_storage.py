"""Unit tests for bot.storage: plain sqlite, no Telegram."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot import storage as storage_module
from bot.storage import (
    DELIVERY_STATES,
    MIGRATIONS,
    BroadcastStateError,
    NotFoundError,
    Schedule,
    Storage,
    StorageError,
    normalize_question,
)

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
DAILY = Schedule("daily", 9, 30)
WEEKLY = Schedule("weekly", 18, 0, weekday=4)
EVIL = "'); DROP TABLE chats; -- \" OR 1=1 ; DELETE FROM deliveries; %s {0} ?"


@pytest.fixture
def db() -> Iterator[Storage]:
    with Storage(":memory:") as storage:
        yield storage


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"


def raw(db: Storage, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Peek at tables that have no public reader (questions/feedback chat ids)."""
    conn = db._conn
    assert conn is not None
    return [tuple(row) for row in conn.execute(sql, params).fetchall()]


def add_chats(db: Storage) -> None:
    """Four chats: two subscribed groups, one unsubscribed private chat, one inactive group."""
    db.upsert_chat(-100, "supergroup", "Group A")
    db.upsert_chat(-200, "group", "Group B")
    db.upsert_chat(42, "private", "Alice")
    db.upsert_chat(-300, "group", "Gone", active=False)
    db.set_subscription(-100, DAILY, created_by=1)
    db.set_subscription(-200, WEEKLY, created_by=1)
    db.set_subscription(-300, DAILY, created_by=1)


# ---------------------------------------------------------------------------------------------
# Opening, migrations, pragmas


def test_fresh_file_db_is_migrated_and_reopening_keeps_version_and_data(db_path: Path) -> None:
    with Storage(db_path) as db:
        assert db.schema_version == len(MIGRATIONS) >= 1
        db.upsert_chat(-100, "group", "Group A", language="zh")
        db.set_subscription(-100, DAILY, created_by=7)
    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)

    with Storage(db_path) as db:
        assert db.schema_version == len(MIGRATIONS)
        chat = db.get_chat(-100)
        assert chat is not None
        assert (chat.title, chat.language, chat.active) == ("Group A", "zh", True)
        sub = db.get_subscription(-100)
        assert sub is not None and sub.schedule == DAILY and sub.created_by == 7


def test_new_migration_is_applied_on_reopen(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Storage(db_path) as db:
        db.upsert_chat(1, "private")
    extra = (
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n"
        "INSERT INTO notes VALUES (1, 'a;b');"  # a ';' inside a literal is not a split point
    )
    monkeypatch.setattr(storage_module, "MIGRATIONS", [*MIGRATIONS, extra])
    with Storage(db_path) as db:
        assert db.schema_version == len(MIGRATIONS) + 1
        assert raw(db, "SELECT body FROM notes") == [("a;b",)]
        assert db.get_chat(1) is not None


def test_failing_migration_is_rolled_back(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Storage(db_path).close()
    broken = "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(storage_module, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(sqlite3.OperationalError):
        Storage(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables
    assert "chats" in tables


def test_newer_schema_version_is_refused(db_path: Path) -> None:
    Storage(db_path).close()
    newer = len(MIGRATIONS) + 1
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    expected = (
        f"database schema version {newer} is newer than this bot supports "
        f"({len(MIGRATIONS)}); upgrade the bot"
    )
    with pytest.raises(StorageError) as excinfo:
        Storage(db_path)
    assert str(excinfo.value) == expected
    # refusing must not touch the file
    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0] == newer


def test_file_db_uses_wal_foreign_keys_and_busy_timeout(db_path: Path) -> None:
    with Storage(db_path) as db:
        assert raw(db, "PRAGMA journal_mode") == [("wal",)]
        assert raw(db, "PRAGMA foreign_keys") == [(1,)]
        assert raw(db, "PRAGMA busy_timeout")[0][0] > 0
    # WAL is persistent in the file itself
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_memory_db_and_close(db: Storage) -> None:
    assert db.schema_version == len(MIGRATIONS)
    assert raw(db, "PRAGMA foreign_keys") == [(1,)]
    db.close()
    db.close()  # idempotent
    with pytest.raises(StorageError, match="closed"):
        db.get_chat(1)


def test_context_manager_closes() -> None:
    with Storage(":memory:") as db:
        db.upsert_chat(1, "private")
    with pytest.raises(StorageError, match="closed"):
        db.active_chats()


def test_naive_datetimes_are_rejected(db: Storage) -> None:
    with pytest.raises(ValueError, match="naive"):
        db.upsert_chat(1, "private", now=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        db.questions_since(datetime(2024, 1, 1))


def test_timestamps_are_stored_as_utc_iso(db: Storage) -> None:
    utc = datetime(2024, 5, 1, 16, 0, tzinfo=UTC)
    local = utc.astimezone(timezone(timedelta(hours=8)))  # 2024-05-02 00:00 +08:00
    db.upsert_chat(1, "private", now=local)
    assert raw(db, "SELECT added_at FROM chats") == [("2024-05-01T16:00:00.000000+00:00",)]
    chat = db.get_chat(1)
    assert chat is not None and chat.added_at == utc and chat.added_at.utcoffset() == timedelta(0)


# ---------------------------------------------------------------------------------------------
# Chats


def test_upsert_chat_inserts_then_updates_keeping_added_at(db: Storage) -> None:
    first = db.upsert_chat(-100, "group", "Old title", language="zh", now=T0)
    assert first.chat_id == -100 and first.type == "group" and first.active
    assert first.added_at == T0
    second = db.upsert_chat(-100, "supergroup", now=T0 + timedelta(days=1))
    assert second.type == "supergroup"
    assert second.title == "Old title"  # None keeps the stored title
    assert second.language == "zh"
    assert second.added_at == T0
    third = db.upsert_chat(-100, "supergroup", "New title", language="en")
    assert (third.title, third.language) == ("New title", "en")
    assert db.get_chat(-100) == third
    assert db.get_chat(12345) is None


def test_deactivate_and_reactivate_chat(db: Storage) -> None:
    db.upsert_chat(1, "private")
    db.upsert_chat(2, "group")
    assert [c.chat_id for c in db.active_chats()] == [1, 2]
    assert db.set_chat_active(2, False) is True
    chat = db.get_chat(2)
    assert chat is not None and chat.active is False
    assert [c.chat_id for c in db.active_chats()] == [1]
    assert db.set_chat_active(999, False) is False
    db.upsert_chat(2, "group")  # the bot is back in the chat
    assert [c.chat_id for c in db.active_chats()] == [1, 2]
    db.upsert_chat(1, "private", active=False)
    assert [c.chat_id for c in db.active_chats()] == [2]


# ---------------------------------------------------------------------------------------------
# Subscriptions and digest history


@pytest.mark.parametrize(
    ("kind", "hour", "minute", "weekday"),
    [
        ("daily", 24, 0, None),
        ("daily", -1, 0, None),
        ("daily", 8, 60, None),
        ("daily", 8, 0, 3),
        ("weekly", 8, 0, None),
        ("weekly", 8, 0, 7),
        ("monthly", 8, 0, None),
    ],
)
def test_invalid_schedules_are_rejected(kind: Any, hour: int, minute: int, weekday: Any) -> None:
    with pytest.raises(ValueError):
        Schedule(kind, hour, minute, weekday)


def test_schema_rejects_inconsistent_schedule_rows(db: Storage) -> None:
    db.upsert_chat(1, "group")
    conn = db._conn
    assert conn is not None
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO subscriptions VALUES (1, 'weekly', 8, 0, NULL, 1, '2024-01-01')")


def test_subscription_crud(db: Storage) -> None:
    db.upsert_chat(-100, "group")
    assert db.get_subscription(-100) is None
    sub = db.set_subscription(-100, DAILY, created_by=5, now=T0)
    assert (sub.chat_id, sub.schedule, sub.created_by, sub.created_at) == (-100, DAILY, 5, T0)
    assert db.get_subscription(-100) == sub

    later = T0 + timedelta(hours=1)
    replaced = db.set_subscription(-100, WEEKLY, created_by=6, now=later)
    assert replaced.schedule == WEEKLY and replaced.schedule.weekday == 4
    assert (replaced.created_by, replaced.created_at) == (6, later)
    assert db.all_subscriptions() == [replaced]

    assert db.remove_subscription(-100) is True
    assert db.remove_subscription(-100) is False
    assert db.get_subscription(-100) is None
    assert db.all_subscriptions() == []


def test_subscription_needs_known_chat(db: Storage) -> None:
    with pytest.raises(NotFoundError):
        db.set_subscription(-1, DAILY, created_by=1)


def test_all_subscriptions_only_for_active_chats(db: Storage) -> None:
    add_chats(db)
    assert [s.chat_id for s in db.all_subscriptions()] == [-200, -100]
    db.set_chat_active(-200, False)
    assert [s.chat_id for s in db.all_subscriptions()] == [-100]
    assert db.get_subscription(-200) is not None  # kept, just not scheduled
    db.set_chat_active(-300, True)
    assert [s.chat_id for s in db.all_subscriptions()] == [-300, -100]


def test_digest_history_and_reset(db: Storage) -> None:
    db.upsert_chat(-100, "group")
    db.upsert_chat(-200, "group")
    assert db.sent_digest_items(-100) == set()
    db.mark_digest_sent(-100, ["t1.1", "t1.2"])
    db.mark_digest_sent(-100, iter(["t1.2", "t2.1"]))  # duplicates ignored, any iterable
    db.mark_digest_sent(-200, ["t9.9"])
    assert db.sent_digest_items(-100) == {"t1.1", "t1.2", "t2.1"}
    assert db.sent_digest_items(-200) == {"t9.9"}
    assert db.reset_digest(-100) == 3
    assert db.sent_digest_items(-100) == set()
    assert db.sent_digest_items(-200) == {"t9.9"}
    with pytest.raises(NotFoundError):
        db.mark_digest_sent(-999, ["x"])


# ---------------------------------------------------------------------------------------------
# Chat migration


def test_migrate_chat_to_new_id_rekeys_everything(db: Storage) -> None:
    db.upsert_chat(-100, "group", "Old group", language="zh", now=T0)
    db.upsert_chat(-200, "group")
    db.set_subscription(-100, WEEKLY, created_by=3)
    db.mark_digest_sent(-100, ["a", "b"])
    old_bc = db.create_broadcast("earlier", 1, "active")
    db.start_broadcast(old_bc.id)
    assert db.mark_sending(old_bc.id, -100)
    assert db.mark_delivered(old_bc.id, -100, message_id=11)
    assert db.mark_sending(old_bc.id, -200)
    assert db.mark_delivered(old_bc.id, -200, message_id=12)
    assert db.finish_broadcast(old_bc.id)
    bc = db.create_broadcast("pending one", 1, "active")
    db.start_broadcast(bc.id)
    db.log_question(-100, 9, "where?", answered=False, top_item_id=None)
    db.record_feedback(9, "t1.1", 1, chat_id=-100)

    db.migrate_chat(-100, -100777, new_type="supergroup")

    new = db.get_chat(-100777)
    old = db.get_chat(-100)
    assert new is not None and old is not None
    assert (new.type, new.title, new.language, new.active) == (
        "supergroup",
        "Old group",
        "zh",
        True,
    )
    assert new.added_at == T0
    assert old.active is False
    assert [c.chat_id for c in db.active_chats()] == [-100777, -200]
    assert db.get_subscription(-100) is None
    sub = db.get_subscription(-100777)
    assert sub is not None and sub.schedule == WEEKLY and sub.created_by == 3
    assert db.sent_digest_items(-100) == set()
    assert db.sent_digest_items(-100777) == {"a", "b"}
    # the pending delivery moved; the sent one stays with the old id as history
    assert db.get_delivery(bc.id, -100) is None
    moved = db.get_delivery(bc.id, -100777)
    assert moved is not None and moved.state == "pending"
    history = db.get_delivery(old_bc.id, -100)
    assert history is not None and (history.state, history.message_id) == ("sent", 11)
    assert db.get_delivery(old_bc.id, -100777) is None
    assert raw(db, "SELECT DISTINCT chat_id FROM questions") == [(-100777,)]
    assert raw(db, "SELECT DISTINCT chat_id FROM feedback") == [(-100777,)]
    assert sum(db.delivery_counts(bc.id).values()) == 2


def test_migrate_chat_merges_into_existing_new_id(db: Storage) -> None:
    db.upsert_chat(-100, "group", "Old title", language="zh")
    db.upsert_chat(-100777, "supergroup", None)  # already seen under its new id
    db.set_subscription(-100, DAILY, created_by=1)
    db.set_subscription(-100777, WEEKLY, created_by=2)
    db.mark_digest_sent(-100, ["a", "b"])
    db.mark_digest_sent(-100777, ["b", "c"])
    bc = db.create_broadcast("hello", 1, "active")
    assert db.start_broadcast(bc.id) == 2  # both ids were active at snapshot time

    db.migrate_chat(-100, -100777)

    new = db.get_chat(-100777)
    assert new is not None
    assert (new.type, new.title, new.language) == ("supergroup", "Old title", "zh")
    old = db.get_chat(-100)
    assert old is not None and old.active is False
    sub = db.get_subscription(-100777)
    assert sub is not None and sub.schedule == WEEKLY and sub.created_by == 2  # new id wins
    assert db.get_subscription(-100) is None
    assert db.sent_digest_items(-100777) == {"a", "b", "c"}
    assert db.sent_digest_items(-100) == set()
    # only one delivery may remain live for the merged chat
    pending = db.next_pending_deliveries(bc.id, 10)
    assert [d.chat_id for d in pending] == [-100777]
    dropped = db.get_delivery(bc.id, -100)
    assert dropped is not None and dropped.state == "removed"
    assert db.delivery_counts(bc.id)["removed"] == 1
    assert sum(db.delivery_counts(bc.id).values()) == 2


def test_migrate_chat_keeps_new_title_when_present(db: Storage) -> None:
    db.upsert_chat(-1, "group", "Old")
    db.upsert_chat(-2, "supergroup", "New")
    db.migrate_chat(-1, -2)
    new = db.get_chat(-2)
    assert new is not None and new.title == "New"


def test_migrate_chat_rejects_same_id(db: Storage) -> None:
    db.upsert_chat(-1, "group")
    with pytest.raises(ValueError):
        db.migrate_chat(-1, -1)


# ---------------------------------------------------------------------------------------------
# Broadcasts


def test_create_and_get_broadcast(db: Storage) -> None:
    bc = db.create_broadcast("Hello *all*", created_by=77, audience="subscribed", pin=True, now=T0)
    assert bc.status == "draft" and bc.pin is True and bc.audience == "subscribed"
    assert (bc.text, bc.created_by, bc.created_at, bc.finished_at) == ("Hello *all*", 77, T0, None)
    assert (bc.progress_chat_id, bc.progress_message_id) == (None, None)
    assert db.get_broadcast(bc.id) == bc
    assert db.get_broadcast(bc.id + 1000) is None
    assert db.create_broadcast("x", 1, "active").id != bc.id
    with pytest.raises(ValueError):
        db.create_broadcast("x", 1, "everyone")  # type: ignore[arg-type]


def test_start_snapshots_subscribed_audience(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("news", 1, "subscribed")
    assert db.start_broadcast(bc.id) == 2
    started = db.get_broadcast(bc.id)
    assert started is not None and started.status == "running"
    assert {d.chat_id for d in db.next_pending_deliveries(bc.id, 100)} == {-100, -200}
    # recipients are a snapshot: later changes do not affect this broadcast
    db.upsert_chat(-400, "group")
    db.set_subscription(-400, DAILY, created_by=1)
    assert db.start_broadcast(bc.id) == 2
    assert {d.chat_id for d in db.next_pending_deliveries(bc.id, 100)} == {-100, -200}


def test_start_snapshots_active_audience(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("news", 1, "active")
    assert db.start_broadcast(bc.id) == 3
    pending = db.next_pending_deliveries(bc.id, 100)
    assert [d.chat_id for d in pending] == [-200, -100, 42]  # inactive -300 excluded
    assert all(d.state == "pending" and d.attempts == 0 for d in pending)
    counts = db.delivery_counts(bc.id)
    assert counts == {**dict.fromkeys(DELIVERY_STATES, 0), "pending": 3}


def test_start_twice_does_not_duplicate(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("news", 1, "active")
    assert db.start_broadcast(bc.id) == 3
    assert db.mark_sending(bc.id, 42)
    assert db.mark_delivered(bc.id, 42, 5)
    assert db.start_broadcast(bc.id) == 3
    assert raw(db, "SELECT COUNT(*) FROM deliveries WHERE broadcast_id = ?", (bc.id,)) == [(3,)]
    delivered = db.get_delivery(bc.id, 42)
    assert delivered is not None and delivered.state == "sent"  # not reset by the 2nd start


def test_start_refuses_done_cancelled_and_unknown(db: Storage) -> None:
    add_chats(db)
    cancelled = db.create_broadcast("a", 1, "active")
    assert db.cancel_broadcast(cancelled.id) is True
    with pytest.raises(BroadcastStateError, match="cancelled"):
        db.start_broadcast(cancelled.id)
    assert db.delivery_counts(cancelled.id) == dict.fromkeys(DELIVERY_STATES, 0)

    done = db.create_broadcast("b", 1, "subscribed")
    db.start_broadcast(done.id)
    for d in db.next_pending_deliveries(done.id, 10):
        assert db.mark_sending(done.id, d.chat_id)
        assert db.mark_delivered(done.id, d.chat_id, 1)
    assert db.finish_broadcast(done.id) is True
    with pytest.raises(BroadcastStateError, match="done"):
        db.start_broadcast(done.id)
    with pytest.raises(NotFoundError):
        db.start_broadcast(10_000)


def test_delivery_lifecycle_and_counts(db: Storage) -> None:
    add_chats(db)
    db.upsert_chat(-500, "channel", "Channel")
    bc = db.create_broadcast("news", 1, "active")
    total = db.start_broadcast(bc.id)
    assert total == 4
    assert db.running_broadcasts() == [db.get_broadcast(bc.id)]

    first_two = db.next_pending_deliveries(bc.id, 2)
    assert [d.chat_id for d in first_two] == [-500, -200]

    assert db.mark_sending(bc.id, -500, now=T0) is True
    assert db.mark_sending(bc.id, -500) is False  # already claimed: never sent twice
    claimed = db.get_delivery(bc.id, -500)
    assert claimed is not None and (claimed.state, claimed.attempts) == ("sending", 1)
    assert claimed.updated_at == T0
    assert -500 not in {d.chat_id for d in db.next_pending_deliveries(bc.id, 10)}
    assert db.mark_delivered(bc.id, -500, message_id=321) is True
    sent = db.get_delivery(bc.id, -500)
    assert sent is not None and (sent.state, sent.message_id) == ("sent", 321)
    assert db.mark_delivered(bc.id, -500, message_id=999) is False  # sent is final
    assert db.mark_failed(bc.id, -500, "late error") is False

    assert db.mark_sending(bc.id, -200)
    assert db.mark_failed(bc.id, -200, "Forbidden: bot was kicked", state="removed") is True
    removed = db.get_delivery(bc.id, -200)
    assert removed is not None and removed.state == "removed"
    assert removed.error == "Forbidden: bot was kicked"

    assert db.mark_sending(bc.id, -100)
    assert db.mark_failed(bc.id, -100, "RetryAfter 5", state="pending") is True
    assert db.mark_sending(bc.id, 42)
    assert db.mark_failed(bc.id, 42, "x" * 5000) is True
    failed = db.get_delivery(bc.id, 42)
    assert failed is not None and failed.state == "failed" and 0 < len(failed.error or "") <= 1000
    assert db.mark_failed(bc.id, 42, "again", state="pending") is False  # failed is final

    retry = db.next_pending_deliveries(bc.id, 10)
    assert [(d.chat_id, d.attempts, d.error) for d in retry] == [(-100, 1, "RetryAfter 5")]
    with pytest.raises(BroadcastStateError, match="pending"):
        db.finish_broadcast(bc.id)
    assert db.mark_sending(bc.id, -100)
    assert db.get_delivery(bc.id, -100).attempts == 2  # type: ignore[union-attr]
    with pytest.raises(BroadcastStateError, match="sending"):
        db.finish_broadcast(bc.id)
    assert db.mark_delivered(bc.id, -100, 7)

    counts = db.delivery_counts(bc.id)
    assert set(counts) == set(DELIVERY_STATES)
    assert counts == {
        "pending": 0,
        "sending": 0,
        "sent": 2,
        "failed": 1,
        "removed": 1,
        "uncertain": 0,
    }
    assert sum(counts.values()) == total
    assert db.finish_broadcast(bc.id, now=T0) is True
    finished = db.get_broadcast(bc.id)
    assert finished is not None and finished.status == "done" and finished.finished_at == T0
    assert db.finish_broadcast(bc.id) is False
    assert db.running_broadcasts() == []


def test_mark_failed_validates_state(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("x", 1, "active")
    db.start_broadcast(bc.id)
    with pytest.raises(ValueError):
        db.mark_failed(bc.id, 42, "e", state="sent")  # type: ignore[arg-type]


def test_pending_delivery_can_be_skipped_without_sending(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("x", 1, "active")
    db.start_broadcast(bc.id)
    assert db.mark_failed(bc.id, 42, "chat inactive", state="removed") is True
    assert 42 not in {d.chat_id for d in db.next_pending_deliveries(bc.id, 10)}


def test_finish_draft_is_refused(db: Storage) -> None:
    bc = db.create_broadcast("x", 1, "active")
    with pytest.raises(BroadcastStateError):
        db.finish_broadcast(bc.id)


def test_cancel_stops_handing_out_deliveries(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("x", 1, "active")
    db.start_broadcast(bc.id)
    assert len(db.next_pending_deliveries(bc.id, 10)) == 3
    assert db.cancel_broadcast(bc.id, now=T0) is True
    assert db.next_pending_deliveries(bc.id, 10) == []
    assert db.mark_sending(bc.id, 42) is False
    assert db.cancel_broadcast(bc.id) is False
    assert db.finish_broadcast(bc.id) is False
    cancelled = db.get_broadcast(bc.id)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert cancelled.finished_at == T0
    assert db.delivery_counts(bc.id)["pending"] == 3
    assert db.running_broadcasts() == []
    with pytest.raises(NotFoundError):
        db.cancel_broadcast(12345)


def test_progress_message(db: Storage) -> None:
    bc = db.create_broadcast("x", 1, "active")
    db.set_progress_message(bc.id, 555, 66)
    got = db.get_broadcast(bc.id)
    assert got is not None and (got.progress_chat_id, got.progress_message_id) == (555, 66)
    with pytest.raises(NotFoundError):
        db.set_progress_message(bc.id + 1, 1, 1)


def test_rekey_delivery_moves_to_new_id_as_pending(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("x", 1, "subscribed")
    db.start_broadcast(bc.id)
    assert db.mark_sending(bc.id, -200)
    assert db.rekey_delivery(bc.id, -200, -100200) is True
    assert db.get_delivery(bc.id, -200) is None
    moved = db.get_delivery(bc.id, -100200)
    assert moved is not None and (moved.state, moved.attempts) == ("pending", 1)
    assert {d.chat_id for d in db.next_pending_deliveries(bc.id, 10)} == {-100, -100200}
    assert sum(db.delivery_counts(bc.id).values()) == 2
    # nothing left under the old id
    assert db.rekey_delivery(bc.id, -200, -100200) is False


def test_rekey_delivery_onto_existing_delivery_is_dropped(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("x", 1, "subscribed")
    db.start_broadcast(bc.id)
    assert db.mark_sending(bc.id, -200)
    assert db.rekey_delivery(bc.id, -200, -100) is False  # -100 already has its own delivery
    old = db.get_delivery(bc.id, -200)
    assert old is not None and old.state == "removed" and "-100" in (old.error or "")
    new = db.get_delivery(bc.id, -100)
    assert new is not None and new.state == "pending"
    assert sum(db.delivery_counts(bc.id).values()) == 2


def test_rekey_delivery_leaves_sent_alone(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("x", 1, "subscribed")
    db.start_broadcast(bc.id)
    assert db.mark_sending(bc.id, -200) and db.mark_delivered(bc.id, -200, 9)
    assert db.rekey_delivery(bc.id, -200, -100200) is False
    kept = db.get_delivery(bc.id, -200)
    assert kept is not None and kept.state == "sent"
    assert db.get_delivery(bc.id, -100200) is None


CRASHING_WORKER = textwrap.dedent(
    """
    import os, sys
    from bot.storage import Storage
    db = Storage(sys.argv[1])
    bid = int(sys.argv[2])
    assert db.mark_sending(bid, -100)
    # ... the process dies while the message is on the wire
    os._exit(3)
    """
)


def test_crash_while_sending_becomes_uncertain_and_is_never_resent(db_path: Path) -> None:
    with Storage(db_path) as db:
        add_chats(db)
        bc = db.create_broadcast("important", 1, "subscribed")
        assert db.start_broadcast(bc.id) == 2
        assert db.mark_sending(bc.id, -200) and db.mark_delivered(bc.id, -200, 1)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_WORKER, str(db_path), str(bc.id)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 3, proc.stderr

    with Storage(db_path) as db:
        interrupted = db.get_delivery(bc.id, -100)
        assert interrupted is not None and interrupted.state == "sending"
        assert db.next_pending_deliveries(bc.id, 10) == []
        assert [b.id for b in db.running_broadcasts()] == [bc.id]
        assert db.recover_interrupted(bc.id) == 1
        assert db.recover_interrupted(bc.id) == 0
        recovered = db.get_delivery(bc.id, -100)
        assert recovered is not None and recovered.state == "uncertain"
        assert recovered.attempts == 1 and recovered.error
        # never handed out or claimable again, not even via a "retry"
        assert db.next_pending_deliveries(bc.id, 10) == []
        assert db.mark_sending(bc.id, -100) is False
        assert db.mark_failed(bc.id, -100, "retry?", state="pending") is False
        assert db.start_broadcast(bc.id) == 2
        assert db.next_pending_deliveries(bc.id, 10) == []
        counts = db.delivery_counts(bc.id)
        assert (counts["uncertain"], counts["sent"], sum(counts.values())) == (1, 1, 2)
        assert db.finish_broadcast(bc.id) is True

    with Storage(db_path) as db:
        final = db.get_delivery(bc.id, -100)
        assert final is not None and final.state == "uncertain"


def test_uncertain_can_be_resolved_when_the_outcome_turns_up(db: Storage) -> None:
    add_chats(db)
    bc = db.create_broadcast("x", 1, "subscribed")
    db.start_broadcast(bc.id)
    assert db.mark_sending(bc.id, -100) and db.mark_sending(bc.id, -200)
    assert db.recover_interrupted(bc.id) == 2
    assert db.mark_delivered(bc.id, -100, 77) is True
    assert db.mark_failed(bc.id, -200, "Forbidden", state="removed") is True
    counts = db.delivery_counts(bc.id)
    assert (counts["sent"], counts["removed"], counts["uncertain"]) == (1, 1, 0)


def test_recover_only_touches_its_broadcast(db: Storage) -> None:
    add_chats(db)
    a = db.create_broadcast("a", 1, "subscribed")
    b = db.create_broadcast("b", 1, "subscribed")
    db.start_broadcast(a.id)
    db.start_broadcast(b.id)
    assert db.mark_sending(a.id, -100) and db.mark_sending(b.id, -100)
    assert db.recover_interrupted(a.id) == 1
    other = db.get_delivery(b.id, -100)
    assert other is not None and other.state == "sending"


# ---------------------------------------------------------------------------------------------
# Questions and feedback


def test_normalize_question() -> None:
    assert normalize_question("  What   is  THIS？ ") == "what is this"
    assert normalize_question("ＡＢＣ！") == "abc"  # full-width folded by NFKC
    assert normalize_question("台湾同胞  投资？") == "台湾同胞 投资"


def test_questions_log_counts_and_truncation(db: Storage) -> None:
    db.log_question(
        -100, 1, "old one", answered=True, top_item_id="t1.1", at=T0 - timedelta(days=2)
    )
    db.log_question(-100, 1, "q" * 2000, answered=False, top_item_id=None, at=T0)
    db.log_question(5, None, "third", answered=True, top_item_id="t2", at=T0 + timedelta(hours=1))
    assert db.questions_since(T0) == 2  # inclusive lower bound
    assert db.questions_since(T0 - timedelta(days=3)) == 3
    assert db.questions_since(T0 + timedelta(hours=2)) == 0
    stored = raw(db, "SELECT length(text) FROM questions WHERE answered = 0")
    assert stored == [(500,)]


def test_top_unanswered_groups_normalized_text(db: Storage) -> None:
    for text in ["How to invest?", "how to  invest", "HOW TO INVEST？"]:
        db.log_question(1, 1, text, answered=False, top_item_id=None, at=T0)
    for text in ["visa", "Visa!"]:  # asked more recently, but less often
        db.log_question(1, 1, text, answered=False, top_item_id=None, at=T0 + timedelta(hours=1))
    db.log_question(1, 1, "answered question", answered=True, top_item_id="x", at=T0)
    db.log_question(1, 1, "ancient", answered=False, top_item_id=None, at=T0 - timedelta(days=30))
    db.log_question(1, 1, "？？", answered=False, top_item_id=None, at=T0)  # nothing left
    assert db.top_unanswered() == [("how to invest", 3), ("visa", 2), ("ancient", 1)]
    assert db.top_unanswered(limit=1) == [("how to invest", 3)]
    assert db.top_unanswered(since=T0 - timedelta(days=1)) == [("how to invest", 3), ("visa", 2)]


def test_feedback_later_vote_replaces_earlier(db: Storage) -> None:
    assert db.feedback_counts() == {"up": 0, "down": 0}
    assert db.feedback_by_item(10) == []
    db.record_feedback(1, "t1.1", 1, question="where to invest")
    db.record_feedback(1, "t1.1", -1)  # same user, same item: replaces
    db.record_feedback(2, "t1.1", 1)
    db.record_feedback(3, "t1.1", -1)
    db.record_feedback(1, "t2.1", 1)
    assert db.feedback_counts() == {"up": 2, "down": 2}
    assert db.feedback_by_item(10) == [("t1.1", 1, 2), ("t2.1", 1, 0)]
    assert db.feedback_by_item(1) == [("t1.1", 1, 2)]
    assert raw(db, "SELECT COUNT(*) FROM feedback WHERE user_id = 1 AND item_id = 't1.1'") == [(1,)]
    # the earlier question text is kept when the replacing vote has none
    assert raw(db, "SELECT question FROM feedback WHERE user_id = 1 AND item_id = 't1.1'") == [
        ("where to invest",)
    ]
    with pytest.raises(ValueError):
        db.record_feedback(1, "t1.1", 0)
    with pytest.raises(ValueError):
        db.record_feedback(1, "t1.1", 2)


def test_stats(db: Storage) -> None:
    add_chats(db)
    db.upsert_chat(-500, "channel")
    db.log_question(1, 1, "a", answered=True, top_item_id="x", at=T0)
    db.log_question(1, 1, "b?", answered=False, top_item_id=None, at=T0)
    db.log_question(1, 1, "B", answered=False, top_item_id=None, at=T0)
    db.log_question(1, 1, "old", answered=False, top_item_id=None, at=T0 - timedelta(days=9))
    db.record_feedback(1, "x", 1)
    db.record_feedback(2, "x", -1)
    db.record_feedback(3, "y", 1)

    stats = db.stats(since=T0 - timedelta(days=1))
    assert stats.active_chats_by_type == {"channel": 1, "group": 1, "private": 1, "supergroup": 1}
    assert stats.active_chats == 4
    assert stats.inactive_chats == 1
    assert stats.subscriptions == 2  # the inactive chat's subscription does not count
    assert stats.questions_since == 3
    assert stats.answered_ratio == pytest.approx(1 / 3)
    assert stats.top_unanswered == [("b", 2)]
    assert stats.feedback == {"up": 2, "down": 1}
    assert db.stats(since=T0 + timedelta(days=1)).answered_ratio is None


# ---------------------------------------------------------------------------------------------
# Hostile text, threads


def test_sql_injection_looking_text_is_stored_verbatim(db: Storage) -> None:
    chat = db.upsert_chat(-1, "group", EVIL, language=EVIL)
    assert chat.title == EVIL and chat.language == EVIL
    bc = db.create_broadcast(EVIL, 1, "active")
    db.start_broadcast(bc.id)
    db.mark_digest_sent(-1, [EVIL])
    db.log_question(-1, 1, EVIL, answered=False, top_item_id=EVIL)
    db.record_feedback(1, EVIL, 1, question=EVIL)
    assert db.mark_sending(bc.id, -1)
    assert db.mark_failed(bc.id, -1, EVIL)

    assert db.get_chat(-1) == chat
    got = db.get_broadcast(bc.id)
    assert got is not None and got.text == EVIL
    assert db.sent_digest_items(-1) == {EVIL}
    assert raw(db, "SELECT text, top_item_id FROM questions") == [(EVIL, EVIL)]
    assert db.feedback_by_item(5) == [(EVIL, 1, 0)]
    failed = db.get_delivery(bc.id, -1)
    assert failed is not None and failed.error == EVIL
    assert [c.chat_id for c in db.active_chats()] == [-1]
    assert db.delivery_counts(bc.id)["failed"] == 1


def test_concurrent_writes_from_threads(db_path: Path) -> None:
    with Storage(db_path) as db:
        db.upsert_chat(1, "private")
        errors: list[BaseException] = []

        def work(n: int) -> None:
            try:
                for i in range(50):
                    db.log_question(1, n, f"q{n}-{i}", answered=bool(i % 2), top_item_id=None)
                    db.get_chat(1)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert db.questions_since(T0 - timedelta(days=3650)) == 400
