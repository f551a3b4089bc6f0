"""The report model and its loading from `data/`.

Everything the bot says comes from these objects. Loading validates the whole of `data/` first
and builds objects only when there is no error, so a broken file never yields a half-loaded
report. See `data/SCHEMA.md` for the format.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.yamlsource import (
    DataError,
    DataValidationError,
    LocatedDocument,
    PathKey,
    format_path,
    load_located_yaml,
)

SCHEMA_VERSION = 1
COMMAND_PATTERN = re.compile(r"^[a-z0-9_]{1,32}$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
REPORT_ID_PATTERN = re.compile(r"^[a-z0-9_]{1,16}$")
TITLE_MAX = 20


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str = ""
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    value: float
    unit: str
    counts: str
    qualifier: str = ""


@dataclass(frozen=True, slots=True)
class ItemDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    label: str = ""

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year or 9999, self.month or 13, self.day or 32)


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    number: int
    text: str
    title: str
    report_id: str
    topic_id: str
    highlight_id: str | None
    title_en: str = ""
    text_en: str = ""  # a faithful translation, shown as such; the Chinese text stays the source
    date: ItemDate | None = None
    people: tuple[Person, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    keywords: tuple[str, ...] = ()
    aliases_zh: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    position: int = 0  # order in its report, for ties between equal dates

    @property
    def section_id(self) -> str:
        return self.highlight_id or self.topic_id

    def sort_key(self) -> tuple[tuple[int, int, int], str]:
        """By date; items of the same date keep the report's order."""
        return ((self.date or ItemDate()).sort_key(), f"{self.report_id}:{self.position:06d}")


@dataclass(frozen=True, slots=True)
class Section:
    """A topic (专题) or a highlight (亮点) inside a topic; both have a command."""

    id: str
    kind: Literal["topic", "highlight"]
    number: int
    command: str
    title: str
    description_zh: str
    description_en: str
    report_id: str
    parent_id: str | None = None
    title_en: str = ""
    aliases_zh: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    children: tuple[Section, ...] = ()

    def all_items(self) -> tuple[Item, ...]:
        return self.items + tuple(item for child in self.children for item in child.items)


