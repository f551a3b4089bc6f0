"""Answer quality on the project's question sets (data/eval/*.yaml).

Judging is on item ids: an answer, whether a search result or the bot's reply read back
(`bot.eval_bot`), is reduced to an `Answer`, its kind and the items it gives in order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.report import Report
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
# What an answer can be: the search's kinds ("closest": the nearest item, framed as such), and
# for the bot's replies "error" (its error notice), "other" for a reply that is none of these
# and "silent" when the bot did not reply at all.
ANSWER_KINDS = ("single", "list", "closest", "none", "error", "other", "silent")
# A refusal: "not in the report", or a reply that gives no item and is no answer (the bot asks
# for a real question when one has no words, e.g. only emoji). An error notice or no reply at
# all is no refusal.
REFUSALS = ("none", "other")
OFFTOPIC = "offtopic"


@dataclass(frozen=True)
class EvalQuestion:
    q: str
    category: str
    expect: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Answer:
    """What an answer amounts to for judging: its kind, the items it quotes (best first) and
    the items it only mentions as related; `detail` says more in the list of misses."""

    kind: str
    ids: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    detail: str = ""


def answer_of(result: SearchResult) -> Answer:
    """A search result as the bot would answer it."""
    got = ", ".join(f"{h.item.id}:{h.score:.2f}" for h in result.hits[:6])
    related = ", ".join(f"{h.item.id}:{h.score:.2f}" for h in result.related[:3])
    detail = (got or "-") + (f" related {related}" if related else "")
    if result.reason:
        detail += f" reason {result.reason}"
    return Answer(
        result.kind,
        tuple(h.item.id for h in result.hits),
        tuple(h.item.id for h in result.related),
        detail,
    )


@dataclass
class Outcome:
    question: EvalQuestion
    answer: Answer
    top1: bool
    top3: bool
    recall: float | None = None
    precision: float | None = None

    @property
    def refused(self) -> bool:
        return self.answer.kind in REFUSALS


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
    name: str = ""
    via: str = "search"  # or "bot": the replies of the running bot, read back
    seconds: float = 0.0
    categories: dict[str, CategoryScore] = field(default_factory=dict)

    def __post_init__(self) -> None:
        scores: dict[str, CategoryScore] = defaultdict(CategoryScore)
        for outcome in self.outcomes:
            score = scores[outcome.question.category]
            score.total += 1
            score.top1 += outcome.top1
            score.top3 += outcome.top3
        order = category_order([o.question.category for o in self.outcomes])
        self.categories = {name: scores[name] for name in order}

    def _sets(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.kind == "list"]

    def _offtopic(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.kind == "none"]

    def _answerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.kind != "none"]

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
        """Off-topic questions answered "not in the report" (a closest answer is no refusal)."""
        off = self._offtopic()
        return sum(o.refused for o in off) / len(off) if off else 1.0

    @property
    def false_refusal_rate(self) -> float:
        """Answerable questions answered "not in the report"."""
        on = self._answerable()
        return sum(o.refused for o in on) / len(on) if on else 0.0

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

    def summary_rows(self) -> list[tuple[str, int, float]]:
        """(label, n, rate) for the rows under the categories in `comparison_table`."""
        return [
            ("all: top-1", len(self.outcomes), self.overall_top1),
            ("off-topic refused", len(self._offtopic()), self.refusal_rate),
            ("answerable refused", len(self._answerable()), self.false_refusal_rate),
            ("set recall", len(self._sets()), self.set_recall),
            ("set precision", len(self._sets()), self.set_precision),
        ]


def category_order(names: Sequence[str]) -> list[str]:
    """The old set's categories in their order, then new ones as first met, off-topic last."""
    seen = list(dict.fromkeys(names))

    def key(name: str) -> tuple[int, int]:
        if name == OFFTOPIC:
            return (2, 0)
        if name in CATEGORIES:
            return (0, CATEGORIES.index(name))
        return (1, seen.index(name))

    return sorted(seen, key=key)


LABEL_WIDTH = 20
GROUP_WIDTH = 15


