"""PDF files with a text layer, through pypdf: paragraphs joined back from the page's lines.

A PDF has no paragraphs, only lines that the page width broke. The reader:

* drops page numbers (``3``, ``- 3 -``, ``第3页``, ``3/12``) and running headers or footers (a
  line among the first or last two of a page that recurs on other pages, digits aside), with a
  warning each, so the CLI shows what was left out;
* joins a line to the one before it when that line ran to the right margin, unless the new
  line starts with a heading or item marker right after a finished sentence. A line that ends
  short of the margin ends its paragraph (titles, headings, the last line of a paragraph);
* joins Chinese without a space and two pieces of Latin text with one (the line broke at it).

Positions are pages, with the line on the page where the paragraph starts. A scanned PDF has
no text layer; the reader says so instead of returning nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.ingest.markers import classify
from bot.ingest.model import Block, Document, IngestError, IngestWarning, Position

PAGE_NUMBER = re.compile(
    r"^(?:[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d{1,4}\s*[页頁](?:\s*[/，,]?\s*共\s*\d{1,4}\s*[页頁])?|"
    r"\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
SENTENCE_END = tuple("。！？；：!?;:”」』）)")
FULL_LINE = 0.85  # a line this close to the widest one ran to the right margin
EDGE_LINES = 2  # running headers and footers sit among the first or last lines of a page


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    page: int
    number: int  # on its page, from 1


def _width(text: str) -> float:
    """Approximate printed width: a Chinese or full-width character counts 1, Latin 1/2."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _join(previous: str, line: str) -> str:
    if re.search(r"[A-Za-z0-9,.;:]$", previous) and re.match(r"[A-Za-z0-9]", line):
        return f"{previous} {line}"
    return previous + line


def pdf_lines(pages: list[str], path: str) -> tuple[list[_Line], list[IngestWarning]]:
    """The lines of every page, without page numbers and running headers/footers."""
    split = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    warnings: list[IngestWarning] = []
    pages_of: dict[str, set[int]] = {}
    for page_number, lines in enumerate(split, start=1):
        edges = {*lines[:EDGE_LINES], *lines[-EDGE_LINES:]}
        for line in edges:
            if not PAGE_NUMBER.match(line):
                pages_of.setdefault(re.sub(r"\d+", "#", line), set()).add(page_number)
    running = {key for key, seen in pages_of.items() if len(seen) > 1}
    kept: list[_Line] = []
    for page_number, lines in enumerate(split, start=1):
        for index, line in enumerate(lines):
            edge = index < EDGE_LINES or index >= len(lines) - EDGE_LINES
            position = Position("page", page_number, index + 1)
            if edge and PAGE_NUMBER.match(line):
                warnings.append(IngestWarning(path, position, f"dropped page number {line!r}"))
            elif edge and re.sub(r"\d+", "#", line) in running:
                warnings.append(
                    IngestWarning(path, position, f"dropped running header/footer {line!r}")
                )
            else:
                kept.append(_Line(line, page_number, index + 1))
    return kept, warnings


def join_paragraphs(lines: list[_Line]) -> list[Block]:
    """Join the lines the page width broke back into paragraphs."""
    if not lines:
        return []
    full = max(_width(line.text) for line in lines)
    blocks: list[Block] = []
    text, first, previous = "", lines[0], lines[0]
    for index, line in enumerate(lines):
        if index == 0:
            text = line.text
            continue
        ran_to_margin = _width(previous.text) >= FULL_LINE * full
        new_item = classify(line.text) is not None and previous.text.endswith(SENTENCE_END)
        if ran_to_margin and not new_item:
            text = _join(text, line.text)
        else:
            blocks.append(Block(text, Position("page", first.page, first.number)))
            text, first = line.text, line
        previous = line
    blocks.append(Block(text, Position("page", first.page, first.number)))
    return blocks


def read_pdf(path: Path) -> Document:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [page.extract_text() or "" for page in reader.pages]
    if not any(page.strip() for page in pages):
        raise IngestError(
            str(path),
            Position("page", 1),
            "this PDF has no text layer (a scan?); run OCR first or use the .docx/.html version",
        )
    lines, warnings = pdf_lines(pages, str(path))
    return Document(str(path), join_paragraphs(lines), warnings)