@dataclass(frozen=True, slots=True)
class Report:
    id: str
    title: str
    title_en: str
    year: int
    city: str
    intro: str
    source: str
    topics: tuple[Section, ...]
    city_en: str = ""  # the city's English name, for English answers ("" when not given)

    def sections(self) -> Iterator[Section]:
        for topic in self.topics:
            yield topic
            yield from topic.children

    def items(self) -> Iterator[Item]:
        for topic in self.topics:
            yield from topic.all_items()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Domain vocabulary shared by every report (data/lexicon.yaml)."""

    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    other_places: tuple[str, ...] = ()
    set_words: tuple[str, ...] = ()
    number_words: tuple[str, ...] = ()
    date_words: tuple[str, ...] = ()
    exact_date_words: tuple[str, ...] = ()
    money_words: tuple[str, ...] = ()
    detail_words: tuple[str, ...] = ()
    # A detail word and the words an item gives it in (谁赢: 冠军, 夺得).
    detail_answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    generic_words: tuple[str, ...] = ()
    smalltalk: tuple[str, ...] = ()
    stopwords: tuple[str, ...] = ()
    home_city: str = ""  # the city whose office the bot speaks for (see lexicon.yaml)
    english: dict[str, tuple[str, ...]] = field(default_factory=dict)  # domain terms in English
    # An everyday word and the words reports use for it (片子: 纪录片, 宣传片).
    everyday: dict[str, tuple[str, ...]] = field(default_factory=dict)


class KnowledgeBase:
    """All loaded reports and the shared lexicon, with lookups by id and command."""

    def __init__(self, reports: tuple[Report, ...], lexicon: Lexicon) -> None:
        self.reports = reports
        self.lexicon = lexicon
        self.items: dict[str, Item] = {i.id: i for r in reports for i in r.items()}
        self.sections: dict[str, Section] = {s.id: s for r in reports for s in r.sections()}
        self.commands: dict[str, Section] = {s.command: s for s in self.sections.values()}

    def report(self, report_id: str) -> Report:
        return next(r for r in self.reports if r.id == report_id)

    def item(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    def section(self, section_id: str) -> Section | None:
        return self.sections.get(section_id)

    def breadcrumb(self, item: Item) -> tuple[Section, ...]:
        topic = self.sections[item.topic_id]
        if item.highlight_id:
            return (topic, self.sections[item.highlight_id])
        return (topic,)

    def all_items(self) -> list[Item]:
        return list(self.items.values())


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class FieldSpec:
    kind: str  # "str", "int", "number", "list[str]", "mapping", "list[mapping]"
    required: bool = False


REPORT_FIELDS = {
    "id": FieldSpec("str", True),
    "title": FieldSpec("str", True),
    "title_en": FieldSpec("str"),
    "year": FieldSpec("int", True),
    "city": FieldSpec("str"),
    "city_en": FieldSpec("str"),
    "source": FieldSpec("str"),
    "intro": FieldSpec("str"),
}
SECTION_FIELDS = {
    "id": FieldSpec("str", True),
    "number": FieldSpec("int", True),
    "command": FieldSpec("str", True),
    "title": FieldSpec("str", True),
    "description_zh": FieldSpec("str", True),
    "description_en": FieldSpec("str", True),
    "title_en": FieldSpec("str"),
    "aliases": FieldSpec("mapping"),
    "items": FieldSpec("list[mapping]"),
    "highlights": FieldSpec("list[mapping]"),
}
ITEM_FIELDS = {
    "id": FieldSpec("str", True),
    "number": FieldSpec("int", True),
    "text": FieldSpec("str", True),
    "title": FieldSpec("str", True),
    "title_en": FieldSpec("str"),
    "text_en": FieldSpec("str"),
    "date": FieldSpec("mapping"),
    "people": FieldSpec("list[mapping]"),
    "organizations": FieldSpec("list[str]"),
    "places": FieldSpec("list[str]"),
    "figures": FieldSpec("list[mapping]"),
    "keywords": FieldSpec("list[str]"),
    "aliases": FieldSpec("mapping"),
}
DATE_FIELDS = {
    "year": FieldSpec("int"),
    "month": FieldSpec("int"),
    "day": FieldSpec("int"),
    "label": FieldSpec("str"),
}
PERSON_FIELDS = {
    "name": FieldSpec("str", True),
    "role": FieldSpec("str"),
    "name_en": FieldSpec("str"),
}
FIGURE_FIELDS = {
    "value": FieldSpec("number", True),
    "unit": FieldSpec("str", True),
    "counts": FieldSpec("str", True),
    "qualifier": FieldSpec("str"),
}
ALIAS_FIELDS = {"zh": FieldSpec("list[str]"), "en": FieldSpec("list[str]")}
LEXICON_FIELDS = {
    "aliases": FieldSpec("mapping"),
    "other_places": FieldSpec("list[str]"),
    "set_words": FieldSpec("list[str]"),
    "number_words": FieldSpec("list[str]"),
    "date_words": FieldSpec("list[str]"),
    "exact_date_words": FieldSpec("list[str]"),
    "money_words": FieldSpec("list[str]"),
    "detail_words": FieldSpec("list[str]"),
    "detail_answers": FieldSpec("mapping"),
    "generic_words": FieldSpec("list[str]"),
    "smalltalk": FieldSpec("list[str]"),
    "stopwords": FieldSpec("list[str]"),
    "home_city": FieldSpec("str"),
    "english": FieldSpec("mapping"),
    "everyday": FieldSpec("mapping"),
}
TYPE_NAMES = {
    "str": "a text",
    "int": "a whole number",
    "number": "a number",
    "list[str]": "a list of texts",
    "mapping": "a mapping (key: value lines)",
    "list[mapping]": "a list of mappings",
}


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str) and bool(value.strip())
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "mapping":
        return isinstance(value, dict)
    if kind == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if kind == "list[mapping]":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    raise AssertionError(kind)


def check_fields(
    doc: LocatedDocument, path: PathKey, value: Any, spec: dict[str, FieldSpec]
) -> bool:
    """Check one mapping's keys and value types; report every problem. True when usable."""
    if not isinstance(value, dict):
        doc.error(path, "expected a mapping (key: value lines)")
        return False
    ok = True
    for key in value:
        if key not in spec:
            allowed = ", ".join(spec)
            doc.error((*path, str(key)), f"unknown key '{key}'; allowed keys: {allowed}")
            ok = False
    for key, field_spec in spec.items():
        if key not in value or value[key] is None:
            if field_spec.required:
                doc.error(
                    path, f"missing required key '{key}'; add it ({TYPE_NAMES[field_spec.kind]})"
                )
                ok = False
            continue
        if not _type_ok(field_spec.kind, value[key]):
            doc.error((*path, key), f"'{key}' must be {TYPE_NAMES[field_spec.kind]}")
            ok = False
    return ok


