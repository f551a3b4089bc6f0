"""Answer quality measured through the real bot: its replies read back into item ids and kinds.

The questions below are asked of the real Application polling the local Bot API emulator, each
from a fresh user in a private chat, exactly as `python -m bot eval` asks the test set.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

import pytest

from bot import eval_bot
from bot.cli import main
from bot.config import DEFAULT_DATA_DIR
from bot.eval_bot import ReplyReader, ask_bot
from bot.evaluation import Answer, EvalQuestion, answer_of, evaluate, judge, load_questions
from bot.normalize import to_traditional
from bot.render import render_answer, render_item, split_message, to_plain
from bot.report import KnowledgeBase
from bot.search import ReportIndex
from bot.texts import Html, texts_for

EVAL = DEFAULT_DATA_DIR / "eval"
VISITS = tuple(f"visits-{n:02d}" for n in range(1, 12))
STORIES = tuple(f"story-{n:02d}" for n in range(1, 9))
STORY = "讲好广州故事方面做了哪些宣传"  # the 8 story items, one page
# Questions from the dev sets with the kind of answer the bot gives them today.
SINGLE = "宋涛什么时候来广州考察"  # visits-02
TRADITIONAL = "臺青創業基地"  # youth-05, with related items listed by title
ENGLISH = "When did Song Tao visit Guangzhou"  # visits-02, answered in English
LIST = "有哪些领导来广州考察过"  # the 11 visits, as a topic list
REFUSAL = "今天天气怎么样"  # not in the report
CLOSEST = "台商学政策的课一年开了几回"  # integration-02, framed as the closest
CLOSEST_OFFTOPIC = "广州台湾青年个人所得税优惠"  # an off-topic question the bot answers as closest
NO_WORDS = "👍👍"  # off-topic; the bot asks for a real question instead of searching
SAMPLES = (SINGLE, TRADITIONAL, ENGLISH, LIST, REFUSAL, CLOSEST, CLOSEST_OFFTOPIC, NO_WORDS)


@pytest.fixture(scope="module")
def replies(kb: KnowledgeBase) -> dict[str, list[str]]:
    """The bot's replies (HTML as sent) to each sample question: one real bot run."""
    answers = asyncio.run(ask_bot(kb, list(SAMPLES)))
    return dict(zip(SAMPLES, answers, strict=True))


@pytest.fixture(scope="module")
def reader(kb: KnowledgeBase) -> ReplyReader:
    return ReplyReader.for_kb(kb)


def single(q: str, *expect: str) -> EvalQuestion:
    return EvalQuestion(q, "test", expect, "single")


def test_every_question_got_one_reply(replies: dict[str, list[str]]) -> None:
    # The 11-item list comes in two pages: the reader asked for "更多", as a person would.
    assert all(len(messages) == (2 if q == LIST else 1) for q, messages in replies.items()), replies


def test_a_single_answer(
    replies: dict[str, list[str]], reader: ReplyReader, kb: KnowledgeBase
) -> None:
    reply = replies[SINGLE]
    assert kb.items["visits-02"].text in to_plain(reply[0])
    answer = reader.read(reply)
    assert (answer.kind, answer.ids) == ("single", ("visits-02",))
    assert judge(single(SINGLE, "visits-02"), answer).top1
    assert not judge(single(SINGLE, "visits-03"), answer).top1


def test_a_traditional_answer_and_its_related_titles(
    replies: dict[str, list[str]], reader: ReplyReader, kb: KnowledgeBase, index: ReportIndex
) -> None:
    plain = to_plain(replies[TRADITIONAL][0])
    assert to_traditional(kb.items["youth-05"].text) in plain
    assert kb.items["youth-05"].text not in plain  # really Traditional, not the source text
    answer = reader.read(replies[TRADITIONAL])
    assert (answer.kind, answer.ids) == ("single", ("youth-05",))
    related = [h.item.id for h in index.search(TRADITIONAL).related if h.item.id != "youth-05"]
    assert related and list(answer.related) == related
    # Top-3 counts the related items, as it does for a search result.
    assert judge(single(TRADITIONAL, related[0]), answer).top3


def test_an_english_answer(
    replies: dict[str, list[str]], reader: ReplyReader, kb: KnowledgeBase
) -> None:
    item = kb.items["visits-02"]
    assert item.title_en in to_plain(replies[ENGLISH][0])  # answered in English
    answer = reader.read(replies[ENGLISH])
    assert (answer.kind, answer.ids) == ("single", ("visits-02",))


def test_a_list(replies: dict[str, list[str]], reader: ReplyReader) -> None:
    answer = reader.read(replies[LIST])
    assert answer.kind == "list"
    assert answer.ids == VISITS  # every item, in the order shown
    question = EvalQuestion(LIST, "topic", VISITS, "list")
    outcome = judge(question, answer)
    assert outcome.top1 and outcome.recall == 1.0 and outcome.precision == 1.0
    short = judge(EvalQuestion(LIST, "topic", VISITS[:5], "list"), answer)
    assert not short.top1 and short.precision == pytest.approx(5 / 11)


