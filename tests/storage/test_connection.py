"""Storage: opening, migrations, pragmas, timestamps, hostile text, threads (_connection)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.storage import MIGRATIONS, Storage, StorageError, _connection
from tests.storage import DAILY, EVIL, T0, raw


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
    monkeypatch.setattr(_connection, "MIGRATIONS", [*MIGRATIONS, extra])
    with Storage(db_path) as db:
        assert db.schema_version == len(MIGRATIONS) + 1
        assert raw(db, "SELECT body FROM notes") == [("a;b",)]
        assert db.get_chat(1) is not None


def test_failing_migration_is_rolled_back(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Storage(db_path).close()
    broken = "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(_connection, "MIGRATIONS", [*MIGRATIONS, broken])
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
