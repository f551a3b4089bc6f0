"""Text normalisation shared by the index, the queries and the renderer.

Queries and item texts go through the same steps so they meet in one form: control and
zero-width characters out, full-width to half-width (NFKC), Traditional/Taiwan phrasing to
Simplified (OpenCC ``tw2sp``), lower case, punctuation and spaces out.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import unicodedata
from array import array
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path
from typing import Literal

import opencc

Script = Literal["hans", "hant", "latin", "none"]

MAX_QUERY_CHARS = 200
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
_KEEP = re.compile(f"[^{CJK}a-z0-9%]+")
_WORDS = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_TONE_MARKS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return str(_converter("tw2sp").convert(text))


def to_simplified_characters(text: str) -> str:
    """Simplified character by character, without tw2sp's Taiwan phrases (線上 stays 线上)."""
    return str(_converter("t2s").convert(text))


# Traditional forms converted ahead of time (`bot.traditional`): the s2twp tables take about
# 43 MB once loaded, for a few hundred texts of our own that never change while the bot runs.
TRADITIONAL: dict[str, str] = {}


def same_in_both_scripts(text: str) -> bool:
    """True when `text` (Simplified) would read the same in Traditional ("那11月呢", "更多"),
    judged by the characters the prepared conversions change, so the phrase tables stay
    unloaded. A text of our own is looked up exactly."""
    if text in TRADITIONAL:
        return TRADITIONAL[text] == text
    changed = _changed_characters()
    return not any(char in changed for char in text)


def _changed_characters() -> frozenset[str]:
    key = len(TRADITIONAL)
    if _CHANGED[0] != key:
        changed = {
            s
            for simplified, traditional in TRADITIONAL.items()
            if len(simplified) == len(traditional)
            for s, t in zip(simplified, traditional, strict=True)
            if s != t
        }
        _CHANGED[:] = [key, frozenset(changed)]
    result: frozenset[str] = _CHANGED[1]
    return result


_CHANGED: list = [-1, frozenset()]  # (size of TRADITIONAL it was made from, the characters)


def to_traditional(text: str) -> str:
    """Simplified to Traditional with Taiwan phrasing (信息→資訊, 网络→網路)."""
    known = TRADITIONAL.get(text)
    if known is not None:
        return known
    return str(_converter("s2twp").convert(text))


def strip_invisible(text: str) -> str:
    """Drop control, format (zero-width, bidi) and unassigned characters; keep line breaks."""
    if text.isprintable():
        return text
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Cn", "Co", "Cs"}
    )


def clean_text(text: str, limit: int | None = MAX_QUERY_CHARS) -> str:
    """A user's text made safe to process: invisible characters out, NFKC, cut to `limit`."""
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    text = " ".join(text.split())
    return text[:limit] if limit else text


def detect_script(text: str) -> Script:
    """Which script a person writes in, to answer in the same one. Judged by characters
    alone: the Taiwan phrase tables would call Simplified 文件 or 影片 Traditional, since
    they turn them into 文档 and 电影."""
    if _CJK_CHAR.search(text):
        return "hant" if _converter("t2s").convert(text) != text else "hans"
    if re.search(r"[A-Za-z]", text):
        return "latin"
    return "none"


def compact(text: str) -> str:
    """The matching form without the script conversion: what `normalize` keeps, as written."""
    return _KEEP.sub("", unicodedata.normalize("NFKC", strip_invisible(text)).lower())


def traditional_by_example(text: str, examples: list[tuple[str, str]]) -> str:
    """`text` (Simplified) in Traditional, character by character from known pairs (the
    asker's own words as typed and as normalised; the report's texts and their prepared
    conversions), with no phrase tables loaded: for quoting a question back in the asker's
    script. Pairs of unequal length are skipped; unknown characters stay as they are."""
    mapping: dict[str, str] = {}
    for simplified, traditional in examples:
        if len(simplified) == len(traditional):
            mapping.update(zip(simplified, traditional, strict=True))
    return "".join(mapping.get(char, char) for char in text)


def normalize(text: str) -> str:
    """The compact matching form: Simplified, lower case, only CJK, a-z, 0-9 and %."""
    simplified = to_simplified(unicodedata.normalize("NFKC", strip_invisible(text)))
    return _KEEP.sub("", simplified.lower())


