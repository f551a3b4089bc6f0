"""What every reader produces: blocks of text with the position they came from.

A reader turns one file format into a list of `Block`s (a line of a .txt file, a paragraph of a
.docx, a block element of an HTML page, a paragraph joined back together from a PDF page). The
structure parser only sees blocks, so the formats differ in reading and in nothing else.
Positions follow each block into every error and warning, so a person can find the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PositionKind = Literal["line", "paragraph", "page"]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a block starts: a line (.txt, HTML source), a paragraph (.docx) or a page (.pdf)."""

    kind: PositionKind
    number: int
    line: int | None = None  # the line on that page, or in that paragraph

    def __str__(self) -> str:
        if self.kind == "line":
            return str(self.number)
        if self.line is not None:
            return f"{self.kind} {self.number} line {self.line}"
        return f"{self.kind} {self.number}"


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    position: Position


@dataclass(frozen=True, slots=True)
class IngestWarning:
    """Something the ingest left out or changed on purpose; the CLI prints every one."""

    path: str
    position: Position | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.position}" if self.position else self.path
        return f"{where}: {self.message}"


@dataclass
class Document:
    """A source file read into blocks, with what the reader left out."""

    path: str
    blocks: list[Block]
    warnings: list[IngestWarning] = field(default_factory=list)
    strict: bool = False  # the .txt format: exactly one intro line, as documented

    def text(self) -> str:
        """The blocks as plain text, one per line: what item texts are checked against."""
        return "\n".join(block.text for block in self.blocks)


class IngestError(ValueError):
    """The source has something that cannot be placed; names the file and the position."""

    def __init__(self, path: str, position: Position | int, message: str) -> None:
        if isinstance(position, int):
            position = Position("line", position)
        super().__init__(f"{path}:{position}: {message}")
        self.path = path
        self.position = position
        self.line_number = position.number