def _aliases(value: dict[str, Any], lang: str) -> tuple[str, ...]:
    return tuple(value.get("aliases", {}).get(lang) or ())


class _ReportBuilder:
    """Validates one report document and, when it is clean, builds the `Report`."""

    def __init__(self, doc: LocatedDocument, data_dir: Path) -> None:
        self.doc = doc
        self.data_dir = data_dir
        self.source_text: str | None = None
        self.items_built = 0

    def build(self) -> Report | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.doc.error((), "expected a mapping with 'schema', 'report' and 'topics'")
            return None
        spec = {
            "schema": FieldSpec("int", True),
            "report": FieldSpec("mapping", True),
            "topics": FieldSpec("list[mapping]", True),
        }
        if not check_fields(self.doc, (), data, spec):
            return None
        if data["schema"] != SCHEMA_VERSION:
            self.doc.error(
                ("schema",), f"schema {data['schema']} is not supported; use {SCHEMA_VERSION}"
            )
            return None
        meta = data["report"]
        if not check_fields(self.doc, ("report",), meta, REPORT_FIELDS):
            return None
        if not REPORT_ID_PATTERN.match(meta["id"]):
            self.doc.error(("report", "id"), "report id must match ^[a-z0-9_]{1,16}$")
        self._load_source(meta)
        topics = [
            self._section(("topics", index), topic, meta["id"], None)
            for index, topic in enumerate(data["topics"])
        ]
        if self.doc.errors or any(topic is None for topic in topics):
            return None
        self._check_translations()
        if self.doc.errors:
            return None
        return Report(
            id=meta["id"],
            title=meta["title"],
            title_en=meta.get("title_en") or meta["title"],
            year=meta["year"],
            city=meta.get("city") or "",
            intro=meta.get("intro") or "",
            source=meta.get("source") or "",
            topics=tuple(t for t in topics if t is not None),
            city_en=meta.get("city_en") or "",
        )

    def _check_translations(self) -> None:
        """English translations are all or nothing per report.

        Once one item has `text_en`, every item needs it and every section needs `title_en`, so
        an English answer never falls back to Chinese halfway through a report. A report without
        any `text_en` is valid as it is. Runs on a document that is otherwise clean.
        """
        item_paths = _item_paths(self.doc)
        translated = [p for p in item_paths if _value_at(self.doc.data, p).get("text_en")]
        if not translated:
            return
        first = (*translated[0], "text_en")
        reason = (
            f"this report has English translations (the first is {format_path(first)} on line "
            f"{self.doc.line(first)}), so every item needs one"
        )
        for path in item_paths:
            if not _value_at(self.doc.data, path).get("text_en"):
                self.doc.error(
                    path,
                    f"missing 'text_en': {reason}; add text_en: an English translation of text",
                )
        for path in _section_paths(self.doc):
            if not _value_at(self.doc.data, path).get("title_en"):
                self.doc.error(
                    path,
                    f"missing 'title_en': {reason} and every section a title_en; "
                    "add title_en: an English translation of title",
                )

    def _load_source(self, meta: dict[str, Any]) -> None:
        source = meta.get("source")
        if not source:
            return
        path = self.data_dir / source
        try:
            if path.suffix.lower() == ".txt":
                self.source_text = path.read_text(encoding="utf-8")
            else:  # .docx, .html, .pdf: the text as ingest reads it
                from bot.ingest import IngestError, source_text

                try:
                    self.source_text = source_text(path)
                except IngestError as exc:
                    self.doc.error(("report", "source"), f"source file cannot be read: {exc}")
        except OSError:
            self.doc.error(
                ("report", "source"),
                f"source file {path} not found; the path is relative to the data folder",
            )

    def _section(
        self, path: PathKey, value: dict[str, Any], report_id: str, parent: str | None
    ) -> Section | None:
        if not check_fields(self.doc, path, value, SECTION_FIELDS):
            return None
        ok = True
        if not COMMAND_PATTERN.match(value["id"]):
            self.doc.error((*path, "id"), "section id must match ^[a-z0-9_]{1,32}$")
            ok = False
        if not COMMAND_PATTERN.match(value["command"]):
            self.doc.error(
                (*path, "command"),
                f"command '{value['command']}' is invalid: Telegram commands are 1-32 "
                "characters of a-z, 0-9 and _",
            )
            ok = False
        if "aliases" in value:
            ok &= check_fields(self.doc, (*path, "aliases"), value["aliases"], ALIAS_FIELDS)
        has_items, has_highlights = "items" in value, "highlights" in value
        if has_items == has_highlights:
            self.doc.error(path, "a section needs either 'items' or 'highlights' (exactly one)")
            return None
        if has_highlights and parent is not None:
            self.doc.error((*path, "highlights"), "highlights cannot be nested in a highlight")
            return None
        items = [
            self._item(
                (*path, "items", i), item, report_id, parent or value["id"], parent and value["id"]
            )
            for i, item in enumerate(value.get("items") or [])
        ]
        children = [
            self._section((*path, "highlights", i), child, report_id, value["id"])
            for i, child in enumerate(value.get("highlights") or [])
        ]
        if not ok or None in items or None in children:
            return None
        return Section(
            id=value["id"],
            kind="highlight" if parent else "topic",
            number=value["number"],
            command=value["command"],
            title=value["title"],
            description_zh=value["description_zh"],
            description_en=value["description_en"],
            report_id=report_id,
            parent_id=parent,
            title_en=value.get("title_en") or "",
            aliases_zh=_aliases(value, "zh"),
            aliases_en=_aliases(value, "en"),
            items=tuple(i for i in items if i is not None),
            children=tuple(c for c in children if c is not None),
        )

    def _item(
        self,
        path: PathKey,
        value: dict[str, Any],
        report_id: str,
        topic_id: str,
        highlight_id: str | None,
    ) -> Item | None:
        if not check_fields(self.doc, path, value, ITEM_FIELDS):
            return None
        ok = True
        if not ID_PATTERN.match(value["id"]):
            self.doc.error(
                (*path, "id"), "item id must be ASCII: lowercase letters, digits and '-' (≤ 41)"
            )
            ok = False
        if len(value["title"]) > TITLE_MAX:
            self.doc.error(
                (*path, "title"), f"title has {len(value['title'])} characters; keep ≤ {TITLE_MAX}"
            )
            ok = False
        if self.source_text is not None and value["text"] not in self.source_text:
            self.doc.error(
                (*path, "text"),
                "text is not found verbatim in the report's source; copy it from the source",
            )
            ok = False
        date = self._date((*path, "date"), value["date"]) if "date" in value else None
        people = self._records((*path, "people"), value.get("people"), PERSON_FIELDS)
        figures = self._records((*path, "figures"), value.get("figures"), FIGURE_FIELDS)
        if "aliases" in value:
            ok &= check_fields(self.doc, (*path, "aliases"), value["aliases"], ALIAS_FIELDS)
        if not ok or people is None or figures is None or ("date" in value and date is None):
            return None
        return Item(
            id=value["id"],
            number=value["number"],
            text=value["text"],
            title=value["title"],
            report_id=report_id,
            topic_id=topic_id,
            highlight_id=highlight_id,
            title_en=value.get("title_en") or "",
            text_en=value.get("text_en") or "",
            date=date,
            people=tuple(Person(**p) for p in people),
            organizations=tuple(value.get("organizations") or ()),
            places=tuple(value.get("places") or ()),
            figures=tuple(Figure(**f) for f in figures),
            keywords=tuple(value.get("keywords") or ()),
            aliases_zh=_aliases(value, "zh"),
            aliases_en=_aliases(value, "en"),
            position=self._next_position(),
        )

    def _next_position(self) -> int:
        self.items_built += 1
        return self.items_built

    def _records(
        self, path: PathKey, values: list[Any] | None, spec: dict[str, FieldSpec]
    ) -> list[dict[str, Any]] | None:
        records = values or []
        results = [check_fields(self.doc, (*path, i), v, spec) for i, v in enumerate(records)]
        return records if all(results) else None

    def _date(self, path: PathKey, value: dict[str, Any]) -> ItemDate | None:
        if not check_fields(self.doc, path, value, DATE_FIELDS):
            return None
        year, month, day = value.get("year"), value.get("month"), value.get("day")
        if not any(v is not None for v in (year, month, day, value.get("label"))):
            self.doc.error(path, "an empty date; give year/month/day or a label, or remove it")
            return None
        if year is not None and not 1900 <= year <= 2100:
            self.doc.error((*path, "year"), f"year {year} is out of range; use four digits")
            return None
        if month is not None and not 1 <= month <= 12:
            self.doc.error((*path, "month"), f"month {month} is not a month; use 1-12")
            return None
        if day is not None:
            if month is None:
                self.doc.error((*path, "day"), "a day needs a month; add 'month'")
                return None
            last = calendar.monthrange(year or 2024, month)[1]
            if not 1 <= day <= last:
                self.doc.error(
                    (*path, "day"), f"day {day} does not exist in month {month}; use 1-{last}"
                )
                return None
        return ItemDate(year, month, day, value.get("label") or "")


