"""Follow-ups measured through the real bot (`python -m bot eval --dialogues`).

Each dialogue of `data/eval/dialogues.yaml` is played as one user in a private chat with the real
Application polling the local Bot API emulator (as `bot.eval_bot` asks single questions): turn by
turn, each turn sent only once the bot has finished replying to the one before. All dialogues run
side by side in one bot run, each from its own user (English dialogues with Telegram
language_code "en", Chinese ones with none, so the script decides). A turn's reply (all the
messages the bot sent after it) is read back with `bot.eval_bot.ReplyReader` plus the follow-up
texts of `bot/locales` (`list_more_header`, `list_more_hint`, `list_end`, `nothing_more`,
`pick_which`, `pick_out_of_range`, `followup_no_context`), and judged by `judge_turn`.

The file gives per-dialogue feature tags in a comment (`# features: pick,more-end`) above each
entry; `features_of_turns` says how turns are counted under them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.emulator import Call
from bot.eval_bot import ReplyReader, bot_on_emulator
from bot.render import to_plain
from bot.report import KnowledgeBase
from bot.texts import LANGUAGES, texts_for

FIRST_USER = 700_000_000  # dialogue n is played by user FIRST_USER + n, in a private chat
EXPECT_KINDS = ("list", "item", "more", "end", "none", "items_any")
OPENING = "opening"  # the first turn of a dialogue: a question, no follow-up yet
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_FEATURES = re.compile(r"^#\s*features:\s*(.*?)\s*$")
_ID_LINE = re.compile(r"^-\s+id:\s*['\"]?([^'\"\s]+)")


# --------------------------------------------------------------------------- the file


@dataclass(frozen=True)
class Turn:
    say: str
    kind: str
    items: tuple[str, ...] = ()
    page_size: int | None = None


@dataclass(frozen=True)
class Dialogue:
    id: str
    lang: str
    turns: tuple[Turn, ...]
    features: tuple[str, ...] = ()


def features_of_turns(dialogue: Dialogue) -> list[tuple[str, ...]]:
    """The features each turn is counted under.

    The file tags whole dialogues, in the order the follow-ups come ("pick,more-end": turn 2
    picks, turn 3 asks for more at the end). The first turn is the opening question
    (`OPENING`); the follow-up turns take the tags in order. With fewer tags than follow-ups,
    the first tag also covers the extra leading turns ("more,more-end" over three follow-ups:
    more, more, more-end); with more tags than follow-ups, the last follow-up carries all the
    remaining tags (d26 "ellipsis-he,ellipsis-none" over its one follow-up)."""
    follow_ups = len(dialogue.turns) - 1
    tags = list(dialogue.features) or ["untagged"]
    result: list[tuple[str, ...]] = [(OPENING,)]
    if follow_ups <= 0:
        return result
    if len(tags) <= follow_ups:
        extra = follow_ups - len(tags)
        result += [(tags[0],)] * extra + [(t,) for t in tags]
    else:
        result += [(t,) for t in tags[: follow_ups - 1]] + [tuple(tags[follow_ups - 1 :])]
    return result


def _feature_comments(text: str) -> dict[str, tuple[str, ...]]:
    """Dialogue id -> the tags of the `# features:` comment just above its entry."""
    found: dict[str, tuple[str, ...]] = {}
    pending: tuple[str, ...] | None = None
    for line in text.splitlines():
        if match := _FEATURES.match(line.strip()):
            pending = tuple(t.strip() for t in match.group(1).split(",") if t.strip())
        elif (match := _ID_LINE.match(line)) and pending is not None:
            found[match.group(1)] = pending
            pending = None
    return found


def load_dialogues(path: Path, known_ids: set[str] | None = None) -> list[Dialogue]:
    """The dialogues of a file, checked: kinds, languages and item ids."""
    text = path.read_text(encoding="utf-8")
    raw: Any = yaml.safe_load(text)
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of dialogues")
    features = _feature_comments(text)
    dialogues = []
    for index, entry in enumerate(raw):
        where = f"{path}: dialogue {index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("turns"), list):
            raise ValueError(f"{where}: each dialogue needs 'turns'")
        ident = str(entry.get("id") or f"#{index + 1}")
        lang = str(entry.get("lang") or "zh-hans")
        if lang not in LANGUAGES:
            raise ValueError(f"{where}: lang must be one of {', '.join(LANGUAGES)}")
        turns = []
        for number, step in enumerate(entry["turns"], start=1):
            expect = step.get("expect") if isinstance(step, dict) else None
            if not isinstance(step.get("say"), str) or not isinstance(expect, dict):
                raise ValueError(f"{where} ({ident}) turn {number}: needs 'say' and 'expect'")
            kind = expect.get("kind")
            if kind not in EXPECT_KINDS:
                raise ValueError(f"{where} ({ident}) turn {number}: unknown kind {kind!r}")
            items = tuple(str(i) for i in expect.get("items") or ())
            unknown = [i for i in items if known_ids is not None and i not in known_ids]
            if unknown:
                raise ValueError(f"{where} ({ident}) turn {number}: unknown item ids {unknown}")
            if kind in ("list", "item", "more", "items_any") and not items:
                raise ValueError(f"{where} ({ident}) turn {number}: kind {kind} needs items")
            size = expect.get("page_size")
            turns.append(Turn(step["say"], kind, items, int(size) if size else None))
        dialogues.append(Dialogue(ident, lang, tuple(turns), features.get(ident, ())))
    return dialogues


# --------------------------------------------------------------------------- reading a reply


def _capturing(template: str) -> re.Pattern[str]:
    """A locale template as a pattern; numeric placeholders become named groups."""
    parts = _PLACEHOLDER.split(template)
    pattern = ""
    seen: set[str] = set()
    for position, part in enumerate(parts):
        if position % 2 == 0:
            pattern += re.escape(to_plain(part))
        elif part in ("total", "rest", "count", "start", "end") and part not in seen:
            pattern += rf"(?P<{part}>[0-9]+)"
            seen.add(part)
        else:
            pattern += ".*?"
    return re.compile(pattern, re.DOTALL)


def _patterns(key: str) -> tuple[re.Pattern[str], ...]:
    templates = {str(texts_for(lang).raw(key)) for lang in LANGUAGES}
    return tuple(_capturing(t) for t in sorted(templates))


@dataclass(frozen=True)
class Reading:
    """What one turn's reply amounts to.

    kind: "list" (a list header: search, topic or month list), "page" (the next items of a
    list, `list_more_header`, or a page of a topic, `section_header`, which "more" shows after
    a single answer), "end" (`list_end`), "single" (one item), "closest" (one item
    framed as the closest the report has), "none" (`not_found`), "nothing_more" (the report
    has nothing about the person besides what was shown), "which" / "out_of_range" /
    "no_context" (the follow-up hints), "error", "other", "silent" (no reply)."""

    kind: str
    ids: tuple[str, ...] = ()
    total: int | None = None  # the list's size as the reply announces it
    rest: int = 0  # "还有 N 条" at the foot of a list
    related: tuple[str, ...] = ()
    first_line: str = ""

    def describe(self) -> str:
        got = self.kind
        if self.ids:
            got += " " + ", ".join(self.ids)
        if self.total is not None and self.kind in ("list", "page", "end"):
            got += f" (total {self.total}" + (f", {self.rest} more" if self.rest else "") + ")"
        if self.related:
            got += f" related {', '.join(self.related)}"
        if not self.ids and self.kind not in ("end", "silent"):
            got += f" {self.first_line[:50]!r}"
        return got


@dataclass(frozen=True)
class TurnReader:
    reader: ReplyReader
    page_header: tuple[re.Pattern[str], ...]
    more_hint: tuple[re.Pattern[str], ...]
    end: tuple[re.Pattern[str], ...]
    nothing_more: tuple[re.Pattern[str], ...]
    list_headers: tuple[re.Pattern[str], ...]
    hints: dict[str, tuple[re.Pattern[str], ...]]

    @classmethod
    def for_kb(cls, kb: KnowledgeBase) -> TurnReader:
        return cls(
            reader=ReplyReader.for_kb(kb),
            page_header=_patterns("list_more_header") + _patterns("section_header"),
            more_hint=_patterns("list_more_hint"),
            end=_patterns("list_end"),
            nothing_more=_patterns("nothing_more"),
            list_headers=_patterns("answer_list_header")
            + _patterns("answer_topic_header")
            + _patterns("month_header"),
            hints={
                "which": _patterns("pick_which"),
                "out_of_range": _patterns("pick_out_of_range"),
                "no_context": _patterns("followup_no_context"),
            },
        )

    @staticmethod
    def _number(patterns: Sequence[re.Pattern[str]], text: str, group: str) -> int | None:
        for pattern in patterns:
            if (match := pattern.search(text)) and group in match.groupdict():
                return int(match.group(group))
        return None

    @staticmethod
    def _starts(patterns: Sequence[re.Pattern[str]], text: str) -> bool:
        return any(p.match(text) for p in patterns)

    def read(self, messages: Sequence[str]) -> Reading:
        if not messages:
            return Reading("silent")
        plain = to_plain("\n".join(messages)).strip()
        first_line = next((line for line in plain.splitlines() if line.strip()), "")
        if self._starts(self.end, plain):
            total = self._number(self.end, plain, "total")
            return Reading("end", total=total, first_line=first_line)
        if self._starts(self.nothing_more, plain):
            return Reading("nothing_more", first_line=first_line)
        for kind, patterns in self.hints.items():
            if self._starts(patterns, plain):
                return Reading(kind, first_line=first_line)
        answer = self.reader.read(messages)
        rest = self._number(self.more_hint, plain, "rest") or 0
        if self._starts(self.page_header, plain):
            total = self._number(self.page_header, plain, "total")
            total = total if total is not None else self._number(self.page_header, plain, "count")
            return Reading("page", answer.ids, total, rest, first_line=first_line)
        kind = answer.kind
        total = None
        if kind == "list" or self._starts(self.list_headers, plain):
            kind = "list"
            total = self._number(self.list_headers, plain, "count")
        return Reading(kind, answer.ids, total, rest, answer.related, first_line)


# --------------------------------------------------------------------------- judging


@dataclass
class ListState:
    """The list the person is reading: the expected one, and how much the bot showed of it."""

    expected: tuple[str, ...] = ()
    shown: int = 0


@dataclass(frozen=True)
class TurnOutcome:
    dialogue: Dialogue
    number: int  # 1-based
    turn: Turn
    reading: Reading
    right: bool
    features: tuple[str, ...]
    note: str = ""  # how a right turn was accepted, when it was not the plain reading
    after_wrong: bool = False  # an earlier turn of the dialogue was wrong: the context differs

    def describe(self) -> str:
        expected = self.turn.kind + (f" {', '.join(self.turn.items)}" if self.turn.items else "")
        return (
            f"{self.dialogue.id} turn {self.number} [{self.dialogue.lang}] {self.turn.say!r}: "
            f"expected {expected}; got {self.reading.describe()}"
            + (" (after a wrong turn)" if self.after_wrong else "")
        )


def judge_turn(turn: Turn, reading: Reading, state: ListState) -> tuple[bool, str]:
    """Whether a reply answers the turn right, and a note on how it was accepted.

    list: a list reply whose items (across all its messages) are the expected set, in any
      order; or, when the bot pages, its first page: the k items shown are the first k
      expected (as a set) and the reply announces the full count. The bot's page size may
      differ from the file's `page_size`, so any k is a page; the file's own first page and
      the whole set shown at once are both accepted.
    more: the next items of the list being read after those the bot has already shown (its
      pages, not the file's), as a page reply (`list_more_header`) announcing the list's
      full count, once the bot has shown a first page of it; or exactly the file's items.
      When the bot's longer pages already showed every expected item, the end notice
      (`list_end`) is right.
    end: the end notice (`list_end`).
    item: one item in full, one of the expected ones: a single answer or a "closest" answer
      quoting exactly that item (after "第二条"/"details" the bot shows the item alone).
    none: "not in the report" (`not_found`), or `nothing_more` ("the report says nothing
      about him but the item above"), the bot's honest no-more reply to "他还去了哪里".
    items_any: at least one expected item quoted (shown), in any kind of reply; items only
      named as related titles do not count.
    """
    ids, expected = reading.ids, turn.items
    if turn.kind == "list":
        if reading.kind != "list" or len(set(ids)) != len(ids):
            return False, ""
        if set(ids) == set(expected):
            return True, "" if reading.rest == 0 else "whole set"
        page = set(expected[: len(ids)])
        if ids and set(ids) == page and reading.total == len(expected):
            return True, f"first page of {len(ids)}"
        return False, ""
    if turn.kind == "more":
        full = state.expected or expected
        if reading.kind == "page" and ids:
            if set(ids) == set(expected) and reading.total in (None, len(full)):
                return True, ""
            following = set(full[state.shown : state.shown + len(ids)])
            if state.shown and set(ids) == following and reading.total == len(full):
                return True, "the bot's next page"
            return False, ""
        if reading.kind == "end" and state.expected:
            shown_before = set(state.expected[: state.shown])
            if state.shown >= len(full) and set(expected) <= shown_before:
                return True, "already shown on the bot's longer page"
        return False, ""
    if turn.kind == "end":
        return reading.kind == "end", ""
    if turn.kind == "item":
        ok = reading.kind in ("single", "closest") and len(ids) == 1 and ids[0] in expected
        return ok, "closest" if ok and reading.kind == "closest" else ""
    if turn.kind == "none":
        if reading.kind == "nothing_more":
            return True, "nothing_more"
        return reading.kind == "none", ""
    if turn.kind == "items_any":
        return bool(set(ids) & set(expected)), ""
    return False, ""


def advance(state: ListState, turn: Turn, reading: Reading) -> None:
    """Follow the list being read: a list turn starts one, a page continues it."""
    if turn.kind == "list":
        state.expected = turn.items
        state.shown = len(reading.ids) if reading.kind == "list" else 0
    elif reading.kind == "page":
        state.shown += len(reading.ids)


# --------------------------------------------------------------------------- playing


async def play(
    kb: KnowledgeBase, dialogues: Sequence[Dialogue], *, timeout: float = 20.0
) -> list[list[list[str]]]:
    """Play every dialogue through the real bot, all side by side in one run; return for each
    dialogue, for each turn, the HTML of the bot's messages in reply to it (empty if none)."""
    async with bot_on_emulator(kb) as (emulator, application):
        replies: list[list[list[str]]] = [[] for _ in dialogues]
        rounds = max((len(d.turns) for d in dialogues), default=0)
        for number in range(rounds):
            playing = [n for n, d in enumerate(dialogues) if number < len(d.turns)]
            before = {n: len(emulator.sent_messages(FIRST_USER + n)) for n in playing}
            waiting = {FIRST_USER + n for n in playing}
            since = len(emulator.calls)

            def answered(call: Call, waiting: set[int] = waiting) -> bool:
                if call.method == "sendMessage":
                    waiting.discard(int(call.params.get("chat_id", 0)))
                return not waiting

            for n in playing:
                dialogue = dialogues[n]
                emulator.user_message(
                    FIRST_USER + n,
                    dialogue.turns[number].say,
                    first_name=f"Dialogue {dialogue.id}",
                    language_code="en" if dialogue.lang == "en" else None,
                )
            # A turn the bot leaves unanswered is judged "silent"; the next goes on.
            with contextlib.suppress(TimeoutError):
                await emulator.wait_for(answered, timeout, since=since)
            with contextlib.suppress(TimeoutError):
                # Every reply finished (a long one comes in several messages).
                await emulator.wait_until_consumed(timeout=timeout)
                await asyncio.wait_for(application.update_queue.join(), timeout)
            for n in playing:
                sent = emulator.sent_messages(FIRST_USER + n)[before[n] :]
                replies[n].append([m.text or "" for m in sent if m.from_bot])
        return replies


@dataclass
class DialogueReport:
    outcomes: list[TurnOutcome]
    dialogues: list[Dialogue]
    seconds: float = 0.0
    by_feature: dict[str, list[bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        groups: dict[str, list[bool]] = defaultdict(list)
        for outcome in self.outcomes:
            for feature in outcome.features:
                groups[feature].append(outcome.right)
        names = sorted(groups, key=lambda f: (f != OPENING, f))
        self.by_feature = {name: groups[name] for name in names}

    def by(self, key: str) -> dict[str, list[bool]]:
        groups: dict[str, list[bool]] = defaultdict(list)
        for outcome in self.outcomes:
            label = outcome.dialogue.lang if key == "lang" else outcome.turn.kind
            groups[label].append(outcome.right)
        order = LANGUAGES if key == "lang" else EXPECT_KINDS
        return {name: groups[name] for name in order if name in groups}

    @property
    def turn_accuracy(self) -> float:
        return sum(o.right for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    def dialogue_right(self) -> dict[str, bool]:
        right: dict[str, bool] = {d.id: True for d in self.dialogues}
        for outcome in self.outcomes:
            right[outcome.dialogue.id] = right[outcome.dialogue.id] and outcome.right
        return right

    @property
    def dialogue_accuracy(self) -> float:
        right = self.dialogue_right()
        return sum(right.values()) / len(right) if right else 0.0

    def clean_follow_ups(self) -> list[TurnOutcome]:
        """Follow-up turns every earlier turn of which was right (the context as expected)."""
        return [o for o in self.outcomes if o.number > 1 and not o.after_wrong]

    def wrong(self) -> list[TurnOutcome]:
        return [o for o in self.outcomes if not o.right]

    def table(self) -> str:
        def rows(title: str, groups: dict[str, list[bool]]) -> list[str]:
            lines = [f"{title:<16} {'turns':>5} {'right':>6}"]
            for name, marks in groups.items():
                lines.append(f"{name:<16} {len(marks):>5} {sum(marks) / len(marks):>6.3f}")
            return lines

        right = self.dialogue_right()
        clean = self.clean_follow_ups()
        clean_rate = sum(o.right for o in clean) / len(clean) if clean else 0.0
        return "\n".join(
            [
                *rows("feature", self.by_feature),
                "",
                *rows("language", self.by("lang")),
                "",
                *rows("expected kind", self.by("kind")),
                "",
                f"{'all turns':<16} {len(self.outcomes):>5} {self.turn_accuracy:>6.3f}",
                f"{'dialogues':<16} {len(right):>5} {self.dialogue_accuracy:>6.3f}"
                "  (every turn right)",
                f"{'follow-ups':<16} {len(clean):>5} {clean_rate:>6.3f}"
                "  (turns 2+ whose earlier turns were all right)",
            ]
        )


def judge_dialogues(
    dialogues: Sequence[Dialogue], replies: Sequence[Sequence[Sequence[str]]], reader: TurnReader
) -> list[TurnOutcome]:
    outcomes = []
    for dialogue, turns in zip(dialogues, replies, strict=True):
        state = ListState()
        features = features_of_turns(dialogue)
        wrong_before = False
        for number, (turn, messages) in enumerate(zip(dialogue.turns, turns, strict=True)):
            reading = reader.read(messages)
            right, note = judge_turn(turn, reading, state)
            advance(state, turn, reading)
            outcomes.append(
                TurnOutcome(
                    dialogue, number + 1, turn, reading, right, features[number], note, wrong_before
                )
            )
            wrong_before = wrong_before or not right
    return outcomes


def evaluate_dialogues(kb: KnowledgeBase, dialogues: Sequence[Dialogue]) -> DialogueReport:
    """Play and judge; `seconds` covers starting the bot, playing and reading."""
    started = time.perf_counter()
    replies = asyncio.run(play(kb, dialogues))
    outcomes = judge_dialogues(dialogues, replies, TurnReader.for_kb(kb))
    return DialogueReport(outcomes, list(dialogues), time.perf_counter() - started)
