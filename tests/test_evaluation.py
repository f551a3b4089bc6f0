"""A floor under answer quality: a search regression fails CI, not a user."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DEFAULT_DATA_DIR
from bot.evaluation import CATEGORIES, EvalQuestion, EvalReport, evaluate, load_questions
from bot.report import KnowledgeBase
from bot.search import ReportIndex

QUESTIONS = DEFAULT_DATA_DIR / "eval" / "questions.yaml"
# Just under the measured figures (see the closing notes): raise them as matching improves.
TOP1_FLOORS = {
    "direct": 0.95,
    # 0.893: 市委台办获得了哪些荣誉 now gets the whole awards topic (7, one of them the park's).
    "paraphrase": 0.85,
    "traditional": 0.95,
    "typo": 0.95,
    "name": 0.95,
    "date": 0.95,
    "number": 0.95,
    "english": 0.95,
    "offtopic": 0.95,
}
SET_RECALL_FLOOR = 0.95
REFUSAL_FLOOR = 0.95


@pytest.fixture(scope="module")
def questions(kb: KnowledgeBase) -> list[EvalQuestion]:
    return load_questions(QUESTIONS, set(kb.items))


@pytest.fixture(scope="module")
def report(index: ReportIndex, questions: list[EvalQuestion]) -> EvalReport:
    return evaluate(index, questions)


def test_floors_cover_every_category() -> None:
    assert set(TOP1_FLOORS) == set(CATEGORIES)


def test_the_question_file(questions: list[EvalQuestion], kb: KnowledgeBase) -> None:
    assert len(questions) >= 150
    counts = Counter(q.category for q in questions)
    assert set(counts) == set(CATEGORIES), counts
    for question in questions:
        assert question.kind in ("single", "list", "none")
        assert all(item_id in kb.items for item_id in question.expect), question
        assert (question.kind == "none") == (not question.expect), question
        assert (question.category == "offtopic") == (question.kind == "none"), question
    assert any(q.kind == "list" for q in questions)


def test_unknown_expected_ids_are_rejected(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "questions.yaml"
    path.write_text("- q: 宋涛\n  category: name\n  expect: [visits-99]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="visits-99"):
        load_questions(path, set(kb.items))


@pytest.mark.parametrize("category", CATEGORIES)
def test_top1_floor(report: EvalReport, category: str) -> None:
    score = report.categories[category]
    assert score.total > 0
    misses = [
        o.question.q for o in report.outcomes if o.question.category == category and not o.top1
    ]
    assert score.top1_rate >= TOP1_FLOORS[category], misses


def test_set_recall_floor(report: EvalReport) -> None:
    assert report.set_recall >= SET_RECALL_FLOOR


def test_refusal_rate_floor(report: EvalReport) -> None:
    assert report.refusal_rate >= REFUSAL_FLOOR


def test_cli_eval_prints_the_table_of_one_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--questions", str(QUESTIONS)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{QUESTIONS} (judged by search)"
    header = out.splitlines()[1].split()
    assert header == ["category", "n", "top-1", "top-3"]
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    for category in CATEGORIES:
        assert category in rows, out
        assert 0.0 <= float(rows[category][2]) <= 1.0
    assert "set answers: recall" in out
    assert "off-topic refusal rate" in out


def test_held_out_set_floor(index: ReportIndex, kb: KnowledgeBase) -> None:
    """The held-out questions were written without seeing the matcher; not tuned against."""
    held_out = evaluate(index, load_questions(QUESTIONS.with_name("holdout.yaml"), set(kb.items)))
    assert len(held_out.outcomes) >= 90
    assert held_out.overall_top1 >= 0.9, held_out.table()
    assert held_out.refusal_rate >= 0.9, held_out.table()


def test_realistic_dev_set_floor(index: ReportIndex, kb: KnowledgeBase) -> None:
    """Wordy, polite, colloquial, Cantonese and topic-level questions (the dev set for them)."""
    path = QUESTIONS.with_name("dev-realistic.yaml")
    realistic = evaluate(index, load_questions(path, set(kb.items)))
    answerable = [o for o in realistic.outcomes if o.question.kind != "none"]
    assert sum(o.top1 for o in answerable) / len(answerable) >= 0.8, realistic.table()
    assert realistic.refusal_rate >= 0.95, realistic.table()
