"""Follow-ups measured through the real bot: dialogues played turn by turn, each turn judged.

A few dialogues of data/eval/dialogues.yaml are played over the local emulator (one bot run for
the module), then judged against their own expectations (right) and against deliberately wrong
ones (wrong), so a judge that says yes, or no, to everything fails here.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DEFAULT_DATA_DIR
from bot.eval_dialogues import (
    OPENING,
    Dialogue,
    ListState,
    Reading,
    Turn,
    TurnReader,
    advance,
    features_of_turns,
    judge_dialogues,
    judge_turn,
    load_dialogues,
    play,
)
from bot.report import KnowledgeBase
from bot.texts import LANGUAGES, texts_for

DIALOGUES = DEFAULT_DATA_DIR / "eval" / "dialogues.yaml"
# d01 list → 第二条 → 还有吗 (end); d02 a 7-item list, 还有吗 twice; d03 11 items, paged;
# d05 month list → 那11月呢 → 那4月呢 (none); d26 宋涛 → 他还去了哪里 (nothing more); d42 English.
PLAYED = ("d01", "d02", "d03", "d05", "d26", "d42")


@pytest.fixture(scope="module")
def dialogues(kb: KnowledgeBase) -> dict[str, Dialogue]:
    return {d.id: d for d in load_dialogues(DIALOGUES, set(kb.items))}


@pytest.fixture(scope="module")
def replies(kb: KnowledgeBase, dialogues: dict[str, Dialogue]) -> dict[str, list[list[str]]]:
    """The bot's messages for each turn of each played dialogue: one real bot run."""
    chosen = [dialogues[i] for i in PLAYED]
    return dict(zip(PLAYED, asyncio.run(play(kb, chosen)), strict=True))


@pytest.fixture(scope="module")
def reader(kb: KnowledgeBase) -> TurnReader:
    return TurnReader.for_kb(kb)


def verdicts(dialogue: Dialogue, turns: list[list[str]], reader: TurnReader) -> list[bool]:
    return [o.right for o in judge_dialogues([dialogue], [turns], reader)]


def with_turn(dialogue: Dialogue, number: int, turn: Turn) -> Dialogue:
    turns = list(dialogue.turns)
    turns[number - 1] = turn
    return replace(dialogue, turns=tuple(turns))


def test_the_file_loads_with_its_feature_tags(dialogues: dict[str, Dialogue]) -> None:
    assert len(dialogues) == 53
    assert sum(len(d.turns) for d in dialogues.values()) == 150
    assert all(d.features for d in dialogues.values())
    assert dialogues["d01"].features == ("pick", "more-end")
    assert {d.lang for d in dialogues.values()} == set(LANGUAGES)


def test_turns_take_the_tags_in_order(dialogues: dict[str, Dialogue]) -> None:
    assert features_of_turns(dialogues["d01"]) == [(OPENING,), ("pick",), ("more-end",)]
    # Fewer tags than follow-ups: the first tag covers the extra leading turns.
    assert features_of_turns(dialogues["d03"]) == [
        (OPENING,),
        ("more",),
        ("more",),
        ("more-end",),
    ]
    # More tags than follow-ups: the last follow-up carries the rest.
    assert features_of_turns(dialogues["d26"]) == [(OPENING,), ("ellipsis-he", "ellipsis-none")]


def test_each_turn_got_its_own_reply(replies: dict[str, list[list[str]]]) -> None:
    for ident, turns in replies.items():
        assert all(turns), ident  # the bot answered every turn before the next was sent
    # d01's second turn is the picked item alone, not the list again.
    assert len(replies["d01"][1]) == 1


def test_right_dialogues_are_judged_right(
    replies: dict[str, list[list[str]]], dialogues: dict[str, Dialogue], reader: TurnReader
) -> None:
    for ident in ("d01", "d02", "d03", "d05", "d26", "d42"):
        assert verdicts(dialogues[ident], replies[ident], reader) == [True] * len(
            dialogues[ident].turns
        ), ident


def test_readings_of_the_follow_ups(
    replies: dict[str, list[list[str]]], reader: TurnReader
) -> None:
    listing, picked, end = (reader.read(m) for m in replies["d01"])
    assert listing.kind == "list" and len(listing.ids) == 5 and listing.total == 5
    assert (picked.kind, picked.ids) == ("single", ("youth-02",))
    assert (end.kind, end.total) == ("end", 5)
    first, page, *_ = (reader.read(m) for m in replies["d03"])
    assert first.kind == "list" and first.total == 11 and first.rest == 11 - len(first.ids)
    assert page.kind == "page" and page.total == 11
    assert reader.read(replies["d26"][1]).kind == "nothing_more"
    assert reader.read(replies["d05"][2]).kind == "none"
    assert [reader.read(m).kind for m in replies["d42"]] == ["list", "end", "end"]


