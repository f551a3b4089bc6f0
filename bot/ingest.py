"""Turn a report's plain text into the skeleton of its YAML data.

The source format is line based::

    <title>
    <intro paragraph>
    专题一：<topic title>
    1.<item text>
    专题三：<topic title>
    亮点一：<highlight title>
    1.<item text>

Every numbered line becomes exactly one item with its text verbatim. A line that fits none of
these shapes is an error naming its line number: nothing is dropped silently. The output keeps
the same nesting as the enriched YAML, with ids and command names derived from positions, so a
person can enrich it by hand afterwards (titles, dates, people, aliases, better names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

TOPIC_LINE = re.compile(r"^专题(?P<num>[一二三四五六七八九十]+)[：:]\s*(?P<title>.+?)\s*$")
HIGHLIGHT_LINE = re.compile(r"^亮点(?P<num>[一二三四五六七八九十]+)[：:]\s*(?P<title>.+?)\s*$")
ITEM_LINE = re.compile(r"^(?P<num>\d{1,3})[.．、](?P<text>\S.*?)\s*$")


class IngestError(ValueError):
    """The source text has a line that cannot be placed."""

    def __init__(self, path: str, line_number: int, message: str) -> None:
        super().__init__(f"{path}:{line_number}: {message}")
        self.path = path
        self.line_number = line_number


def chinese_number(text: str) -> int:
    """Parse 一 … 九十九 as used in 专题N / 亮点N headings."""
    if text in CHINESE_DIGITS:
        return CHINESE_DIGITS[text]
    if text.startswith("十"):
        return 10 + (CHINESE_DIGITS[text[1:]] if len(text) > 1 else 0)
    tens, _, units = text.partition("十")
    return CHINESE_DIGITS[tens] * 10 + (CHINESE_DIGITS[units] if units else 0)


@dataclass
class _Section:
    number: int
    title: str
    line: int
    items: list[dict[str, Any]] = field(default_factory=list)
    highlights: list[_Section] = field(default_factory=list)


@dataclass
class ParsedReport:
    title: str
    intro: str
    topics: list[_Section]

    def item_texts(self) -> list[str]:
        texts: list[str] = []
        for topic in self.topics:
            texts.extend(item["text"] for item in topic.items)
            for highlight in topic.highlights:
                texts.extend(item["text"] for item in highlight.items)
        return texts


def parse_source(text: str, path: str = "<source>") -> ParsedReport:
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if len(lines) < 2:
        raise IngestError(path, len(lines) or 1, "expected a title line and an intro paragraph")
    (_, title), (intro_line, intro) = lines[0], lines[1]
    if TOPIC_LINE.match(intro) or ITEM_LINE.match(intro):
        raise IngestError(path, intro_line, "the second line must be the intro paragraph")

    topics: list[_Section] = []
    for number, line in lines[2:]:
        if match := TOPIC_LINE.match(line):
            topics.append(_Section(chinese_number(match["num"]), match["title"], number))
        elif match := HIGHLIGHT_LINE.match(line):
            if not topics:
                raise IngestError(path, number, "亮点 heading before any 专题 heading")
            topic = topics[-1]
            if topic.items:
                raise IngestError(path, number, "亮点 heading after items of the same 专题")
            topic.highlights.append(_Section(chinese_number(match["num"]), match["title"], number))
        elif match := ITEM_LINE.match(line):
            if not topics:
                raise IngestError(path, number, "numbered item before any 专题 heading")
            section = topics[-1].highlights[-1] if topics[-1].highlights else topics[-1]
            expected = len(section.items) + 1
            if int(match["num"]) != expected:
                raise IngestError(
                    path, number, f"item number {match['num']} out of order (expected {expected})"
                )
            section.items.append({"number": expected, "text": match["text"], "line": number})
        else:
            raise IngestError(
                path,
                number,
                "cannot place this line (not a 专题/亮点 heading or a numbered item): "
                f"{line[:40]!r}",
            )
    if not topics:
        raise IngestError(path, lines[-1][0], "no 专题 heading found")
    return ParsedReport(title=title, intro=intro, topics=topics)


DATE_PREFIX = re.compile(r"^(\d{4}年)?(\d{1,2}月)?(\d{1,2}日)?[，,、]?")
TITLE_CHARS = 20


def draft_title(text: str) -> str:
    """A first title from the text (its start without the date), to be rewritten by hand."""
    body = DATE_PREFIX.sub("", text).strip("。") or text
    return body[:TITLE_CHARS]


def _item_skeleton(item_id: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item_id,
        "number": item["number"],
        "text": item["text"],
        "title": draft_title(item["text"]),
    }


def to_yaml_document(parsed: ParsedReport, report_id: str, source: str) -> dict[str, Any]:
    year_match = re.search(r"(\d{4})年", parsed.title)
    topics: list[dict[str, Any]] = []
    for topic in parsed.topics:
        entry: dict[str, Any] = {
            "id": f"topic{topic.number}",
            "number": topic.number,
            "command": f"topic{topic.number}",
            "title": topic.title.rstrip("。"),
            "description_zh": topic.title.rstrip("。"),
            "description_en": f"Topic {topic.number}",
        }
        if topic.highlights:
            entry["highlights"] = [
                {
                    "id": f"t{topic.number}h{highlight.number}",
                    "number": highlight.number,
                    "command": f"t{topic.number}h{highlight.number}",
                    "title": highlight.title,
                    "description_zh": highlight.title,
                    "description_en": f"Highlight {highlight.number}",
                    "items": [
                        _item_skeleton(f"t{topic.number}h{highlight.number}-{i['number']:02d}", i)
                        for i in highlight.items
                    ],
                }
                for highlight in topic.highlights
            ]
        else:
            entry["items"] = [
                _item_skeleton(f"t{topic.number}-{i['number']:02d}", i) for i in topic.items
            ]
        topics.append(entry)
    return {
        "schema": 1,
        "report": {
            "id": report_id,
            "title": parsed.title,
            "title_en": parsed.title,
            "year": int(year_match[1]) if year_match else 0,
            "source": source,
            "intro": parsed.intro,
        },
        "topics": topics,
    }


def ingest(source: Path, output: Path, report_id: str) -> ParsedReport:
    parsed = parse_source(source.read_text(encoding="utf-8"), str(source))
    try:
        relative = source.resolve().relative_to(output.resolve().parent.parent)
        source_ref = str(relative)
    except ValueError:
        source_ref = str(source)
    document = to_yaml_document(parsed, report_id, source_ref)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000),
        encoding="utf-8",
    )
    return parsed
