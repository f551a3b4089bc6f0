"""Word documents (.docx), through python-docx: one block per non-empty body paragraph.

Positions are paragraph numbers counted over every body paragraph, empty ones included, as
Word's navigation counts them. Tables are not part of the report's running text: their
paragraphs are not read, and each table is reported as a warning so nothing vanishes unseen.
Automatic list numbering (Word's numbered-list style) is not text in the file; a report that
uses it for its items needs the numbers typed in (the parser then reports the unnumbered
paragraphs with their positions).
"""

from __future__ import annotations

from pathlib import Path

from bot.ingest.model import Block, Document, IngestWarning, Position


def read_docx(path: Path) -> Document:
    import docx  # python-docx; imported here so the bot itself never pays for it

    document = docx.Document(str(path))
    blocks: list[Block] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text.strip()  # strip() takes the full-width indent (U+3000) too
        if text:
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
