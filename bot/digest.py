"""Scheduled digests: what to post, and how people write a schedule.

A digest carries the next items a chat has not received yet (in report order, starting over once
every item was sent) and the "on this day" items: same month and day in an earlier year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from bot.config import parse_time
from bot.render import render_date, render_item_line
from bot.report import Item, KnowledgeBase
from bot.storage import Schedule
from bot.texts import Html, Texts

ITEMS_PER_DIGEST = 3
WEEKDAYS = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{str(i + 1): i for i in range(7)},
    **{name: i for i, name in enumerate("一二三四五六日")},
    "天": 6,
    "七": 6,
}  # fmt: skip
_WEEKDAY_PREFIX = re.compile(r"^(周|星期|礼拜)")


@dataclass(frozen=True)
class Digest:
    items: tuple[Item, ...]
    on_this_day: tuple[Item, ...]
    restarted: bool  # every item had been sent; this digest starts the round again

    @property
    def empty(self) -> bool:
        return not self.items and not self.on_this_day


def report_order(kb: KnowledgeBase) -> list[Item]:
    return [item for report in kb.reports for item in report.items()]


def build_digest(
    kb: KnowledgeBase, already_sent: set[str], today: date, count: int = ITEMS_PER_DIGEST
) -> Digest:
    items = report_order(kb)
    on_this_day = tuple(
        i
        for i in items
        if i.date
        and i.date.month == today.month
        and i.date.day == today.day
        and (i.date.year or today.year) < today.year
    )
    unsent = [i for i in items if i.id not in already_sent and i not in on_this_day]
    restarted = not unsent
    if restarted:
        unsent = [i for i in items if i not in on_this_day]
    return Digest(tuple(unsent[:count]), on_this_day, restarted)


def render_digest(kb: KnowledgeBase, digest: Digest, texts: Texts, today: date) -> Html:
    parts: list[str] = [texts.get("digest_header", date=today.isoformat())]
    if digest.on_this_day:
        parts.append(texts.get("digest_on_this_day"))
        parts.extend(render_item_line(kb, item, texts) for item in digest.on_this_day)
    if digest.items:
        parts.append(texts.get("digest_highlights"))
        parts.extend(render_item_line(kb, item, texts) for item in digest.items)
    return Html("\n\n".join(parts))


def parse_schedule(args: Sequence[str], default_time: time) -> Schedule | None:
    """`[]`, `daily [HH:MM]` or `weekly <day> [HH:MM]`; None when it cannot be read."""
    words = [a.strip().lower() for a in args if a.strip()]
    if not words:
        return Schedule("daily", default_time.hour, default_time.minute)
    kind, rest = words[0], words[1:]
    if kind in ("daily", "每天", "每日"):
        if len(rest) > 1:
            return None
        at = parse_time(rest[0]) if rest else default_time
        return Schedule("daily", at.hour, at.minute) if at else None
    if kind in ("weekly", "每周"):
        if not rest or len(rest) > 2:
            return None
        weekday = WEEKDAYS.get(_WEEKDAY_PREFIX.sub("", rest[0]))
        at = parse_time(rest[1]) if len(rest) > 1 else default_time
        if weekday is None or at is None:
            return None
        return Schedule("weekly", at.hour, at.minute, weekday)
    return None


def describe_schedule(schedule: Schedule, texts: Texts) -> str:
    at = f"{schedule.hour:02d}:{schedule.minute:02d}"
    if schedule.kind == "weekly" and schedule.weekday is not None:
        weekday = texts.raw("weekdays")[schedule.weekday]
        return texts.plain("schedule_weekly", weekday=weekday, time=at)
    return texts.plain("schedule_daily", time=at)


__all__ = [
    "Digest",
    "build_digest",
    "describe_schedule",
    "parse_schedule",
    "render_date",
    "render_digest",
]
