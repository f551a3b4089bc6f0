"""The bot's own words, one file per language under `bot/locales/`.

Traditional Chinese is derived from the Simplified file with OpenCC (Taiwan phrasing), so the two
never drift apart; `zh-hant.yaml` holds only the few overrides a conversion cannot get right.
Every placeholder is HTML-escaped when filled unless the value is wrapped in `Html` (already
rendered markup from our own renderer).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.normalize import Script, to_traditional

Language = Literal["zh-hans", "zh-hant", "en"]
LANGUAGES: tuple[Language, ...] = ("zh-hans", "zh-hant", "en")
LOCALES = Path(__file__).parent / "locales"


class Html(str):
    """Markup we produced ourselves; `Texts.get` inserts it without escaping."""

    __slots__ = ()


def escape(value: Any) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=False)


@dataclass(frozen=True)
class Texts:
    language: Language
    strings: dict[str, Any]

    def get(self, key: str, **params: Any) -> Html:
        template = self.strings[key]
        if not isinstance(template, str):
            raise TypeError(f"text '{key}' is not a string")
        return Html(template.format_map({k: escape(v) for k, v in params.items()}))

    def raw(self, key: str) -> Any:
        return self.strings[key]

    def plain(self, key: str, **params: Any) -> str:
        """For places Telegram shows without HTML (buttons, command menus, inline titles)."""
        return html.unescape(str(self.strings[key]).format_map(params))

    def convert(self, text: str) -> str:
        """Report text in this language's script (report texts are Simplified)."""
        return to_traditional(text) if self.language == "zh-hant" else text


def _load(name: str) -> dict[str, Any]:
    text = (LOCALES / f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{LOCALES / name}.yaml must be a mapping")
    return data


def _to_traditional(value: Any) -> Any:
    if isinstance(value, str):
        return to_traditional(value)
    if isinstance(value, list):
        return [_to_traditional(v) for v in value]
    return value


@lru_cache(maxsize=len(LANGUAGES))
def texts_for(language: Language) -> Texts:
    if language == "zh-hant":
        strings = {k: _to_traditional(v) for k, v in _load("zh-hans").items()}
        strings.update(_load("zh-hant"))
        return Texts(language, strings)
    return Texts(language, _load(language))


def missing_keys() -> dict[str, set[str]]:
    """Keys present in one language file and absent from another (checked by tests)."""
    keys = {lang: set(texts_for(lang).strings) for lang in LANGUAGES}
    union = set().union(*keys.values())
    return {lang: union - have for lang, have in keys.items() if union - have}


def choose_language(language_code: str | None, script: Script | None = None) -> Language:
    """The script a person writes in wins; otherwise their Telegram language setting."""
    if script == "hant":
        return "zh-hant"
    if script == "hans":
        return "zh-hans"
    code = (language_code or "").lower()
    if script == "latin":
        return "en"
    if code.startswith("zh"):
        if any(tag in code for tag in ("hant", "tw", "hk", "mo")):
            return "zh-hant"
        return "zh-hans"
    if code and script in (None, "none", "latin"):
        return "en"
    return "zh-hans"
