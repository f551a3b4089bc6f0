"""YAML loading that remembers where every value came from.

Validation messages must name the file and line of the offending value, which plain
`yaml.safe_load` forgets. We compose the node graph once, construct the Python values from it and
keep a map from each value's path (``("topics", 0, "items", 2, "date")``) to its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


def format_path(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


@dataclass(frozen=True)
class DataError:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}"


class DataValidationError(Exception):
    """The data has problems; nothing from it was loaded."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class LocatedDocument:
    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)

    def line(self, path: PathKey) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def error(self, path: PathKey, message: str) -> None:
        self.errors.append(DataError(self.file, self.line(path), format_path(path), message))


def _walk(node: yaml.Node, path: PathKey, document: LocatedDocument) -> None:
    document.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                document.errors.append(
                    DataError(
                        document.file,
                        key_node.start_mark.line + 1,
                        format_path((*path, key)),
                        f"key '{key}' appears twice; keep one",
                    )
                )
            seen.add(key)
            _walk(value_node, (*path, key), document)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _walk(child, (*path, index), document)


def load_located_yaml(path: Path, display_name: str | None = None) -> LocatedDocument:
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return LocatedDocument(name, None, errors=[DataError(name, None, "(file)", str(exc))])
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8"
        return LocatedDocument(name, None, errors=[DataError(name, None, "(file)", message)])
    fast = getattr(yaml, "CSafeLoader", None)  # libyaml: about seven times faster
    if fast is not None:
        try:
            return _compose(name, text, fast)
        except yaml.YAMLError:
            pass  # word the problem as the pure-Python parser does (messages name the line)
    try:
        return _compose(name, text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        message = f"YAML syntax error: {problem}; check indentation and quoting on this line"
        return LocatedDocument(name, None, errors=[DataError(name, line, "(syntax)", message)])
    except yaml.YAMLError as exc:
        return LocatedDocument(name, None, errors=[DataError(name, None, "(syntax)", str(exc))])


def _compose(name: str, text: str, loader_class: type[yaml.SafeLoader]) -> LocatedDocument:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        document = LocatedDocument(name, None)
        if node is None:
            # No node, so no line to point at: the problem is the whole file, from line 1.
            message = "the file is empty; it must hold a YAML mapping (see data/SCHEMA.md)"
            document.errors.append(DataError(name, 1, "(document)", message))
            return document
        _walk(node, (), document)
        document.data = loader.construct_document(node)
        return document
    finally:
        loader.dispose()
