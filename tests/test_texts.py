"""The bot's own words: same keys in every language, templates that format, escaping, and which
language a person gets."""

from __future__ import annotations

import ast
import string
from collections import defaultdict

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.normalize import to_traditional
from bot.report import KnowledgeBase
from bot.texts import LANGUAGES, LOCALES, Html, choose_language, escape, missing_keys, texts_for


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def templates(language: str) -> dict[str, str]:
    return {k: v for k, v in texts_for(language).strings.items() if isinstance(v, str)}


def test_every_language_file_has_the_same_keys() -> None:
    assert missing_keys() == {}
    keys = [set(texts_for(language).strings) for language in LANGUAGES]
    assert all(k == keys[0] for k in keys)
    assert len(keys[0]) > 50


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_formats(language: str) -> None:
    anything: defaultdict[str, str] = defaultdict(lambda: "x")
    for key, template in templates(language).items():
        text = template.format_map(anything)
        assert "{" not in text.replace("{{", ""), key
        assert texts_for(language).get(key, **anything) == text


@pytest.mark.parametrize("language", LANGUAGES)
def test_list_values_are_lists_of_texts(language: str) -> None:
    weekdays = texts_for(language).raw("weekdays")
    assert isinstance(weekdays, list) and len(weekdays) == 7
    assert all(isinstance(day, str) and day for day in weekdays)


def text_calls() -> list[tuple[str, int, str, set[str]]]:
    """Every `<texts>.get("key", a=…)` / `.plain("key", …)` in the code: file, line, key, names."""
    keys = set(texts_for("zh-hans").strings)
    calls = []
    for folder in ("bot", "handlers"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("get", "plain")
                    and len(node.args) == 1
                    and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value in keys
                    and all(k.arg is not None for k in node.keywords)  # no **params
                ):
                    names = {k.arg for k in node.keywords if k.arg is not None}
                    calls.append(
                        (
                            str(path.relative_to(PROJECT_ROOT)),
                            node.lineno,
                            node.args[0].value,
                            names,
                        )
                    )
    return calls


def test_the_code_fills_every_placeholder_of_every_language() -> None:
    calls = text_calls()
    assert len({key for _, _, key, _ in calls}) > 30  # the scan finds the call sites
    problems = []
    for file, line, key, names in calls:
        for language in LANGUAGES:
            missing = fields_of(templates(language)[key]) - names
            if missing:
                problems.append(f"{file}:{line}: {key} ({language}) lacks {sorted(missing)}")
    assert problems == []


def test_placeholders_are_escaped() -> None:
    texts = texts_for("zh-hans")
    text = texts.get("feedback_thanks") + texts.get("month_empty", month="<b>")
    assert "&lt;b&gt;" in text
    assert "<b>" not in text
    assert "&amp;lt;" in texts.get("month_empty", month="&lt;")


def test_html_values_are_not_escaped() -> None:
    texts = texts_for("en")
    assert "<b>x</b>" in texts.get("month_empty", month=Html("<b>x</b>"))
    assert escape(Html("<i>y</i>")) == "<i>y</i>"
    assert escape("<i>y</i> & z") == "&lt;i&gt;y&lt;/i&gt; &amp; z"


def test_plain_texts_have_no_entities() -> None:
    assert texts_for("zh-hans").plain("section_page", page="<1>", pages=2) == "第 <1>/2 页"


def test_traditional_is_derived_from_simplified() -> None:
    simplified, traditional = texts_for("zh-hans"), texts_for("zh-hant")
    overrides = yaml.safe_load((LOCALES / "zh-hant.yaml").read_text(encoding="utf-8")) or {}
    for key, value in simplified.strings.items():
        if key in overrides:
            assert traditional.raw(key) == overrides[key]
        elif isinstance(value, str):
            assert traditional.raw(key) == to_traditional(value), key
        else:
            assert traditional.raw(key) == [to_traditional(v) for v in value], key
    assert "對臺工作" in traditional.raw("not_found_reason_place")


@pytest.mark.parametrize(
    ("code", "script", "expected"),
    [
        # The script a person writes in beats their language setting.
        ("en", "hant", "zh-hant"),
        ("en", "hans", "zh-hans"),
        ("zh-TW", "hans", "zh-hans"),
        ("zh-CN", "hant", "zh-hant"),
        (None, "hant", "zh-hant"),
        # Otherwise the Telegram language code.
        ("zh-TW", None, "zh-hant"),
        ("zh-tw", None, "zh-hant"),
        ("zh-HK", None, "zh-hant"),
        ("zh-Hant", None, "zh-hant"),
        ("zh-CN", None, "zh-hans"),
        ("zh", None, "zh-hans"),
        ("en", None, "en"),
        ("en-US", "latin", "en"),
        ("de", "none", "en"),
        (None, "latin", "en"),
        (None, None, "zh-hans"),
        ("", None, "zh-hans"),
        (None, "none", "zh-hans"),
    ],
)
def test_choose_language(code: str | None, script: str | None, expected: str) -> None:
    assert choose_language(code, script) == expected  # type: ignore[arg-type]


def test_own_texts_are_converted_ahead_exactly_as_opencc_would(kb: KnowledgeBase) -> None:
    """The helper process's table gives what the in-process converter gives, and covers every
    text the renderer converts, so the 43 MB s2twp tables are never loaded by the bot."""
    from bot.normalize import TRADITIONAL, _converter
    from bot.traditional import Conversion, own_texts

    texts = own_texts(kb)
    assert "" in texts and "各级领导高度重视广州对台工作" in texts
    Conversion(texts).finish()
    assert texts <= set(TRADITIONAL)
    converter = _converter("s2twp")
    assert all(TRADITIONAL[t] == converter.convert(t) for t in texts)
    assert to_traditional("信息网络") == "資訊網路"  # not prepared: converted in-process


@pytest.mark.parametrize("name", ["zh-hans.yaml", "zh-hant.yaml", "en.yaml"])
def test_locale_files_have_no_duplicate_keys(name: str) -> None:
    # PyYAML keeps the last of two equal keys silently; a merge can leave both.
    lines = (LOCALES / name).read_text(encoding="utf-8")
    keys = [line.split(":", 1)[0] for line in lines.splitlines() if line[:1].isalpha()]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_same_in_both_scripts_without_the_phrase_tables(kb: KnowledgeBase) -> None:
    from bot.normalize import TRADITIONAL, same_in_both_scripts
    from bot.traditional import own_texts

    for text in own_texts(kb):
        TRADITIONAL.setdefault(text, to_traditional(text))
    assert same_in_both_scripts("那11月呢")
    assert same_in_both_scripts("更多")
    assert not same_in_both_scripts("台湾青年")  # 灣 differs
    assert not same_in_both_scripts("广州台协")  # 廣, 協 differ