def test_a_refusal(replies: dict[str, list[str]], reader: ReplyReader) -> None:
    answer = reader.read(replies[REFUSAL])
    assert (answer.kind, answer.ids) == ("none", ())
    assert judge(EvalQuestion(REFUSAL, "offtopic", (), "none"), answer).top1
    assert not judge(single(REFUSAL, "visits-02"), answer).top1


def test_a_closest_answer(replies: dict[str, list[str]], reader: ReplyReader) -> None:
    assert texts_for("zh-hans").plain("answer_closest") in to_plain(replies[CLOSEST][0])
    answer = reader.read(replies[CLOSEST])
    assert (answer.kind, answer.ids) == ("closest", ("integration-02",))
    # An answer: right at top-1 when its item is expected...
    assert judge(single(CLOSEST, "integration-02"), answer).top1
    # ...and no refusal for an off-topic question.
    off = reader.read(replies[CLOSEST_OFFTOPIC])
    assert off.kind == "closest" and off.ids
    outcome = judge(EvalQuestion(CLOSEST_OFFTOPIC, "offtopic", (), "none"), off)
    assert not outcome.refused and not outcome.top1


def test_a_reply_that_is_no_answer_declines(
    replies: dict[str, list[str]], reader: ReplyReader
) -> None:
    answer = reader.read(replies[NO_WORDS])
    assert (answer.kind, answer.ids) == ("other", ())
    assert judge(EvalQuestion(NO_WORDS, "offtopic", (), "none"), answer).refused


