"""From the parsed structure to the report's YAML document, enriched, and onto disk."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.ingest.enrich import (
    choose_command,
    description_zh,
    enrich_item,
    theme_words,
    topic_words,
)
from bot.ingest.model import IngestError, Position
from bot.ingest.structure import ParsedReport, Section
from bot.normalize import detect_script

CN_NUMBERS = "〇一二三四五六七八九"
REPORT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
REPORT_CITY = re.compile(r"(?:19|20)\d{2}\s*年(?:度)?\s*([\u4e00-\u9fff]{2,3}?)[市省区區縣县]")


def cn(number: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (for 专题N / 亮点N in menu texts)."""
    if number < 10:
        return CN_NUMBERS[number]
    tens, units = divmod(number, 10)
    return (CN_NUMBERS[tens] if tens > 1 else "") + "十" + (CN_NUMBERS[units] if units else "")


def _section_entry(
    section: Section,
    fallback: str,
    prefix: str,
    english_prefix: str,
    taken: set[str],
    report_id: str,
) -> dict[str, Any]:
    title = section.title.rstrip("。.")
    command, english = choose_command(title, fallback, taken, report_id)
    taken.add(command)
    return {
        "id": command,
        "number": section.number,
        "command": command,
        "title": title,
        "description_zh": description_zh(prefix, title),
        "description_en": f"{english_prefix} · {english}" if english else english_prefix,
    }


def _items(section_id: str, items: list[dict[str, Any]], year: int | None) -> list[dict]:
    prefix = section_id.replace("_", "-")
    return [
        {
            "id": f"{prefix}-{item['number']:02d}",
            "number": item["number"],
            "text": item["text"],
            **enrich_item(item["text"], year),
        }
        for item in items
    ]


def _add_topic_words(topics: list[dict[str, Any]], city: str | None) -> None:
    """Each section's own words (aliases.zh), so that "获得过哪些奖项" finds the awards topic
    of a report nobody enriched by hand."""
    sections = [section for topic in topics for section in (topic, *topic.get("highlights", ()))]
    items = [item for section in sections for item in section.get("items", ())]
    position = {id(item): index for index, item in enumerate(items)}
    members = [
        [
            position[id(item)]
            for child in (section, *section.get("highlights", ()))
            for item in child.get("items", ())
        ]
        for section in sections
    ]
    places = {place for item in items for place in item.get("places", ())}
    if city:
        places.add(city)
    found = topic_words(
        members, [(item["text"], item.get("keywords", ())) for item in items], places
    )
    themes = theme_words(
        members, [item["text"] for item in items], [section["title"] for section in sections]
    )
    for index, (section, words, (theme_zh, theme_en)) in enumerate(
        zip(sections, found, themes, strict=True)
    ):
        # Another topic's heading names its own topic (台青 in 支持台青筑梦圆梦), and so do
        # the words of its theme (台青 is the youth topic's, however often publicity says it).
        others = [s["title"] for s in sections if s is not section]
        owned = {w for j, (zh, _) in enumerate(themes) if j != index for w in zh} - set(theme_zh)
        words += [w for w in theme_zh if w not in words]
        words = [w for w in words if not any(w in title for title in others) and w not in owned]
        if aliases := {k: v for k, v in (("zh", words), ("en", theme_en)) if v}:
            section["aliases"] = aliases


def to_yaml_document(
    parsed: ParsedReport, report_id: str, source: str, taken_commands: Iterable[str] = ()
) -> dict[str, Any]:
    """The report as `data/SCHEMA.md` describes it, enriched; it validates as it is."""
    from bot.commands import BUILTIN_NAMES

    year_match = REPORT_YEAR.search(parsed.title)
    year = int(year_match[1]) if year_match else None
    taken = set(BUILTIN_NAMES) | set(taken_commands)
    # Menu texts in the report's own script: 专题一 / 專題一.
    traditional = detect_script(parsed.title) == "hant"
    topic_word, highlight_word = ("專題", "亮點") if traditional else ("专题", "亮点")
    topics: list[dict[str, Any]] = []
    for topic in parsed.topics:
        entry = _section_entry(
            topic,
            f"t{topic.number}",
            f"{topic_word}{cn(topic.number)}",
            f"Topic {topic.number}",
            taken,
            report_id,
        )
        if topic.highlights:
            highlights = []
            for highlight in topic.highlights:
                child = _section_entry(
                    highlight,
                    f"t{topic.number}_h{highlight.number}",
                    f"{highlight_word}{cn(highlight.number)}",
                    f"Highlight {highlight.number}",
                    taken,
                    report_id,
                )
                child["items"] = _items(child["id"], highlight.items, year)
                highlights.append(child)
            entry["highlights"] = highlights
        else:
            entry["items"] = _items(entry["id"], topic.items, year)
        topics.append(entry)
    city_match = REPORT_CITY.search(parsed.title)
    _add_topic_words(topics, city_match[1] if city_match else None)
    report: dict[str, Any] = {
        "id": report_id,
        "title": parsed.title,
        "title_en": parsed.title,
        "year": year or 0,
    }
    if city := REPORT_CITY.search(parsed.title):
        report["city"] = city[1]
    report["source"] = source
    report["intro"] = parsed.intro
    return {"schema": 1, "report": report, "topics": topics}


def _commands_of_other_reports(output: Path) -> set[str]:
    """Commands the other reports in the output's folder use: commands are global."""
    taken: set[str] = set()
    if not output.parent.is_dir():
        return taken
    for path in output.parent.glob("*.yaml"):
        if path.resolve() == output.resolve():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        for topic in (data or {}).get("topics") or []:
            for section in [topic, *(topic.get("highlights") or [])]:
                if isinstance(section, dict):
                    taken.update(str(section.get(k)) for k in ("command", "id") if k in section)
    return taken


def _dump(document: dict[str, Any]) -> str:
    class Dumper(yaml.SafeDumper):
        pass

    def flow_mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
        # Dates, people and figures read best on one line each, as in the hand-made files.
        flow = all(not isinstance(v, dict | list) for v in data.values()) and "text" not in data
        flow = flow and "id" not in data and "title" not in data
        return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)

    def flow_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
        flow = all(isinstance(v, str) for v in data)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    Dumper.add_representer(dict, flow_mapping)
    Dumper.add_representer(list, flow_list)
    header = (
        "# Written by `python -m bot ingest` (enriched automatically). `text` is verbatim\n"
        "# from the source and must not be edited; everything else may be improved by hand.\n"
        "# Schema: data/SCHEMA.md\n"
    )
    return header + yaml.dump(
        document, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000
    )


def write_report(
    parsed: ParsedReport, source: Path, output: Path, report_id: str, force: bool = False
) -> dict[str, Any]:
    """Write the enriched YAML to `output` (only there); an existing file is kept unless forced."""
    if output.exists() and not force:
        raise IngestError(
            str(output),
            Position("line", 1),
            "exists already and may hold hand enrichment; write elsewhere (-o) or pass --force",
        )
    try:
        source_ref = str(source.resolve().relative_to(output.resolve().parent.parent))
    except ValueError:
        source_ref = str(source)
    document = to_yaml_document(parsed, report_id, source_ref, _commands_of_other_reports(output))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(_dump(document), encoding="utf-8")
    return document
