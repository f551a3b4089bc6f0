"""Digests: reading a schedule, choosing what to send, and rendering it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from bot.digest import (
    Digest,
    build_digest,
    describe_schedule,
    parse_schedule,
    render_digest,
    report_order,
)
from bot.report import KnowledgeBase
from bot.storage import Schedule
from bot.texts import texts_for

DEFAULT = time(9, 0)
NO_ANNIVERSARY = date(2026, 1, 15)  # no item is dated 15 January


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], Schedule("daily", 9, 0)),
        (["daily"], Schedule("daily", 9, 0)),
        (["daily", "08:30"], Schedule("daily", 8, 30)),
        (["Daily", "8:05"], Schedule("daily", 8, 5)),
        (["每天", "20：15"], Schedule("daily", 20, 15)),
        (["weekly", "mon", "09:00"], Schedule("weekly", 9, 0, 0)),
        (["weekly", "Friday"], Schedule("weekly", 9, 0, 4)),
        (["weekly", "周三", "20:15"], Schedule("weekly", 20, 15, 2)),
        (["每周", "星期日"], Schedule("weekly", 9, 0, 6)),
        (["weekly", "周天"], Schedule("weekly", 9, 0, 6)),
        (["weekly", "7"], Schedule("weekly", 9, 0, 6)),
        (["weekly", "1"], Schedule("weekly", 9, 0, 0)),
    ],
)
def test_parse_schedule(args: list[str], expected: Schedule) -> None:
    assert parse_schedule(args, DEFAULT) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["daily", "25:00"],
        ["daily", "12:60"],
        ["daily", "08:30", "extra"],
        ["weekly"],
        ["weekly", "funday"],
        ["weekly", "8"],
        ["weekly", "mon", "24:00"],
        ["weekly", "mon", "09:00", "extra"],
        ["monthly"],
        ["hourly", "08:00"],
    ],
)
def test_parse_schedule_rejects_what_it_cannot_read(args: list[str]) -> None:
    assert parse_schedule(args, DEFAULT) is None


def test_describe_schedule(kb: KnowledgeBase) -> None:
    texts = texts_for("zh-hans")
    weekly = describe_schedule(Schedule("weekly", 20, 5, 2), texts)
    assert "20:05" in weekly and texts.raw("weekdays")[2] in weekly
    assert "08:30" in describe_schedule(Schedule("daily", 8, 30), texts)


# --------------------------------------------------------------------------- build_digest


def test_no_anniversary_on_the_test_day(kb: KnowledgeBase) -> None:
    assert build_digest(kb, set(), NO_ANNIVERSARY).on_this_day == ()


def test_no_repeats_until_every_item_was_sent_then_restart(kb: KnowledgeBase) -> None:
    order = [item.id for item in report_order(kb)]
    sent: set[str] = set()
    delivered: list[str] = []
    while len(sent) < len(order):
        digest = build_digest(kb, sent, NO_ANNIVERSARY)
        assert not digest.restarted
        assert 0 < len(digest.items) <= 3
        new = [item.id for item in digest.items]
        assert not set(new) & sent, "an item was sent twice in one round"
        delivered += new
        sent |= set(new)
    assert delivered == order  # every item once, in report order
    assert len(delivered) == len(kb.items) == 47
    again = build_digest(kb, sent, NO_ANNIVERSARY)
    assert again.restarted
    assert [item.id for item in again.items] == order[:3]


def test_on_this_day(kb: KnowledgeBase) -> None:
    digest = build_digest(kb, set(), date(2026, 12, 27))
    assert [item.id for item in digest.on_this_day] == ["visits-03"]
    assert kb.item("visits-03") not in digest.items
    assert len(digest.items) == 3


def test_on_this_day_only_for_earlier_years(kb: KnowledgeBase) -> None:
    assert build_digest(kb, set(), date(2023, 12, 27)).on_this_day == ()
    assert build_digest(kb, set(), date(2024, 12, 27)).on_this_day == (kb.item("visits-03"),)


def test_an_empty_digest(kb: KnowledgeBase) -> None:
    item = kb.item("visits-01")
    assert Digest((), (), False).empty
    assert not Digest((item,), (), False).empty
    assert not Digest((), (item,), False).empty


# --------------------------------------------------------------------------- render_digest


def test_render_digest(kb: KnowledgeBase) -> None:
    today = date(2026, 12, 27)
    texts = texts_for("zh-hans")
    nasty = replace(kb.item("visits-01"), title="<script>标题</script>", text="A & B <i>")
    digest = Digest((nasty,), (kb.item("visits-03"),), False)
    output = render_digest(kb, digest, texts, today)
    assert output.startswith(texts.get("digest_header", date="2026-12-27"))
    assert "2026-12-27" in output
    assert texts.get("digest_on_this_day") in output
    assert texts.get("digest_highlights") in output
    assert "<script>" not in output and "&lt;script&gt;标题&lt;/script&gt;" in output
    assert "A &amp; B &lt;i&gt;" in output
    assert kb.item("visits-03").text in output
    # On-this-day comes before the round's items.
    assert output.index(kb.item("visits-03").text) < output.index("A &amp; B")


def test_render_digest_in_english(kb: KnowledgeBase) -> None:
    texts = texts_for("en")
    output = render_digest(kb, build_digest(kb, set(), NO_ANNIVERSARY), texts, NO_ANNIVERSARY)
    assert output.startswith(texts.get("digest_header", date="2026-01-15"))
    assert texts.get("digest_on_this_day") not in output
    assert texts.get("digest_highlights") in output