def english_words(text: str) -> list[str]:
    return _WORDS.findall(unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'"))


# Irregular past forms a question may use (took part → take part: 参加).
_IRREGULAR_PAST = {
    "took": "take", "taken": "take", "held": "hold", "won": "win", "met": "meet",
    "came": "come", "went": "go", "gone": "go", "gave": "give", "given": "give",
    "made": "make", "saw": "see", "seen": "see", "began": "begin", "begun": "begin",
    "led": "lead", "sent": "send", "spent": "spend", "brought": "bring", "built": "build",
    "taught": "teach", "got": "get", "said": "say", "told": "tell", "wrote": "write",
    "written": "write", "found": "find", "became": "become", "chose": "choose",
    "chosen": "choose", "kept": "keep", "paid": "pay", "sought": "seek",
}  # fmt: skip


# British spellings the dictionary (CC-CEDICT, in American spelling) would not know.
_BRITISH_ROOTS = re.compile(
    r"^(organi|recogni|reali|speciali|mobili|publici|prioriti|utili|symboli|finali|summari|"
    r"locali|moderni|internationali|civili|digiti|industriali|visuali)s(e|ed|es|ing|ation|ations)$"
)
_OUR_NOT_OR = ("four", "your", "hour", "pour", "flour", "sour", "devour")


def _american(word: str) -> str:
    """centre → center, honour → honor, organise → organize, programme → program."""
    if word.startswith("programme"):
        return "program" + word.removeprefix("programme")
    if (root := _BRITISH_ROOTS.match(word)) is not None:
        return f"{root[1]}z{root[2]}"
    for british, american in (("tre", "ter"), ("tres", "ters")):
        if len(word) > 5 and word.endswith(british) and word[-len(british) - 1] in "nae":
            return word[: -len(british)] + american  # centre, theatre, metres; not genre
    for british, american in (("our", "or"), ("ours", "ors"), ("oured", "ored")):
        stem = word.removesuffix(british)
        whole = stem + "our"
        if word.endswith(british) and len(stem) > 2 and not whole.endswith(("tour", *_OUR_NOT_OR)):
            return stem + american  # honour, colours, favoured; not tour, hours
    return word


def english_stem(word: str) -> str:
    """Plural to singular and -ed/-ing to the stem, enough for matching (businesses →
    business, cities → city, visited → visit, telling → tell, took → take); a possessive
    goes first."""
    word = _american(word.removesuffix("'s"))
    if word in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[word]
    if len(word) > 6 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 5 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


_ENTRY = re.compile(r'"(\d+)":\s*"([^",]*)')


def _pinyin_json() -> Path:
    """pypinyin's single-character table, found without importing pypinyin: its `__init__`
    loads the phrase dictionaries too (about 55 MB), and only single characters are needed."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pypinyin is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"


@lru_cache(maxsize=1)
def _sound_table() -> tuple[array[int], array[int], tuple[str, ...]]:
    """Code points (sorted), the index of each one's first toneless reading, the readings:
    about 0.3 MB where a dict of the full readings takes several."""
    text = _pinyin_json().read_text(encoding="utf-8")
    entries = [(int(code), first) for code, first in _ENTRY.findall(text) if first]
    if not entries:  # a different layout of the file: parse it properly
        table = json.loads(text).items()
        entries = [(int(k), str(v).split(",")[0]) for k, v in table if v]
    if any(a[0] >= b[0] for a, b in itertools.pairwise(entries)):
        entries.sort()
    toneless = {r: r.translate(_TONE_MARKS) for r in {r for _, r in entries}}
    readings = {r: n for n, r in enumerate(dict.fromkeys(toneless[r] for _, r in entries))}
    codes = array("l", [code for code, _ in entries])
    sounds = array("H", [readings[toneless[r]] for _, r in entries])
    return codes, sounds, tuple(readings)


@lru_cache(maxsize=4)
def pinyin_readings(chars: frozenset[str]) -> dict[str, list[str]]:
    """Every toneless reading of each character (厦 → sha, xia): names are often read with a
    character's second reading. Reads pypinyin's table afresh (about 30 ms), so it is kept for
    the last few sets of characters (the lexicon's places: one set per lexicon)."""
    wanted = {ord(char): char for char in chars}
    found: dict[str, list[str]] = {}
    text = _pinyin_json().read_text(encoding="utf-8")
    for code, readings in re.findall(r'"(\d+)":\s*"([^"]*)"', text):
        char = wanted.get(int(code))
        if char is not None:
            toneless = (r.translate(_TONE_MARKS) for r in readings.split(","))
            found[char] = list(dict.fromkeys(toneless))
    return found


def pinyin_of(char: str) -> str:
    """The first reading of a CJK character without tones (宋→song); other chars as they are."""
    if len(char) != 1:
        return char
    codes, sounds, readings = _sound_table()
    code = ord(char)
    at = bisect_left(codes, code)
    if at == len(codes) or codes[at] != code:
        return char
    return readings[sounds[at]]
