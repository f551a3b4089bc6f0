"""Storage: the question log and feedback (bot.storage._questions)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage import Storage, normalize_question
from tests.storage import T0, raw


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
