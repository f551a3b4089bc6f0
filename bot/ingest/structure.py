"""From blocks to the report's structure: title, intro, 专题 → (亮点 →) numbered items.

The same parser serves every format. It looks at which heading and numbering families a
report uses (see `markers.py`): the outermost becomes 专题 (topics), the innermost the numbered
items, and one family in between, if any, 亮点 (highlights). Every numbered block becomes exactly
one item with its text verbatim (the marker removed). A block that fits none of these shapes is
an error naming its position: nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.ingest.markers import Family, classify
from bot.ingest.model import Block, Document, IngestError, IngestWarning, Position


@dataclass
class Section:
    number: int
    title: str
    position: Position
    items: list[dict[str, Any]] = field(default_factory=list)
    highlights: list[Section] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.position.number


@dataclass
class ParsedReport:
    title: str
    intro: str
    topics: list[Section]
    path: str = "<source>"
    source_text: str = ""
    warnings: list[IngestWarning] = field(default_factory=list)

    def items(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for topic in self.topics:
            found.extend(topic.items)
            for highlight in topic.highlights:
                found.extend(highlight.items)
        return found

    def item_texts(self) -> list[str]:
        return [item["text"] for item in self.items()]


def _levels(
    path: str, blocks: list[Block]
) -> tuple[Family | None, Family | None, Family | None, Block | None]:
    """(topic, highlight, item) families the report uses, and the first block of any other.

    The outermost family gives the topics. The items are the most frequent family inside them
    (the deeper one on a tie); one family between the two, 亮点 first, gives the highlights.
    Any other family (a level too many, sub-points deeper than the items) cannot be placed.
    """
    first: dict[str, tuple[Family, Block]] = {}
    counts: dict[str, int] = {}
    for block in blocks:
        marker = classify(block.text)
        if marker:
            first.setdefault(marker.family.name, (marker.family, block))
            counts[marker.family.name] = counts.get(marker.family.name, 0) + 1
    if not first:
        return None, None, None, None
    by_rank = sorted(first.values(), key=lambda entry: entry[0].rank)
    if len(by_rank) == 1:
        family, block = by_rank[0]
        if family.rank <= 1:
            return family, None, None, None
        raise IngestError(
            path,
            block.position,
            f"numbered item or {family.name} heading before any 专题 heading "
            "(a report needs 专题 headings and numbered items)",
        )
    topic = by_rank[0][0]
    inner = [entry[0] for entry in by_rank[1:] if entry[0].rank > topic.rank]
    if not inner:
        family, block = by_rank[1]
        raise IngestError(path, block.position, f"two kinds of topic heading: {family.name}")
    item = max(inner, key=lambda family: (counts[family.name], family.rank))
    middle = [family for family in inner if family.rank < item.rank]
    highlight = next((f for f in middle if f.name == "亮点"), middle[0] if middle else None)
    used = {topic.name, item.name, highlight.name if highlight else ""}
    others = [entry[1] for entry in first.values() if entry[0].name not in used]
    extra = min(others, key=blocks.index) if others else None
    return topic, highlight, item, extra


def parse_blocks(document: Document) -> ParsedReport:
    path, blocks = document.path, [b for b in document.blocks if b.text.strip()]
    if len(blocks) < 2:
        position = blocks[-1].position if blocks else Position("line", 1)
        raise IngestError(path, position, "expected a title line and an intro paragraph")
    title_block, rest = blocks[0], blocks[1:]
    if classify(title_block.text):
        raise IngestError(path, title_block.position, "the first line must be the report's title")
    if classify(rest[0].text):
        raise IngestError(path, rest[0].position, "the second line must be the intro paragraph")

    topic_family, highlight_family, item_family, extra = _levels(path, rest)
    start = next((i for i, b in enumerate(rest) if classify(b.text)), len(rest))
    intro_blocks, body = rest[:start], rest[start:]
    warnings = list(document.warnings)
    if len(intro_blocks) > 1:
        if document.strict:
            block = intro_blocks[1]
            raise IngestError(
                path,
                block.position,
                "cannot place this line (not a 专题/亮点 heading or a numbered item): "
                f"{block.text[:40]!r}",
            )
        warnings.append(
            IngestWarning(
                path,
                intro_blocks[1].position,
                f"the intro has {len(intro_blocks)} paragraphs; they are joined with line breaks",
            )
        )
    if topic_family is None:
        raise IngestError(path, blocks[-1].position, "no 专题 heading found")

    topics: list[Section] = []
    for block in body:
        if block is extra:
            highlights = highlight_family.name if highlight_family else "-"
            items = item_family.name if item_family else "-"
            raise IngestError(
                path,
                block.position,
                f"a heading level too many: topics are {topic_family.name}, highlights "
                f"{highlights}, items {items}: {block.text[:40]!r}",
            )
        marker = classify(block.text)
        family = marker.family if marker else None
        if marker is not None and family is topic_family:
            topics.append(Section(marker.number, marker.rest.strip(), block.position))
        elif marker is not None and highlight_family is not None and family is highlight_family:
            if not topics:
                raise IngestError(path, block.position, "亮点 heading before any 专题 heading")
            topic = topics[-1]
            if topic.items:
                raise IngestError(path, block.position, "亮点 heading after items of the same 专题")
            topic.highlights.append(Section(marker.number, marker.rest.strip(), block.position))
        elif marker is not None and family is item_family:
            if not topics:
                raise IngestError(path, block.position, "numbered item before any 专题 heading")
            section = topics[-1].highlights[-1] if topics[-1].highlights else topics[-1]
            expected = len(section.items) + 1
            if marker.number != expected:
                raise IngestError(
                    path,
                    block.position,
                    f"item number {marker.number} out of order (expected {expected})",
                )
            section.items.append(
                {
                    "number": expected,
                    "text": marker.rest.strip(),
                    "line": block.position.number,
                    "position": block.position,
                }
            )
        else:
            what = "line" if block.position.kind == "line" else "paragraph"
            raise IngestError(
                path,
                block.position,
                f"cannot place this {what} (not a 专题/亮点 heading or a numbered item): "
                f"{block.text[:40]!r}",
            )
    for topic in topics:
        if not topic.items and not topic.highlights:
            raise IngestError(path, topic.position, f"专题 {topic.title[:20]!r} has no items")
        for highlight in topic.highlights:
            if not highlight.items:
                raise IngestError(
                    path, highlight.position, f"亮点 {highlight.title[:20]!r} has no items"
                )
    return ParsedReport(
        title=title_block.text.strip(),
        intro="\n".join(block.text.strip() for block in intro_blocks),
        topics=topics,
        path=path,
        source_text=document.text(),
        warnings=warnings,
    )
