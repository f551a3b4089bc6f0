"""Ingest a report from the formats offices publish, into enriched YAML.

One reader per format turns a file into blocks with positions (`model.py`)::

    .txt   read_txt.py    the project's line format (title, intro, 专题一：…, 亮点一：…, 1.…)
    .docx  read_docx.py   body paragraphs (python-docx)
    .html  read_html.py   the article body of a saved page, without nav, footer, scripts, share bars
    .pdf   read_pdf.py    the text layer, lines joined back into paragraphs, page furniture dropped

`structure.py` turns blocks into 专题 → (亮点 →) numbered items, whichever heading and
numbering variants the report uses (`markers.py`), and reports anything it cannot place with
its position. `enrich.py` drafts each item's title, date, people, organizations, places,
figures and keywords, and each section's command and menu texts. `build.py` writes the YAML.
"""

from __future__ import annotations

from pathlib import Path

from bot.ingest.build import to_yaml_document, write_report
from bot.ingest.markers import chinese_number
from bot.ingest.model import Block, Document, IngestError, IngestWarning, Position
from bot.ingest.read_txt import read_txt, read_txt_text
from bot.ingest.structure import ParsedReport, Section, parse_blocks

__all__ = [
    "FORMATS",
    "Block",
    "Document",
    "IngestError",
    "IngestWarning",
    "ParsedReport",
    "Position",
    "Section",
    "chinese_number",
    "ingest",
    "parse_blocks",
    "parse_file",
    "parse_source",
    "read_source",
    "source_text",
    "to_yaml_document",
]

FORMATS = (".txt", ".docx", ".html", ".htm", ".pdf")


def read_source(path: Path) -> Document:
    """Read any supported format into blocks with positions."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return read_txt(path)
    if suffix not in FORMATS:
        raise IngestError(
            str(path), 1, f"unsupported format {suffix or '(none)'}; use {', '.join(FORMATS)}"
        )
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        if suffix == ".docx":
            from bot.ingest.read_docx import read_docx

            return read_docx(path)
        if suffix in (".html", ".htm"):
            from bot.ingest.read_html import read_html

            return read_html(path)
        from bot.ingest.read_pdf import read_pdf

        return read_pdf(path)
    except (IngestError, OSError):
        raise
    except Exception as exc:  # each library has its own errors for a damaged file
        raise IngestError(
            str(path), 1, f"cannot read this {suffix} file ({type(exc).__name__}: {exc})"
        ) from exc


def source_text(path: Path) -> str:
    """A source's text as ingest reads it: what item texts are checked against, verbatim."""
    if path.suffix.lower() == ".txt":
        return path.read_text(encoding="utf-8-sig")
    return read_source(path).text()


def parse_source(text: str, path: str = "<source>") -> ParsedReport:
    """Parse the project's .txt line format given as a string."""
    return parse_blocks(read_txt_text(text, path))


def parse_file(path: Path) -> ParsedReport:
    return parse_blocks(read_source(path))


def ingest(source: Path, output: Path, report_id: str, force: bool = False) -> ParsedReport:
    """Read `source` (any format), enrich it and write the YAML to `output` only."""
    parsed = parse_file(source)
    write_report(parsed, source, output, report_id, force=force)
    return parsed
