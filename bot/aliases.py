"""Writing the aliases learned in the chat into the reports' YAML, for review.

An admin's fix (/stats → the right item) answers that question at once from the database. This
module carries those fixes into the data, where a reviewer sees them in the diff and they reach
every deployment: each question is appended to its item's `aliases.zh` (or `aliases.en` for
English) in the file that defines the item. The edit is by lines, so comments and layout stay as
they are; the result is validated, and a file that would not load is left untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.normalize import has_cjk
from bot.report import validate_data
from bot.storage import LearnedAlias

_ITEM_LINE = re.compile(r"^(\s*)- id:\s*(\S+)\s*$")


@dataclass(frozen=True)
class ExportResult:
    written: dict[Path, int]  # file -> aliases added
    already: int  # aliases the data already had
    unknown: list[str]  # item ids no report defines (the data changed since the fix)


def _flow(values: list[str]) -> str:
    return yaml.safe_dump(values, allow_unicode=True, default_flow_style=True, width=10**9).strip()


def _add_alias(lines: list[str], start: int, language: str, alias: str) -> bool:
    """Add `alias` to the item whose `- id:` line is `lines[start]`; False if it was there."""
    indent = len(_ITEM_LINE.match(lines[start]).group(1)) + 2  # type: ignore[union-attr]
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) >= indent
    ):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # the item's last line, not the blank lines after it
    pad = " " * indent
    aliases_at = next((i for i in range(start + 1, end) if lines[i] == f"{pad}aliases:"), None)
    if aliases_at is None:
        lines[end:end] = [f"{pad}aliases:", f"{pad}  {language}: {_flow([alias])}"]
        return True
    key = f"{pad}  {language}:"
    line_at = next((i for i in range(aliases_at + 1, end) if lines[i].startswith(key)), None)
    if line_at is None:
        lines.insert(aliases_at + 1, f"{key} {_flow([alias])}")
        return True
    values = yaml.safe_load(lines[line_at][len(key) :]) or []
    if alias in values:
        return False
    lines[line_at] = f"{key} {_flow([*values, alias])}"
    return True


def export_aliases(data_dir: Path, aliases: Iterable[LearnedAlias]) -> ExportResult:
    files = sorted((data_dir / "reports").glob("*.yaml"))
    texts = {path: path.read_text(encoding="utf-8").split("\n") for path in files}
    where: dict[str, tuple[Path, int]] = {}
    for path, lines in texts.items():
        for number, line in enumerate(lines):
            if match := _ITEM_LINE.match(line):
                where[match.group(2)] = (path, number)
    written: dict[Path, int] = {}
    already, unknown = 0, []
    for alias in aliases:
        if alias.item_id not in where:
            unknown.append(alias.item_id)
            continue
        path, _ = where[alias.item_id]
        lines = texts[path]
        start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {alias.item_id}")
        language = "zh" if has_cjk(alias.question) else "en"
        if _add_alias(lines, start, language, alias.question.strip()):
            written[path] = written.get(path, 0) + 1
        else:
            already += 1
    originals = {path: path.read_text(encoding="utf-8") for path in written}
    for path in written:
        path.write_text("\n".join(texts[path]), encoding="utf-8")
    _, errors = validate_data(data_dir)
    if errors:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        raise ValueError("the exported aliases would not validate:\n" + "\n".join(map(str, errors)))
    return ExportResult(written, already, unknown)
