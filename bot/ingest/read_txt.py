"""The project's own line format (`data/source/*.txt`): one block per non-blank line."""

from __future__ import annotations

from pathlib import Path

from bot.ingest.model import Block, Document, Position


def read_txt_text(text: str, path: str = "<source>") -> Document:
    """Each non-blank line is a block; line numbers are those of the file, blanks included."""
    blocks = [
        Block(line.strip(), Position("line", number))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    return Document(path, blocks, strict=True)


def read_txt(path: Path) -> Document:
    return read_txt_text(path.read_text(encoding="utf-8-sig"), str(path))
