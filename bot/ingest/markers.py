"""Heading and numbering markers of Chinese official reports, Simplified and Traditional.

Each family of markers has a rank, from the outermost to the innermost, as the conventions for
official documents order them::

    专题一： / 專題一： / 第一部分        rank 0
    一、                              rank 1
    亮点一： / 亮點一：                 rank 2
    （一） / (一)                      rank 3
    1. / 1． / 1、                     rank 4
    （1） / (1) / 1）                  rank 5
    ① … ⑳                             rank 6

A report uses a few of these. The structure parser maps the outermost family it finds to 专题
(topics), the innermost to items and one family in between, if there is one, to 亮点.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_NUM = "[一二三四五六七八九十]+"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
COLON = r"[：:]?\s*"


def chinese_number(text: str) -> int:
    """Parse 一 … 九十九 as used in headings (专题N, 亮点N, N、, （N）)."""
    if text.isdigit():
        return int(text)
    if text in CHINESE_DIGITS:
        return CHINESE_DIGITS[text]
    if text.startswith("十"):
        return 10 + (CHINESE_DIGITS[text[1:]] if len(text) > 1 else 0)
    tens, _, units = text.partition("十")
    return CHINESE_DIGITS[tens] * 10 + (CHINESE_DIGITS[units] if units else 0)


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    rank: int
    pattern: re.Pattern[str]


def _family(name: str, rank: int, marker: str) -> Family:
    return Family(name, rank, re.compile(rf"^{marker}(?P<rest>.*?)\s*$", re.DOTALL))


FAMILIES: tuple[Family, ...] = (
    _family("专题", 0, rf"(?:专题|專題)(?P<num>{CN_NUM}|\d{{1,2}}){COLON}"),
    _family("第N部分", 0, rf"第(?P<num>{CN_NUM})(?:部分|篇)[：:、\s]\s*"),
    _family("一、", 1, rf"(?P<num>{CN_NUM})、\s*"),
    _family("亮点", 2, rf"(?:亮点|亮點)(?P<num>{CN_NUM}|\d{{1,2}}){COLON}"),
    _family("（一）", 3, rf"[（(](?P<num>{CN_NUM})[）)]\s*"),
    _family("1.", 4, r"(?P<num>\d{1,3})[.．、]\s*"),
    _family("（1）", 5, r"(?:[（(](?P<num>\d{1,3})[）)]|(?P<num2>\d{1,3})[）)])\s*"),
    _family("①", 6, rf"(?P<circled>[{CIRCLED}])\s*"),
)


@dataclass(frozen=True, slots=True)
class Marker:
    family: Family
    number: int
    rest: str  # the text after the marker, stripped at its end


def classify(text: str) -> Marker | None:
    """The marker a block starts with, or None. A marker needs text after it."""
    for family in FAMILIES:
        match = family.pattern.match(text)
        if not match or not match["rest"].strip():
            continue
        groups = match.groupdict()
        if groups.get("circled"):
            number = CIRCLED.index(groups["circled"]) + 1
        else:
            number = chinese_number(groups.get("num") or groups["num2"])
        return Marker(family, number, match["rest"])
    return None