def _texts_by_key(doc: LocatedDocument, key: str, what: str) -> dict[str, tuple[str, ...]]:
    """A lexicon mapping of canonical form → list of texts; an entry of another type is an
    error at its place."""
    found: dict[str, tuple[str, ...]] = {}
    for canonical, texts in (doc.data.get(key) or {}).items():
        if not _type_ok("list[str]", texts):
            doc.error((key, str(canonical)), f"{what} must be a list of texts")
            continue
        found[str(canonical)] = tuple(texts)
    return found


def _load_lexicon(doc: LocatedDocument) -> Lexicon | None:
    if doc.data is None and not doc.errors:
        return Lexicon()
    if doc.errors:
        return None
    if not check_fields(doc, (), doc.data, LEXICON_FIELDS):
        return None
    aliases = _texts_by_key(doc, "aliases", "variants")
    english = _texts_by_key(doc, "english", "English names")
    answers = _texts_by_key(doc, "detail_answers", "words an item gives the detail in")
    everyday = _texts_by_key(doc, "everyday", "words reports use for it")
    if doc.errors:
        return None
    return Lexicon(
        aliases=aliases,
        english=english,
        other_places=tuple(doc.data.get("other_places") or ()),
        set_words=tuple(doc.data.get("set_words") or ()),
        number_words=tuple(doc.data.get("number_words") or ()),
        date_words=tuple(doc.data.get("date_words") or ()),
        exact_date_words=tuple(doc.data.get("exact_date_words") or ()),
        money_words=tuple(doc.data.get("money_words") or ()),
        detail_words=tuple(doc.data.get("detail_words") or ()),
        detail_answers=answers,
        everyday=everyday,
        generic_words=tuple(doc.data.get("generic_words") or ()),
        smalltalk=tuple(doc.data.get("smalltalk") or ()),
        stopwords=tuple(doc.data.get("stopwords") or ()),
        home_city=str(doc.data.get("home_city") or ""),
    )