async def test_an_error_notice_is_no_refusal(
    kb: KnowledgeBase, reader: ReplyReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ReportIndex.search

    def failing(self: ReportIndex, text: str, *args: Any, **kwargs: Any) -> Any:
        if "爆炸" in text:
            raise RuntimeError("search broke")
        return real(self, text, *args, **kwargs)

    monkeypatch.setattr(ReportIndex, "search", failing)
    broken, fine = await ask_bot(kb, ["爆炸了吗", SINGLE])
    answer = reader.read(broken)
    assert answer.kind == "error"
    outcome = judge(EvalQuestion("爆炸了吗", "offtopic", (), "none"), answer)
    assert not outcome.refused and not outcome.top1
    assert reader.read(fine).ids == ("visits-02",)


def test_reading_the_bot_agrees_with_its_search(
    replies: dict[str, list[str]], reader: ReplyReader, index: ReportIndex
) -> None:
    for question, reply in replies.items():
        if question == NO_WORDS:
            continue  # the bot does not search a question without words
        read, searched = reader.read(reply), answer_of(index.search(question))
        assert (read.kind, read.ids) == (searched.kind, searched.ids), question


def test_a_reply_in_several_messages(
    kb: KnowledgeBase, reader: ReplyReader, index: ReportIndex
) -> None:
    html = render_answer(kb, index.search(STORY), texts_for("zh-hant"))
    parts = split_message(html, limit=300)
    assert len(parts) > 2
    assert reader.read(parts) == Answer("list", STORIES, detail=", ".join(STORIES))


def test_english_text_or_titles_only(kb: KnowledgeBase, reader: ReplyReader) -> None:
    item = kb.items["economy-03"]
    # The translation quoted (no title needed), or only the English title shown.
    translated = Html(f"<i>Economy</i>\n<blockquote>{item.text_en}</blockquote>")
    assert reader.read([translated]).ids == ("economy-03",)
    title_only = render_item(kb, item, texts_for("en")).split("<blockquote>")[0]
    assert reader.read([title_only]).ids == ("economy-03",)


def test_no_reply_is_neither_an_answer_nor_a_refusal(reader: ReplyReader) -> None:
    answer = reader.read([])
    assert answer.kind == "silent"
    assert not judge(EvalQuestion("?", "offtopic", (), "none"), answer).top1


# --------------------------------------------------------------------------- the command


def _rows(out: str) -> dict[str, list[str]]:
    rows = {}
    for line in out.splitlines():
        for label in ("all: top-1", "off-topic refused", "answerable refused", "set recall"):
            if line.startswith(label):
                rows[label] = line[len(label) :].split()
    return rows


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[Sequence[str]]:
    """Every batch of questions put to the real bot (it is still asked)."""
    batches: list[Sequence[str]] = []
    real = eval_bot.ask_bot

    async def recording(kb: KnowledgeBase, questions: Sequence[str], **kw: Any) -> Any:
        batches.append(list(questions))
        return await real(kb, questions, **kw)

    monkeypatch.setattr(eval_bot, "ask_bot", recording)
    return batches


def test_cli_prints_dev_and_test_columns(
    capsys: pytest.CaptureFixture[str],
    kb: KnowledgeBase,
    index: ReportIndex,
    asked: list[Sequence[str]],
) -> None:
    assert main(["eval", "-v"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    dev = (
        "questions", "holdout", "dev-realistic", "dev-hard", "dev-negatives", "dev-offtopic",
        "dev-topics",
    )  # fmt: skip
    assert lines[0].split() == ["set", *dev, "test"]
    assert lines[1].split() == ["judged", "by"] + ["search"] * len(dev) + ["bot"]
    assert lines[2].split() == ["category"] + ["n", "top-1"] * 8
    test = load_questions(EVAL / "test.yaml", set(kb.items))
    # The test set, and only it, went through the bot.
    assert asked == [[q.q for q in test]]
    rows = _rows(out)
    assert set(rows) == {"all: top-1", "off-topic refused", "answerable refused", "set recall"}
    for cells in rows.values():
        assert len(cells) == 16
        for count, rate in zip(cells[0::2], cells[1::2], strict=True):
            assert rate == "-" if count == "0" else 0.0 <= float(rate) <= 1.0
    assert rows["all: top-1"][14] == str(len(test))
    assert int(rows["off-topic refused"][14]) == sum(q.kind == "none" for q in test)
    # Every category of every set has its row; a set without it shows "-".
    categories = {
        q.category for name in (*dev, "test") for q in load_questions(EVAL / f"{name}.yaml")
    }
    table = {line.split()[0]: line.split() for line in lines[3:] if line.strip()}
    assert categories <= set(table)
    assert table["direct"][15:17] == ["-", "-"]  # the test set has no "direct" questions
    # The dev columns are the search's figures.
    for position, name in enumerate(dev):
        questions = load_questions(EVAL / f"{name}.yaml", set(kb.items), kb.reports[0])
        report = evaluate(index, questions)
        assert rows["all: top-1"][2 * position] == str(len(report.outcomes))
        assert rows["all: top-1"][2 * position + 1] == f"{report.overall_top1:.3f}"
        assert rows["set recall"][2 * position + 1] == f"{report.set_recall:.3f}"
    assert f"test: {len(test)} questions through the bot in" in out
    dev = len(load_questions(EVAL / "questions.yaml"))
    assert f"questions: {dev} questions on the search in" in out
    misses = [line for line in lines if line.startswith("  [")]
    assert misses and all(" expected " in line and "; got " in line for line in misses)


def test_cli_one_file_through_the_bot(
    capsys: pytest.CaptureFixture[str], tmp_path: Any, asked: list[Sequence[str]]
) -> None:
    path = tmp_path / "few.yaml"
    path.write_text(
        f"- q: {SINGLE}\n  category: name\n  expect: [visits-02]\n"
        f"- q: {LIST}\n  category: topic\n  expect: [{', '.join(VISITS)}]\n  kind: list\n"
        f"- q: {REFUSAL}\n  category: offtopic\n",
        encoding="utf-8",
    )
    assert main(["eval", "--questions", str(path), "--through-bot"]) == 0
    out = capsys.readouterr().out
    assert asked == [[SINGLE, LIST, REFUSAL]]
    assert "judged by bot" in out.splitlines()[0]
    assert out.splitlines()[1].split() == ["category", "n", "top-1", "top-3"]
    assert "all             3   1.000" in out
    assert "off-topic refusal rate: 1.000" in out
    assert "few: 3 questions through the bot in" in out


def test_cli_one_file_on_the_search_by_default(
    capsys: pytest.CaptureFixture[str], asked: list[Sequence[str]]
) -> None:
    assert main(["eval", "--questions", str(EVAL / "holdout.yaml")]) == 0
    assert asked == []
    assert "judged by search" in capsys.readouterr().out.splitlines()[0]


def test_a_report_nobody_enriched_is_measured_through_the_bot(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """`eval --ingested`: the fictional 深圳 report ingested into a scratch folder and asked its
    own questions (by position) through the real bot; data/ itself is left alone."""
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        "- {q: 陈启航什么时候到前海考察, category: name, expect: [T1-1], kind: single}\n"
        "- {q: 今天天气怎么样, category: offtopic, expect: [], kind: none}\n",
        encoding="utf-8",
    )
    before = sorted(p.name for p in (DEFAULT_DATA_DIR / "reports").iterdir())
    source = EVAL / "fiction" / "2024-shenzhen-report.txt"
    assert main(["eval", "--ingested", str(source), str(questions)]) == 0
    out = capsys.readouterr().out
    assert "ingested alone" in out and "judged by bot" in out
    assert re.search(r"^all +2 +1\.000", out, re.MULTILINE)
    assert "off-topic refusal rate: 1.000" in out
    assert sorted(p.name for p in (DEFAULT_DATA_DIR / "reports").iterdir()) == before
