"""Word documents (.docx), through python-docx: one block per non-empty body paragraph.

Positions are paragraph numbers counted over every body paragraph, empty ones included, as
Word's navigation counts them. Tables are not part of the report's running text: their
paragraphs are not read, and each table is reported as a warning so nothing vanishes unseen.

Word's automatic numbering (a numbered-list style, or numbering set on the paragraph) is not
in the paragraph's text. The reader writes it back in front of the text as Word shows it
(``1.``, ``（一）``, ``专题一：`` …, from the list level's format), so the structure parser sees
the same markers as in a typed report. A list that runs on across headings restarts after
each paragraph that is not part of it, the way the report's numbering restarts per section.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.ingest.model import Block, Document, IngestWarning, Position

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CN = "〇一二三四五六七八九"
STEMS = "甲乙丙丁戊己庚辛壬癸"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass(frozen=True, slots=True)
class _Level:
    format: str  # Word's numFmt: decimal, chineseCounting, decimalEnclosedCircle, bullet …
    text: str  # Word's lvlText: "%1.", "（%1）", "专题%1："
    start: int


def _chinese(number: int) -> str:
    if number < 10:
        return CN[number]
    tens, units = divmod(number, 10)
    return (CN[tens] if tens > 1 else "") + "十" + (CN[units] if units else "")


def _format(number: int, number_format: str) -> str:
    """A list number as Word shows it in the formats Chinese documents use."""
    if number_format.startswith(("chineseCounting", "taiwaneseCounting")):
        return _chinese(number)
    if number_format == "ideographTraditional" and number <= len(STEMS):
        return STEMS[number - 1]  # 甲乙丙丁…
    if number_format.startswith("decimalEnclosedCircle") and number <= len(CIRCLED):
        return CIRCLED[number - 1]
    return str(number)


def _levels(document: Any) -> dict[str, dict[int, _Level]]:
    """numId → level → format, from the document's numbering part (none: no lists)."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract: dict[str, dict[int, _Level]] = {}
    for definition in numbering.findall(f"{W}abstractNum"):
        levels: dict[int, _Level] = {}
        for level in definition.findall(f"{W}lvl"):
            fmt, text, start = (level.find(f"{W}{tag}") for tag in ("numFmt", "lvlText", "start"))
            levels[int(level.get(f"{W}ilvl", "0"))] = _Level(
                fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                text.get(f"{W}val", "") if text is not None else f"%{len(levels) + 1}.",
                int(start.get(f"{W}val", "1")) if start is not None else 1,
            )
        abstract[definition.get(f"{W}abstractNumId", "")] = levels
    lists: dict[str, dict[int, _Level]] = {}
    for num in numbering.findall(f"{W}num"):
        reference = num.find(f"{W}abstractNumId")
        if reference is not None:
            lists[num.get(f"{W}numId", "")] = abstract.get(reference.get(f"{W}val", ""), {})
    return lists


def _list_position(paragraph: Any) -> tuple[str, int] | None:
    """(numId, level) of a numbered paragraph, set on it or by its style; None otherwise."""
    sources = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        sources.append(style.element.pPr)
        style = style.base_style
    for properties in sources:
        numbering = properties.numPr if properties is not None else None
        if numbering is not None and numbering.numId is not None:
            level = numbering.ilvl.val if numbering.ilvl is not None else 0
            return str(numbering.numId.val), int(level)
    return None


def read_docx(path: Path) -> Document:
    import docx  # python-docx; imported here so the bot itself never pays for it

    document = docx.Document(str(path))
    lists = _levels(document)
    counters: dict[int, int] = {}
    blocks: list[Block] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text.strip()  # strip() takes the full-width indent (U+3000) too
        if not text:
            continue
        if "\n" in text:
            # Line breaks inside one paragraph (Shift+Enter): each line is a block of its own,
            # so items typed one per line in a single paragraph are not merged into one.
            counters.clear()
            lines = [line.strip() for line in text.splitlines()]
            blocks.extend(
                Block(line, Position("paragraph", number, index))
                for index, line in enumerate(lines, start=1)
                if line
            )
            continue
        where = _list_position(paragraph) if lists else None
        level = lists.get(where[0], {}).get(where[1]) if where else None
        if where is None or level is None or level.format in ("bullet", "none"):
            counters.clear()  # a paragraph outside the list: numbering starts again after it
        else:
            depth = where[1]
            counters[depth] = counters.get(depth, level.start - 1) + 1
            for deeper in [d for d in counters if d > depth]:
                del counters[deeper]
            label = level.text
            for shown in range(depth + 1):
                levels = lists[where[0]]
                value = counters.get(shown, levels[shown].start if shown in levels else 1)
                fmt = levels[shown].format if shown in levels else "decimal"
                label = label.replace(f"%{shown + 1}", _format(value, fmt))
            text = label + text
        blocks.append(Block(text, Position("paragraph", number)))
    warnings = [
        IngestWarning(
            str(path),
            None,
            f"table {index} ({len(table.rows)} rows) is not read: tables are not report items; "
            "copy any item it holds into a paragraph",
        )
        for index, table in enumerate(document.tables, start=1)
    ]
    return Document(str(path), blocks, warnings)
