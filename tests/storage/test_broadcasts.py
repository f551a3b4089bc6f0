"""Storage: broadcasts and the delivery states (bot.storage._broadcasts)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.storage import DELIVERY_STATES, BroadcastStateError, NotFoundError, Storage
from tests.storage import DAILY, ROOT, T0, add_chats, raw


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
