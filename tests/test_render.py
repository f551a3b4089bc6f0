"""Rendering: escaping, Telegram's message limit, plain text, scripts and dates."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

from bot.render import (
    MESSAGE_LIMIT,
    render_answer,
    render_date,
    render_item,
    render_item_line,
    render_list,
    render_not_found,
    split_message,
    to_plain,
)
from bot.report import ItemDate, KnowledgeBase
from bot.search import ReportIndex
from bot.texts import texts_for

OUR_TAGS = {"b", "i", "blockquote"}
TAG = re.compile(r"<(/?)([^\s>/]+)[^>]*>")
ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
NASTY = "<script>alert(\"x\")</script> & 'quote' <b>bold</b> &amp; </blockquote>"


def tags_of(fragment: str) -> list[tuple[bool, str]]:
    return [(bool(m.group(1)), m.group(2)) for m in TAG.finditer(fragment)]


def balanced(fragment: str) -> bool:
    """Every tag is closed, in order, and nothing is closed that was not opened."""
    stack: list[str] = []
    for closing, name in tags_of(fragment):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def well_formed(fragment: str) -> bool:
    """No cut tag (a '<' without its '>') and no cut entity (an '&' that starts none)."""
    without_tags = TAG.sub("", fragment)
    if "<" in without_tags or ">" in without_tags:
        return False
    return "&" not in ENTITY.sub("", without_tags)


def test_the_checkers_catch_problems() -> None:
    assert balanced("<b>a<i>b</i></b>") and not balanced("<b>a<i>b</b></i>")
    assert not balanced("<b>a") and not balanced("a</b>")
    assert well_formed("<b>&amp;&lt;</b>") and not well_formed("<b>&am") and not well_formed("<b")


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_render_item_escapes_everything_from_the_data(kb: KnowledgeBase, language: str) -> None:
    item = replace(kb.item("visits-02"), text=NASTY, title=NASTY, title_en=NASTY, text_en=NASTY)
    texts = texts_for(language)
    output = render_item(kb, item, texts)
    assert {name for _, name in tags_of(output)} <= OUR_TAGS
    assert "<script>" not in output
    assert "&lt;script&gt;" in output
    assert "&amp;amp;" in output  # the text's own "&amp;" is shown as it is written
    assert balanced(output) and well_formed(output)
    assert to_plain(output).count(texts.convert(NASTY)) == 2  # title and quoted text


def test_render_item_line_and_list_escape(kb: KnowledgeBase) -> None:
    item = replace(kb.item("visits-02"), text=NASTY, title=NASTY)
    texts = texts_for("zh-hans")
    for output in (
        render_item_line(kb, item, texts, 1),
        render_list(kb, [item, item], texts, texts.get("answer_list_header", count=2)),
    ):
        assert {name for _, name in tags_of(output)} <= OUR_TAGS
        assert balanced(output) and well_formed(output)
        assert NASTY in to_plain(output)


def test_render_answer_of_every_kind_is_valid_html(kb: KnowledgeBase, index: ReportIndex) -> None:
    for question in ("宋涛", "5月", "<script>今天天气怎么样</script>"):
        for language in ("zh-hans", "zh-hant", "en"):
            output = render_answer(kb, index.search(question), texts_for(language))
            assert {name for _, name in tags_of(output)} <= OUR_TAGS
            assert balanced(output) and well_formed(output)


def test_not_found_escapes_the_question(kb: KnowledgeBase, index: ReportIndex) -> None:
    question = "<b>天气</b> & <script>x</script>"
    result = index.search(question)
    assert result.kind == "none"
    for language in ("zh-hans", "zh-hant", "en"):
        output = render_not_found(kb, result, texts_for(language))
        assert "<script>" not in output and "<b>天气" not in output
        assert "&lt;b&gt;天气&lt;/b&gt; &amp; &lt;script&gt;" in output
        assert well_formed(output)
        assert question in to_plain(output)


def test_not_found_says_which_person_the_report_never_mentions(
    kb: KnowledgeBase, index: ReportIndex
) -> None:
    result = index.search("韩国瑜有没有来过广州")
    expected = {"zh-hans": "报告没有提到韩国瑜", "zh-hant": "報告沒有提到韓國瑜",
                "en": "does not mention Han Guoyu"}  # fmt: skip
    for language, note in expected.items():
        output = render_not_found(kb, result, texts_for(language))
        assert note in to_plain(output) and well_formed(output)


def test_not_found_cuts_a_long_question(kb: KnowledgeBase, index: ReportIndex) -> None:
    result = index.search("<" * 100)
    output = render_not_found(kb, result, texts_for("zh-hans"))
    assert "&lt;" * 40 + "…" in output
    assert "&lt;" * 41 not in output
    assert well_formed(output)


# --------------------------------------------------------------------------- splitting


def long_html() -> str:
    """About 10,000 characters of our HTML: tags spanning lines, entities, numbered lines."""
    lines = []
    for n in range(260):
        if n % 20 == 0:
            lines.append("<blockquote>")
        lines.append(f"<b>{n:03d} 标题 &amp; &lt;x&gt;</b> <i>第{n}行 A&amp;B 台湾青年</i>")
        if n % 20 == 19:
            lines.append("</blockquote>")
    return "\n".join(lines)


def test_long_html_is_split_into_valid_parts_at_line_breaks() -> None:
    text = long_html()
    assert 10_000 <= len(text) < 20_000
    assert balanced(text)
    parts = split_message(text)
    assert len(parts) >= 3
    for part in parts:
        assert len(part) <= MESSAGE_LIMIT
        assert balanced(part), part[-200:]
        assert well_formed(part)
    # Cut at line breaks only: every numbered line is whole in one part.
    plain_parts = [to_plain(p).splitlines() for p in parts]
    for line in to_plain(text).splitlines():
        if line.strip():
            assert sum(line in lines for lines in plain_parts) == 1, line
    # Nothing lost or repeated.
    assert "".join(to_plain(p) for p in parts).replace("\n", "") == to_plain(text).replace("\n", "")


def test_a_line_longer_than_the_limit_is_still_cut_safely() -> None:
    text = "<b>" + "台&amp;湾" * 2_000 + "</b>"
    parts = split_message(text)
    assert len(parts) >= 3
    for part in parts:
        assert len(part) <= MESSAGE_LIMIT
        assert balanced(part) and well_formed(part)
    assert "".join(to_plain(p) for p in parts) == to_plain(text)


@pytest.mark.parametrize("offset", range(30, 60))
def test_a_cut_never_falls_inside_an_entity_or_a_tag(offset: int) -> None:
    text = "x" * offset + "&amp;" + "<i>斜体</i>" + "&#x27;" + "y" * 80
    parts = split_message(text, limit=50)
    for part in parts:
        assert balanced(part) and well_formed(part), parts
    assert "".join(to_plain(p) for p in parts) == to_plain(text)


def test_a_tag_opened_just_before_the_limit_keeps_the_part_within_it() -> None:
    text = "x" * (MESSAGE_LIMIT - 6) + "<b>粗体</b>" + "y" * 100
    parts = split_message(text)
    assert [len(p) for p in parts if len(p) > MESSAGE_LIMIT] == []


def test_short_text_is_not_split() -> None:
    assert split_message("<b>短</b>") == ["<b>短</b>"]


# --------------------------------------------------------------------------- plain text


def test_to_plain() -> None:
    assert to_plain("<b>a &amp; b</b>\n<i>&lt;x&gt;</i> <blockquote>引文</blockquote>") == (
        "a & b\n<x> 引文"
    )


def test_to_plain_of_a_rendered_item_is_its_text(kb: KnowledgeBase) -> None:
    item = kb.item("economy-03")
    plain = to_plain(render_item(kb, item, texts_for("zh-hans")))
    assert item.text in plain
    assert item.title in plain
    assert "<" not in plain and "&amp;" not in plain


# --------------------------------------------------------------------------- scripts and dates


def test_traditional_output_converts_the_quoted_text(kb: KnowledgeBase) -> None:
    item = kb.item("visits-01")
    assert "台湾" in item.text
    output = render_item(kb, item, texts_for("zh-hant"))
    quote = re.search(r"<blockquote>(.*)</blockquote>", output, re.S)
    assert quote is not None
    assert "臺灣" in quote.group(1)
    assert "台湾" not in output
    assert html.unescape(quote.group(1)) == texts_for("zh-hant").convert(item.text)


def test_simplified_output_keeps_the_text_verbatim(kb: KnowledgeBase) -> None:
    item = kb.item("visits-01")
    output = render_item(kb, item, texts_for("zh-hans"))
    assert f"<blockquote>{html.escape(item.text, quote=False)}</blockquote>" in output


@pytest.mark.parametrize(
    ("date", "language", "expected"),
    [
        (ItemDate(2023, 5), "zh-hans", "2023年5月"),
        (ItemDate(2023, 12, 27), "zh-hans", "2023年12月27日"),
        (ItemDate(2023, None, None, "春节前夕"), "zh-hans", "春节前夕（2023年）"),
        (ItemDate(2023), "zh-hans", "2023年"),
        (ItemDate(None, None, None, "春节前夕"), "zh-hans", "春节前夕"),
        (ItemDate(2023, 5), "en", "May 2023"),
        (ItemDate(2023, 12, 27), "en", "27 December 2023"),
        (ItemDate(2023, None, None, "春节前夕"), "zh-hant", "春節前夕（2023年）"),
        (None, "zh-hans", ""),
    ],
)
def test_render_date(date: ItemDate | None, language: str, expected: str) -> None:
    assert render_date(date, texts_for(language)) == expected


def test_rendered_items_show_their_dates(kb: KnowledgeBase) -> None:
    texts = texts_for("zh-hans")
    assert "2023年12月27日" in render_item(kb, kb.item("visits-03"), texts)
    assert "春节前夕（2023年）" in render_item(kb, kb.item("visits-11"), texts)
    assert "May 2023" in render_item(kb, kb.item("visits-01"), texts_for("en"))


def test_an_english_question_after_an_office_nobody_here_holds(
    kb: KnowledgeBase, index: ReportIndex
) -> None:
    # The report names a vice mayor (副市长谭萍), never the mayor.
    result = index.search("Who is the mayor of Guangzhou?")
    assert result.kind == "none" and result.reason == "unnamed office holder: 市长"
    output = render_not_found(kb, result, texts_for("en"))
    assert "does not say who the mayor is" in to_plain(output)


def test_an_english_office_is_read_with_its_organisation(
    kb: KnowledgeBase, index: ReportIndex
) -> None:
    # The report names the State Council's TAO director (宋涛), not the city office's.
    result = index.search("Who is the director of the Guangzhou Taiwan Affairs Office?")
    assert result.reason == "unnamed office holder: 市委台办主任"
    assert "does not say who the director is" in to_plain(
        render_not_found(kb, result, texts_for("en"))
    )
    assert index.search("Who is the director of the Taiwan Affairs Office?").hits[0].item.id == (
        "visits-02"
    )


def test_small_talk_gets_a_greeting_not_a_failure(index: ReportIndex, kb: KnowledgeBase) -> None:
    html = render_answer(kb, index.search("你好"), texts_for("zh-hans"))
    assert "你好！" in html and "没有找到" not in html
    html = render_answer(kb, index.search("Write me a poem about Guangzhou"), texts_for("en"))
    assert html.startswith("Hello!")