def _value_at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def _item_paths(doc: LocatedDocument) -> list[PathKey]:
    """Where each item sits in a clean report document, in the order of `Report.items()`."""
    paths: list[PathKey] = []
    for t, topic in enumerate(doc.data["topics"]):
        paths.extend(("topics", t, "items", i) for i in range(len(topic.get("items") or [])))
        for h, highlight in enumerate(topic.get("highlights") or []):
            paths.extend(
                ("topics", t, "highlights", h, "items", i)
                for i in range(len(highlight.get("items") or []))
            )
    return paths


def _section_paths(doc: LocatedDocument) -> list[PathKey]:
    """Where each section sits in a clean report document, in the order of `sections()`."""
    paths: list[PathKey] = []
    for t, topic in enumerate(doc.data["topics"]):
        paths.append(("topics", t))
        paths.extend(
            ("topics", t, "highlights", h) for h in range(len(topic.get("highlights") or []))
        )
    return paths


def _check_unique(
    reports: list[tuple[LocatedDocument, Report]], reserved_commands: Iterable[str]
) -> list[DataError]:
    errors: list[DataError] = []
    reserved = set(reserved_commands)
    seen_reports: dict[str, str] = {}
    seen_items: dict[str, str] = {}
    seen_sections: dict[str, str] = {}
    seen_commands: dict[str, str] = {}

    def where(doc: LocatedDocument, path: PathKey) -> str:
        line = doc.line(path)
        return f"{doc.file}:{line}" if line else doc.file

    def error(doc: LocatedDocument, path: PathKey, message: str) -> None:
        errors.append(DataError(doc.file, doc.line(path), format_path(path), message))

    for doc, report in reports:
        path: PathKey = ("report", "id")
        if report.id in seen_reports:
            error(
                doc,
                path,
                f"report id '{report.id}' is also used in {seen_reports[report.id]}; "
                "give each report its own id",
            )
        seen_reports.setdefault(report.id, where(doc, path))
        for item, item_path in zip(report.items(), _item_paths(doc), strict=True):
            path = (*item_path, "id")
            if item.id in seen_items:
                error(
                    doc,
                    path,
                    f"duplicate item id '{item.id}' (also in {seen_items[item.id]}); "
                    "give each item its own id",
                )
            seen_items.setdefault(item.id, where(doc, path))
        for section, section_path in zip(report.sections(), _section_paths(doc), strict=True):
            path = (*section_path, "id")
            if section.id in seen_sections:
                error(
                    doc,
                    path,
                    f"duplicate section id '{section.id}' (also in "
                    f"{seen_sections[section.id]}); give each section its own id",
                )
            seen_sections.setdefault(section.id, where(doc, path))
            path = (*section_path, "command")
            if section.command in reserved:
                error(
                    doc,
                    path,
                    f"command '/{section.command}' is a built-in command; choose another name",
                )
            elif section.command in seen_commands:
                error(
                    doc,
                    path,
                    f"duplicate command '/{section.command}' (also in "
                    f"{seen_commands[section.command]}); command names must be unique",
                )
            seen_commands.setdefault(section.command, where(doc, path))
    return errors


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base.parent))
    except ValueError:
        return str(path)


