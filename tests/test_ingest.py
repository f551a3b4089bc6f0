"""Ingest: from the report's plain text to the YAML skeleton, with nothing lost or invented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.commands import BUILTIN_NAMES
from bot.config import DEFAULT_DATA_DIR
from bot.ingest import IngestError, ParsedReport, chinese_number, parse_source
from bot.report import KnowledgeBase, validate_data

SOURCES = sorted((DEFAULT_DATA_DIR / "source").glob("*.txt"))
SOURCE = DEFAULT_DATA_DIR / "source" / "2023-guangzhou-taiwan-work-highlights.txt"
NUMBERED = re.compile(r"^(\d{1,3})[.．、](.*)$")


@pytest.fixture(scope="module")
def parsed() -> ParsedReport:
    return parse_source(SOURCE.read_text(encoding="utf-8"), str(SOURCE))


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """(number, text) of every numbered line of a source, in order."""
    found = []
    for line in text.splitlines():
        if match := NUMBERED.match(line.strip()):
            found.append((int(match[1]), match[2]))
    return found


def parsed_items(parsed: ParsedReport) -> list[dict]:
    items: list[dict] = []
    for topic in parsed.topics:
        items.extend(topic.items)
        for highlight in topic.highlights:
            items.extend(highlight.items)
    return items


# --------------------------------------------------------------------------- the real source


def test_every_source_parses() -> None:
    assert SOURCE in SOURCES
    for source in SOURCES:
        parse_source(source.read_text(encoding="utf-8"), str(source))


def test_real_source_has_47_items(parsed: ParsedReport) -> None:
    assert len(parsed.item_texts()) == 47
    assert parsed.title == "2023年广州市对台工作成果及亮点"
    assert parsed.intro.startswith("2023年，广州市台办坚持")
    assert [t.number for t in parsed.topics] == [1, 2, 3]
    assert [h.number for h in parsed.topics[2].highlights] == [1, 2, 3, 4, 5, 6, 7]


def test_every_numbered_line_becomes_exactly_one_item_verbatim(parsed: ParsedReport) -> None:
    source_text = SOURCE.read_text(encoding="utf-8")
    expected = numbered_lines(source_text)
    items = parsed_items(parsed)
    # None lost, none added, same order, same numbers, the text verbatim.
    assert [(i["number"], i["text"]) for i in items] == expected
    assert len(set(parsed.item_texts())) == len(parsed.item_texts()) == 47
    lines = source_text.splitlines()
    for item in items:
        assert lines[item["line"] - 1].strip() == f"{item['number']}.{item['text']}"


def test_every_source_line_is_accounted_for(parsed: ParsedReport) -> None:
    lines = [line for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    headings = len(parsed.topics) + sum(len(t.highlights) for t in parsed.topics)
    assert 2 + headings + len(parsed.item_texts()) == len(lines)


def test_enriched_yaml_keeps_the_source_texts_in_order(
    parsed: ParsedReport, kb: KnowledgeBase
) -> None:
    report = kb.report("gz2023")
    assert [item.text for item in report.items()] == parsed.item_texts()
    assert report.title == parsed.title
    assert report.intro == parsed.intro
    # Same nesting and numbering as the source.
    assert [t.number for t in report.topics] == [t.number for t in parsed.topics]
    for topic, source_topic in zip(report.topics, parsed.topics, strict=True):
        assert topic.title == source_topic.title.rstrip("。")
        assert [i.number for i in topic.items] == [i["number"] for i in source_topic.items]
        assert [c.number for c in topic.children] == [h.number for h in source_topic.highlights]
        for child, highlight in zip(topic.children, source_topic.highlights, strict=True):
            assert child.title == highlight.title
            assert [i.number for i in child.items] == [i["number"] for i in highlight.items]


# --------------------------------------------------------------------------- chinese_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("五", 5),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("十九", 19),
        ("二十", 20),
        ("二十三", 23),
        ("七十", 70),
        ("九十九", 99),
    ],
)
def test_chinese_number(text: str, value: int) -> None:
    assert chinese_number(text) == value


# --------------------------------------------------------------------------- errors


def ingest_error(text: str) -> IngestError:
    with pytest.raises(IngestError) as info:
        parse_source(text, "report.txt")
    return info.value


def test_a_line_that_fits_no_shape_is_an_error_with_its_line_number() -> None:
    # The blank line counts: line numbers are those of the file, not of the non-blank lines.
    error = ingest_error("标题\n引言\n\n专题一：甲\n1.第一条\n这一行不是条目\n2.第二条\n")
    assert error.line_number == 6
    assert str(error).startswith("report.txt:6:")
    assert "这一行不是条目" in str(error)


def test_an_item_before_any_topic_is_an_error() -> None:
    error = ingest_error("标题\n引言\n1.第一条\n专题一：甲\n")
    assert error.line_number == 3
    assert "专题" in str(error)


def test_out_of_order_numbering_is_an_error() -> None:
    error = ingest_error("标题\n引言\n专题一：甲\n1.第一条\n3.第三条\n")
    assert error.line_number == 5
    assert "out of order" in str(error)
    assert "expected 2" in str(error)


def test_numbering_restarts_in_each_section() -> None:
    parsed = parse_source("标题\n引言\n专题一：甲\n1.a\n2.b\n专题二：乙\n1.c\n")
    assert [[i["number"] for i in t.items] for t in parsed.topics] == [[1, 2], [1]]


def test_a_highlight_after_items_of_the_same_topic_is_an_error() -> None:
    error = ingest_error("标题\n引言\n专题一：甲\n1.第一条\n亮点一：乙\n1.第二条\n")
    assert error.line_number == 5
    assert "亮点" in str(error)


def test_a_highlight_before_any_topic_is_an_error() -> None:
    error = ingest_error("标题\n引言\n亮点一：乙\n")
    assert error.line_number == 3


def test_a_source_without_topics_is_an_error() -> None:
    with pytest.raises(IngestError):
        parse_source("标题\n引言\n")


# --------------------------------------------------------------------------- the CLI


def ingest_into_data_folder(tmp_path: Path) -> Path:
    """`python -m bot ingest` into a fresh data folder layout; returns the data folder."""
    data = tmp_path / "data"
    (data / "source").mkdir(parents=True)
    source = data / "source" / SOURCE.name
    shutil.copy(SOURCE, source)
    output = data / "reports" / "gz2023.yaml"
    assert main(["ingest", str(source), "-o", str(output)]) == 0
    return data


def skeleton_texts(document: dict) -> list[str]:
    texts = []
    for topic in document["topics"]:
        texts.extend(item["text"] for item in topic.get("items", []))
        for highlight in topic.get("highlights", []):
            texts.extend(item["text"] for item in highlight["items"])
    return texts


def test_cli_ingest_writes_the_skeleton(
    tmp_path: Path, parsed: ParsedReport, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ingest_into_data_folder(tmp_path)
    assert "47 items" in capsys.readouterr().out
    document = yaml.safe_load((data / "reports" / "gz2023.yaml").read_text(encoding="utf-8"))
    assert document["report"]["id"] == "gz2023"
    assert document["report"]["year"] == 2023
    assert document["report"]["source"] == f"source/{SOURCE.name}"
    assert skeleton_texts(document) == parsed.item_texts()


def test_cli_ingest_output_validates_as_is(tmp_path: Path) -> None:
    data = ingest_into_data_folder(tmp_path)
    kb, errors = validate_data(data, BUILTIN_NAMES)
    assert [str(e) for e in errors] == []
    assert kb is not None
    assert len(kb.items) == 47
    # The drafted titles come from the texts and fit the limit.
    for item in kb.all_items():
        assert 0 < len(item.title) <= 20
        assert set(item.title) <= set(item.text)


def test_cli_ingest_reports_a_bad_source_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.txt"
    source.write_text("标题\n引言\n专题一：甲\n1.第一条\n不知所云\n", encoding="utf-8")
    output = tmp_path / "reports" / "bad.yaml"
    assert main(["ingest", str(source), "-o", str(output)]) == 1
    assert f"{source}:5:" in capsys.readouterr().err
    assert not output.exists()