def comparison_table(reports: Sequence[EvalReport]) -> str:
    """One table, a column group (n, top-1) per set; categories a set lacks show "-"."""

    def row(label: str, cells: Sequence[tuple[str, str]]) -> str:
        groups = "".join(f"{n:>5}  {rate:>6}".ljust(GROUP_WIDTH) for n, rate in cells)
        return f"{label:<{LABEL_WIDTH}}{groups}".rstrip()

    def heading(label: str, values: Sequence[str]) -> str:
        return (f"{label:<{LABEL_WIDTH}}" + "".join(v.ljust(GROUP_WIDTH) for v in values)).rstrip()

    names = category_order([c for r in reports for c in r.categories])
    lines = [
        heading("set", [r.name for r in reports]),
        heading("judged by", [r.via for r in reports]),
        row("category", [("n", "top-1")] * len(reports)),
    ]
    for name in names:
        cells = []
        for report in reports:
            score = report.categories.get(name)
            cells.append((str(score.total), f"{score.top1_rate:.3f}") if score else ("-", "-"))
        lines.append(row(name, cells))
    lines.append("-" * (LABEL_WIDTH + GROUP_WIDTH * len(reports) - 2))
    summaries = [r.summary_rows() for r in reports]
    for position, (label, _, _) in enumerate(summaries[0]):
        cells = []
        for rows in summaries:
            _, count, rate = rows[position]
            cells.append((str(count), f"{rate:.3f}") if count else ("0", "-"))
        lines.append(row(label, cells))
    return "\n".join(lines)


_POSITION = re.compile(r"^T(\d+)(?:-H(\d+))?-(\d+)$")


def item_at(report: Report, label: str) -> str | None:
    """The id of the item at a position label: "T1-3" (topic 1, item 3) or "T3-H2-1" (topic 3,
    highlight 2, item 1). Question sets written before a report was ingested use these, as the
    ids are only known after the ingest."""
    match = _POSITION.match(label)
    if not match:
        return None
    topic, highlight, number = (int(g) if g else None for g in match.groups())
    try:
        section = report.topics[topic - 1]  # type: ignore[operator]
        if highlight is not None:
            section = section.children[highlight - 1]
        return section.items[number - 1].id  # type: ignore[operator]
    except IndexError:
        return None


def load_questions(
    path: Path, known_ids: set[str] | None = None, positions_in: Report | None = None
) -> list[EvalQuestion]:
    """A question set; with `positions_in`, position labels ("T1-3") become that report's ids."""
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
        if positions_in is not None:
            expect = tuple(item_at(positions_in, e) or e for e in expect)
        unknown = [i for i in expect if known_ids is not None and i not in known_ids]
        if unknown:
            raise ValueError(f"{where}: unknown item ids {unknown}")
        questions.append(EvalQuestion(entry["q"], str(entry.get("category")), expect, kind))
    return questions


def judge(question: EvalQuestion, answer: Answer | SearchResult) -> Outcome:
    """Top-1/top-3 (and recall/precision for set questions) of one answer, on item ids.

    A "closest" answer counts as an answer: top-1 right if its item is expected, and no
    refusal for an off-topic question."""
    if isinstance(answer, SearchResult):
        answer = answer_of(answer)
    if question.kind == "none":
        outcome = Outcome(question, answer, False, False)
        outcome.top1 = outcome.top3 = outcome.refused
        return outcome
    ids = list(answer.ids)
    ranked = ids + list(answer.related)
    expected = set(question.expect)
    top1 = bool(ids) and ids[0] in expected
    top3 = any(i in expected for i in ranked[:3])
    if question.kind == "list":
        got = set(ids)
        recall = len(got & expected) / len(expected)
        precision = len(got & expected) / len(got) if got else 0.0
        top1 = top1 and answer.kind == "list" and recall == 1.0 and precision == 1.0
        return Outcome(question, answer, top1, top3, recall, precision)
    return Outcome(question, answer, top1, top3)


def evaluate(index: ReportIndex, questions: list[EvalQuestion], name: str = "") -> EvalReport:
    """Judge the search's answers (fast; the bot's own replies: `bot.eval_bot`)."""
    return EvalReport([judge(q, answer_of(index.search(q.q))) for q in questions], name)


def describe_failure(outcome: Outcome) -> str:
    answer = outcome.answer
    expected = ", ".join(outcome.question.expect) or "(refuse)"
    return (
        f"[{outcome.question.category}] {outcome.question.q!r} expected {expected} "
        f"({outcome.question.kind}); got {answer.kind} {answer.detail or '-'}"
    )