def validate_data(
    data_dir: Path, reserved_commands: Iterable[str] = ()
) -> tuple[KnowledgeBase | None, list[DataError]]:
    """Load and validate `data_dir`; returns the knowledge base only when there is no error."""
    errors: list[DataError] = []
    lexicon_path = data_dir / "lexicon.yaml"
    lexicon: Lexicon | None = Lexicon()
    if lexicon_path.exists():
        lexicon_doc = load_located_yaml(lexicon_path, _relative(lexicon_path, data_dir))
        lexicon = _load_lexicon(lexicon_doc)
        errors.extend(lexicon_doc.errors)

    report_paths = sorted((data_dir / "reports").glob("*.yaml"))
    if not report_paths:
        errors.append(
            DataError(
                str(data_dir / "reports"),
                None,
                "(folder)",
                "no report found; add reports/<id>.yaml (python -m bot ingest)",
            )
        )
    built: list[tuple[LocatedDocument, Report]] = []
    for path in report_paths:
        doc = load_located_yaml(path, _relative(path, data_dir))
        report = _ReportBuilder(doc, data_dir).build() if not doc.errors else None
        errors.extend(doc.errors)
        if report is not None:
            built.append((doc, report))
    errors.extend(_check_unique(built, reserved_commands))
    if errors or lexicon is None:
        return None, errors
    return KnowledgeBase(tuple(r for _, r in built), lexicon), []


def load_knowledge_base(data_dir: Path, reserved_commands: Iterable[str] = ()) -> KnowledgeBase:
    kb, errors = validate_data(data_dir, reserved_commands)
    if kb is None:
        raise DataValidationError(errors)
    return kb
