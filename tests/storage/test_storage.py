"""Storage: what spans the stores, chat migration and /stats (bot.storage._storage)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage import ChatStore, Storage, StorageError
from tests.storage import DAILY, T0, WEEKLY, add_chats, raw


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


def test_stores_share_one_connection_and_storage_forwards_to_them(db: Storage) -> None:
    chat = db.chats.upsert_chat(-100, "group", "Group A")
    assert db.get_chat(-100) == chat
    bc = db.broadcasts.create_broadcast("hi", 1, "active")
    assert db.get_broadcast(bc.id) == bc
    assert db.start_broadcast(bc.id) == 1
    db.questions.log_question(-100, 1, "q", answered=True, top_item_id=None)
    assert db.questions_since(T0 - timedelta(days=3650)) == 1
    assert Storage.upsert_chat.__doc__ == ChatStore.upsert_chat.__doc__
    db.close()
    with pytest.raises(StorageError, match="closed"):
        db.questions.feedback_counts()