def test_wrong_expectations_are_judged_wrong(
    replies: dict[str, list[list[str]]], dialogues: dict[str, Dialogue], reader: TurnReader
) -> None:
    d01 = dialogues["d01"]
    # The wrong item picked.
    wrong_pick = with_turn(d01, 2, Turn("第二条", "item", ("youth-03",)))
    assert verdicts(wrong_pick, replies["d01"], reader) == [True, False, True]
    # A list missing one item, or with one too many.
    short = with_turn(d01, 1, replace(d01.turns[0], items=d01.turns[0].items[:4]))
    assert verdicts(short, replies["d01"], reader)[0] is False
    longer = with_turn(d01, 1, replace(d01.turns[0], items=(*d01.turns[0].items, "awards-01")))
    assert verdicts(longer, replies["d01"], reader)[0] is False
    # "end" expected where the bot showed an item; "more" where it said the list is complete.
    assert verdicts(with_turn(d01, 2, Turn("第二条", "end")), replies["d01"], reader)[1] is False
    more = Turn("还有吗", "more", ("awards-01",))  # the bot never showed it: "end" is wrong
    assert verdicts(with_turn(d01, 3, more), replies["d01"], reader)[2] is False
    shown = Turn("还有吗", "more", ("youth-05",))  # shown on the first page already: "end" is right
    assert verdicts(with_turn(d01, 3, shown), replies["d01"], reader)[2] is True
    # "none" where the bot answered, an item where it refused, items_any with no overlap.
    d05 = dialogues["d05"]
    assert (
        verdicts(with_turn(d05, 2, Turn("那11月呢？", "none")), replies["d05"], reader)[1] is False
    )
    refused = with_turn(d05, 3, Turn("那4月呢", "item", ("visits-01",)))
    assert verdicts(refused, replies["d05"], reader)[2] is False
    elsewhere = with_turn(d05, 2, Turn("那11月呢？", "items_any", ("awards-01", "youth-01")))
    assert verdicts(elsewhere, replies["d05"], reader)[1] is False
    overlap = with_turn(d05, 2, Turn("那11月呢？", "items_any", ("awards-01", "visits-04")))
    assert verdicts(overlap, replies["d05"], reader)[1] is True
    # A paged list: the next page must be the items after the first page, not any page.
    d03 = dialogues["d03"]
    other = [dialogues["d03"].turns[0].items[0], *dialogues["d03"].turns[0].items[2:]]
    reordered = with_turn(d03, 1, replace(d03.turns[0], items=(*other, d03.turns[0].items[1])))
    assert verdicts(reordered, replies["d03"], reader)[:2] == [False, False]


def test_more_rules_without_the_bot() -> None:
    items = tuple(f"visits-{n:02d}" for n in range(1, 12))
    turn = Turn("更多", "more", items[5:10], None)
    # The bot showed 10 of 11 first: its next page is item 11, not the file's 6-10.
    state = ListState()
    advance(state, Turn("q", "list", items, 5), Reading("list", items[:10], 11, 1))
    assert judge_turn(turn, Reading("page", items[10:], 11), state)[0]
    assert not judge_turn(turn, Reading("page", items[:5], 11), state)[0]
    assert not judge_turn(turn, Reading("end", total=11), state)[0]  # item 11 not shown yet
    # With nothing shown of the list, a page from its start is no "more".
    assert not judge_turn(turn, Reading("page", items[:5], 11), ListState(items, 0))[0]
    # Everything shown already: the end notice answers "more".
    assert judge_turn(
        Turn("更多", "more", items[10:]), Reading("end", total=11), ListState(items, 11)
    )[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_follow_up_texts_are_recognised(reader: TurnReader, language: str) -> None:
    texts = texts_for(language)  # type: ignore[arg-type]
    end = reader.read([texts.get("list_end", total=7)])
    assert (end.kind, end.total) == ("end", 7)
    assert reader.read([texts.get("pick_which", total=3)]).kind == "which"
    assert reader.read([texts.get("followup_no_context")]).kind == "no_context"
    assert reader.read([texts.get("nothing_more", subject="宋涛")]).kind == "nothing_more"
    assert reader.read([]).kind == "silent"


def test_cli_prints_accuracy_and_the_wrong_turns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "few.yaml"
    path.write_text(
        "# features: pick,more-end\n"
        "- id: right\n  lang: zh-hans\n  turns:\n"
        '  - say: "2023年台青方面做了哪些工作"\n'
        '    expect: {"kind": "list", "items": ["youth-01", "youth-02", "youth-03", '
        '"youth-04", "youth-05"]}\n'
        '  - say: "第二条"\n    expect: {"kind": "item", "items": ["youth-02"]}\n'
        '  - say: "还有吗"\n    expect: {"kind": "end"}\n'
        "# features: ellipsis-person\n"
        "- id: wrong\n  lang: en\n  turns:\n"
        '  - say: "When did Zhang Zhijun visit Guangzhou?"\n'
        '    expect: {"kind": "item", "items": ["visits-03"]}\n'
        '  - say: "what about Song Tao?"\n    expect: {"kind": "item", "items": ["visits-04"]}\n',
        encoding="utf-8",
    )
    assert main(["eval", "--dialogues", str(path), "-v"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    assert rows["all"][:2] == ["turns", "5"] and rows["all"][2] == "0.800"
    assert rows["dialogues"][:2] == ["2", "0.500"]
    assert rows["pick"] == ["1", "1.000"] and rows["ellipsis-person"] == ["1", "0.000"]
    assert rows["zh-hans"] == ["3", "1.000"] and rows["en"] == ["2", "0.500"]
    assert "5 turns of 2 dialogues through the bot in" in out
    wrong = [line for line in out.splitlines() if line.startswith("  wrong turn 2 [en]")]
    assert wrong == [
        "  wrong turn 2 [en] 'what about Song Tao?': expected item visits-04; got single visits-02"
    ]
