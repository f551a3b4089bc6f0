"""Answer quality on the project's evaluation set (data/eval/questions.yaml)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.search import ReportIndex, SearchResult

CATEGORIES = (
    "direct",
    "paraphrase",
    "traditional",
    "typo",
    "name",
    "date",
    "number",
    "english",
    "offtopic",
)
KINDS = ("single", "list", "none")


@dataclass(frozen=True)
class EvalQuestion:
    q: str
    category: str
    expect: tuple[str, ...]
    kind: str


@dataclass
class Outcome:
    question: EvalQuestion
    result: SearchResult
    top1: bool
    top3: bool
    recall: float | None = None
    precision: float | None = None


@dataclass
class CategoryScore:
    total: int = 0
    top1: int = 0
    top3: int = 0

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


@dataclass
class EvalReport:
    outcomes: list[Outcome]
    categories: dict[str, CategoryScore] = field(default_factory=dict)

    def __post_init__(self) -> None:
        scores: dict[str, CategoryScore] = defaultdict(CategoryScore)
        for outcome in self.outcomes:
            score = scores[outcome.question.category]
            score.total += 1
            score.top1 += outcome.top1
            score.top3 += outcome.top3
        self.categories = dict(sorted(scores.items(), key=lambda kv: _category_order(kv[0])))

    def _sets(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.kind == "list"]

    @property
    def set_recall(self) -> float:
        sets = self._sets()
        return sum(o.recall or 0.0 for o in sets) / len(sets) if sets else 1.0

    @property
    def set_precision(self) -> float:
        sets = self._sets()
        return sum(o.precision or 0.0 for o in sets) / len(sets) if sets else 1.0

    @property
    def refusal_rate(self) -> float:
        off = [o for o in self.outcomes if o.question.kind == "none"]
        return sum(o.result.kind == "none" for o in off) / len(off) if off else 1.0

    @property
    def false_refusal_rate(self) -> float:
        on = [o for o in self.outcomes if o.question.kind != "none"]
        return sum(o.result.kind == "none" for o in on) / len(on) if on else 0.0

    @property
    def overall_top1(self) -> float:
        return sum(o.top1 for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.top1 or (o.recall or 1.0) < 1.0]

    def table(self) -> str:
        lines = [f"{'category':<12} {'n':>4} {'top-1':>7} {'top-3':>7}"]
        for name, score in self.categories.items():
            lines.append(
                f"{name:<12} {score.total:>4} {score.top1_rate:>7.3f} {score.top3_rate:>7.3f}"
            )
        lines += [
            f"{'all':<12} {len(self.outcomes):>4} {self.overall_top1:>7.3f}",
            "",
            f"set answers: recall {self.set_recall:.3f}, precision {self.set_precision:.3f} "
            f"({len(self._sets())} questions)",
            f"off-topic refusal rate: {self.refusal_rate:.3f}",
            f"on-topic questions wrongly refused: {self.false_refusal_rate:.3f}",
        ]
        return "\n".join(lines)


def _category_order(name: str) -> int:
    return CATEGORIES.index(name) if name in CATEGORIES else len(CATEGORIES)


def load_questions(path: Path, known_ids: set[str] | None = None) -> list[EvalQuestion]:
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of questions")
    questions = []
    for index, entry in enumerate(raw):
        where = f"{path}: question {index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("q"), str):
            raise ValueError(f"{where}: each entry needs a 'q' text")
        kind = entry.get("kind") or ("none" if not entry.get("expect") else "single")
        if kind not in KINDS:
            raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
        expect = tuple(entry.get("expect") or ())
        unknown = [i for i in expect if known_ids is not None and i not in known_ids]
        if unknown:
            raise ValueError(f"{where}: unknown item ids {unknown}")
        questions.append(EvalQuestion(entry["q"], str(entry.get("category")), expect, kind))
    return questions


def judge(question: EvalQuestion, result: SearchResult) -> Outcome:
    if question.kind == "none":
        refused = result.kind == "none"
        return Outcome(question, result, refused, refused)
    ids = [hit.item.id for hit in result.hits]
    ranked = ids + [hit.item.id for hit in result.related]
    expected = set(question.expect)
    top1 = bool(ids) and ids[0] in expected
    top3 = any(i in expected for i in ranked[:3])
    if question.kind == "list":
        got = set(ids)
        recall = len(got & expected) / len(expected)
        precision = len(got & expected) / len(got) if got else 0.0
        top1 = top1 and result.kind == "list" and recall == 1.0 and precision == 1.0
        return Outcome(question, result, top1, top3, recall, precision)
    return Outcome(question, result, top1, top3)


def evaluate(index: ReportIndex, questions: list[EvalQuestion]) -> EvalReport:
    return EvalReport([judge(q, index.search(q.q)) for q in questions])


def describe_failure(outcome: Outcome) -> str:
    result = outcome.result
    got = ", ".join(f"{h.item.id}:{h.score:.2f}" for h in result.hits[:6]) or "-"
    related = ", ".join(f"{h.item.id}:{h.score:.2f}" for h in result.related[:3])
    expected = ", ".join(outcome.question.expect) or "(refuse)"
    return (
        f"[{outcome.question.category}] {outcome.question.q!r} expected {expected} "
        f"({outcome.question.kind}); got {result.kind} {got}"
        + (f" related {related}" if related else "")
        + (f" reason {result.reason}" if result.reason else "")
    )
