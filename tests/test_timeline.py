"""/timeline: the picture (bot/timeline.py, no Telegram) and the command over the emulator."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageStat
from telegram.error import BadRequest

from bot import timeline
from bot.emulator import BotApiEmulator, UploadedFile
from bot.report import KnowledgeBase
from bot.texts import LANGUAGES, texts_for
from bot.timeline import (
    DEFAULT_FACE,
    FACES,
    WIDTH,
    FontMissingError,
    Fonts,
    Layout,
    TimelineData,
    draw_timeline,
    face_index,
    font_path,
    layout_timeline,
    render_caption,
    timeline_data,
)
from handlers.timeline import PHOTOS_KEY, PhotoCache
from tests.conftest import USER_ID, RunningBot, eventually

ZH = texts_for("zh-hans")


@pytest.fixture(scope="module")
def year(kb: KnowledgeBase) -> TimelineData:
    return timeline_data(kb, ZH)


@pytest.fixture(scope="module")
def year_png(year: TimelineData) -> bytes:
    return draw_timeline(year)


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image


def layout_of(data: TimelineData) -> Layout:
    return layout_timeline(data, Fonts.load(data.language))


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# --------------------------------------------------------------------------- the data


def test_every_item_is_drawn_once_dated_ones_in_date_order(
    kb: KnowledgeBase, year: TimelineData
) -> None:
    assert sorted(e.item_id for e in year.entries) == sorted(kb.items)
    assert [e.number for e in year.entries] == list(range(1, len(kb.items) + 1))
    months = [e.month or 0 for e in year.dated]
    assert months == sorted(months) and months[0] >= 1
    # Dated entries come first, so the numbers read left to right, then the lane.
    assert year.entries[: len(year.dated)] == year.dated


def test_items_without_a_month_get_the_lane_with_their_date_in_words(
    year: TimelineData,
) -> None:
    by_id = {e.item_id: e for e in year.entries}
    assert by_id["visits-11"].month is None and by_id["visits-11"].label == "春节前夕"
    assert by_id["awards-01"].month is None and by_id["awards-01"].label == ""  # undated
    assert by_id["awards-06"].month is None and by_id["awards-06"].label == ""  # only "2023"
    assert by_id["visits-02"].month == 7
    # Dated by words first, then the undated, in report order.
    assert year.undated[0].item_id == "visits-11"


def test_titles_are_short_and_colours_follow_the_topic(
    kb: KnowledgeBase, year: TimelineData
) -> None:
    assert all(0 < len(e.title) <= timeline.TITLE_LIMIT for e in year.entries)
    assert timeline.short_title("一" * 25) == "一" * 19 + "…"
    colours = {kb.items[e.item_id].section_id: e.color for e in year.entries}
    assert len(set(colours.values())) == len(colours) == 9  # one colour per topic/highlight
    for entry in year.entries:
        assert colours[kb.items[entry.item_id].section_id] == entry.color
    assert {key.color for key in year.legend} == set(colours.values())
    assert year.legend[0].label == "各级领导高度重视广州对台工作"


def test_one_topic_draws_only_its_items_in_the_same_colour(
    kb: KnowledgeBase, year: TimelineData
) -> None:
    youth = timeline_data(kb, ZH, kb.commands["youth"])
    assert {e.item_id for e in youth.entries} == {i.id for i in kb.commands["youth"].items}
    assert [key.label for key in youth.legend] == ["支持台青筑梦圆梦"]
    whole = {e.item_id: e.color for e in year.entries}
    assert all(whole[e.item_id] == e.color for e in youth.entries)
    highlights = timeline_data(kb, ZH, kb.commands["highlights"])
    assert len(highlights.legend) == 7  # a topic of highlights: one colour per highlight


def test_the_digest_follows_the_data(kb: KnowledgeBase, year: TimelineData) -> None:
    assert timeline_data(kb, ZH).digest() == year.digest()
    changed = replace(year, entries=(replace(year.entries[0], title="改了"), *year.entries[1:]))
    assert changed.digest() != year.digest()
    assert timeline_data(kb, texts_for("zh-hant")).digest() != year.digest()
    assert timeline_data(kb, ZH, kb.commands["youth"]).digest() != year.digest()


# --------------------------------------------------------------------------- the picture


def test_the_picture_is_a_phone_sized_png(year_png: bytes) -> None:
    image = decode(year_png)
    assert image.width == WIDTH == 1280
    assert 800 <= image.height <= 2500
    assert image.mode == "RGB"


def test_the_same_data_draws_the_same_bytes(year: TimelineData, year_png: bytes) -> None:
    assert draw_timeline(year) == year_png


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_font_has_a_glyph_for_every_character_drawn(kb: KnowledgeBase, language: str) -> None:
    texts = texts_for(language)  # type: ignore[arg-type]
    path = font_path()
    index = face_index(path, FACES.get(language, DEFAULT_FACE))
    font = TTFont(str(path), fontNumber=index, lazy=True)
    assert font["name"].getDebugName(1) == FACES.get(language, DEFAULT_FACE)
    cmap = font.getBestCmap()
    drawn = [timeline_data(kb, texts)]
    drawn += [timeline_data(kb, texts, section) for section in kb.sections.values()]
    characters = {ch for data in drawn for text in data.strings() for ch in text}
    missing = sorted(ch for ch in characters if not ch.isspace() and ord(ch) not in cmap)
    assert not missing, f"no glyph for {missing}"
    assert {"宋", "涛", "臺", "灣", "“", "《", "…"} <= {chr(c) for c in cmap}


def test_every_title_is_drawn_where_the_layout_says(year: TimelineData, year_png: bytes) -> None:
    image = decode(year_png).convert("L")
    layout = layout_of(year)
    assert len(layout.placed) == len(year.entries)
    for spot in layout.placed:
        left, top, right, bottom = spot.title_box
        assert 0 <= left < right <= image.width and 0 <= top < bottom <= image.height
        region = image.crop(spot.title_box)
        variance = ImageStat.Stat(region).var[0]
        assert variance > 500, f"title of {spot.entry.item_id} looks blank ({variance:.0f})"
        dark = sum(region.histogram()[:128])
        assert dark > len(spot.entry.title) * 10  # ink for every character, not a few boxes
    # A control: the margin is blank.
    assert ImageStat.Stat(image.crop((0, 0, 30, image.height))).var[0] < 1


def test_labels_sit_in_their_month_and_never_overlap(year: TimelineData) -> None:
    layout = layout_of(year)
    for spot in layout.placed:
        if spot.entry.month is None:
            assert layout.lane_top is not None and spot.badge[1] > layout.lane_top
            continue
        left, right = layout.column(spot.entry.month)
        assert left <= (spot.badge[0] + spot.badge[2]) / 2 <= right
        assert layout.rows_top <= spot.badge[1] and spot.badge[3] <= layout.rows_bottom
    boxes = [box for spot in layout.placed for box in (spot.badge, spot.title_box)]
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            assert not overlaps(a, b), (a, b)
    assert all(spot.title_box[2] <= WIDTH - timeline.MARGIN for spot in layout.placed)


def test_topics_with_and_without_months_draw(kb: KnowledgeBase) -> None:
    for command in ("youth", "awards", "policy"):
        data = timeline_data(kb, ZH, kb.commands[command])
        image = decode(draw_timeline(data))
        assert image.width == WIDTH and 300 <= image.height < 900
    awards = timeline_data(kb, ZH, kb.commands["awards"])
    assert not awards.dated  # only the lane, and a note in the empty months


def test_traditional_and_english_pictures(kb: KnowledgeBase) -> None:
    hant = timeline_data(kb, texts_for("zh-hant"))
    assert any("臺" in e.title for e in hant.entries)
    english = timeline_data(kb, texts_for("en"))
    assert english.months[0] == "Jan" and english.legend[0].label.startswith("Topic 1")
    assert english.entries[0].title == year_title(kb, english.entries[0].item_id)
    assert decode(draw_timeline(english)).width == WIDTH


def year_title(kb: KnowledgeBase, item_id: str) -> str:
    """The picture always shows the short Chinese title (English ones are too long for it)."""
    return kb.items[item_id].title


def test_without_the_font_package_a_system_font_is_used_or_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(timeline, "noto_cjk_sans_otc", None)
    monkeypatch.setattr(timeline, "SYSTEM_FONTS", ())
    with pytest.raises(FontMissingError, match="noto-cjk-sans-otc"):
        font_path()
    system = tmp_path / "NotoSansCJK-Regular.ttc"
    system.write_bytes(b"")
    monkeypatch.setattr(timeline, "SYSTEM_FONTS", (tmp_path / "absent.ttc", system))
    assert font_path() == system


# --------------------------------------------------------------------------- the caption


def visible(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text)


def test_caption_links_every_number_to_its_item(kb: KnowledgeBase, year: TimelineData) -> None:
    caption = render_caption(kb, year, ZH, "gz_report_bot")
    assert len(visible(caption)) <= 1024
    links = re.findall(r'<a href="https://t\.me/gz_report_bot\?start=item_([\w-]+)">', caption)
    assert links == [e.item_id for e in year.entries]
    assert "1 <a href=" in caption


def test_a_long_caption_ends_with_how_many_more(kb: KnowledgeBase) -> None:
    english = texts_for("en")
    data = timeline_data(kb, english)
    caption = render_caption(kb, data, english, "gz_report_bot")
    text = visible(caption)
    assert len(text) <= 1024
    shown = caption.count("<a href=")
    assert 5 < shown < len(data.entries)
    assert text.endswith(f"… and {len(data.entries) - shown} more: /topics")
    assert "Song Tao" in text or "Revised" in text  # English titles in the English caption


def test_caption_without_a_username_has_no_links(kb: KnowledgeBase) -> None:
    data = timeline_data(kb, ZH, kb.commands["youth"])
    caption = render_caption(kb, data, ZH, None)
    assert "<a " not in caption and "1 成立台湾青年志愿者服务总队" in caption


# --------------------------------------------------------------------------- end to end


def uploads(emulator: BotApiEmulator) -> list[UploadedFile]:
    return [
        c.params["photo"]
        for c in emulator.calls
        if c.method == "sendPhoto" and isinstance(c.params.get("photo"), UploadedFile)
    ]


def photo_file_id(message: object) -> str:
    photo = getattr(message, "message", {}).get("photo") or []
    return str(photo[-1]["file_id"])


async def test_timeline_sends_a_photo_and_reuses_its_file_id(running_bot: RunningBot) -> None:
    emulator = running_bot.emulator
    (first,) = await running_bot.say(USER_ID, "/timeline")
    assert first.method == "sendPhoto"
    (upload,) = uploads(emulator)
    image = decode(upload.content)
    assert image.width == 1280
    caption = first.plain or ""
    assert caption.startswith("2023年广州市对台工作成果及亮点") and "宋涛考察汇龙科技园" in caption
    links = [e for e in first.message.get("caption_entities", []) if e["type"] == "text_link"]
    assert links and links[0]["url"].startswith("https://t.me/gz_report_bot?start=item_")
    assert "TL youth" in first.callback_data  # each topic's own picture, one press away

    (second,) = await running_bot.say(USER_ID, "/timeline")
    assert second.method == "sendPhoto"
    assert len(uploads(emulator)) == 1  # no second upload
    last = [c for c in emulator.calls if c.method == "sendPhoto"][-1]
    assert last.params["photo"] == photo_file_id(first)
    assert photo_file_id(second) == photo_file_id(first)


async def test_timeline_of_one_topic_by_argument_and_by_button(running_bot: RunningBot) -> None:
    emulator = running_bot.emulator
    (youth,) = await running_bot.say(USER_ID, "/timeline youth")
    assert youth.method == "sendPhoto"
    assert "成立台湾青年志愿者服务总队" in (youth.plain or "")
    assert "宋涛" not in (youth.plain or "")
    assert {"SEC youth 1 new", "TL"} <= set(youth.callback_data)
    (menu,) = await running_bot.say(USER_ID, "/topics")
    assert "TL" in menu.callback_data
    (section,) = await running_bot.say(USER_ID, "/economy")
    assert "TL economy" in section.callback_data
    before = len(running_bot.bot_messages(USER_ID))
    emulator.callback_query(USER_ID, USER_ID, section.message_id, "TL economy")
    (economy,) = await running_bot.wait_messages(USER_ID, before + 1)
    assert economy.method == "sendPhoto" and "穗台经贸论坛" in (economy.plain or "")
    emulator.callback_query(USER_ID, USER_ID, youth.message_id, "TL youth")
    (again,) = await running_bot.wait_messages(USER_ID, before + 2)
    assert photo_file_id(again) == photo_file_id(youth)
    assert len(uploads(emulator)) == 2  # youth and economy, each drawn once


async def test_unknown_topic_lists_the_valid_ones(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID, "/timeline <nope>")
    text = reply.plain or ""
    assert "<nope>" in text and reply.method == "sendMessage"
    for command in ("/timeline youth", "/timeline economy", "/timeline visits"):
        assert command in text


async def test_a_refused_file_id_is_uploaded_again(
    running_bot: RunningBot, kb: KnowledgeBase
) -> None:
    emulator = running_bot.emulator
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await running_bot.application.bot.send_photo(USER_ID, "no-such-file-id")
    (first,) = await running_bot.say(USER_ID, "/timeline story")
    cache: PhotoCache = running_bot.application.bot_data[PHOTOS_KEY]
    await eventually(lambda: len(cache) == 1)  # stored once Telegram answered the upload
    key = timeline_data(kb, ZH, kb.commands["story"]).digest()
    assert cache.get(key) == photo_file_id(first)
    cache.put(key, "expired-file-id")
    (second,) = await running_bot.say(USER_ID, "/timeline story")
    assert second.method == "sendPhoto"
    assert len(uploads(emulator)) == 2
    await eventually(lambda: cache.get(key) == photo_file_id(second))


async def test_timeline_is_in_the_command_menus(running_bot: RunningBot) -> None:
    for scope in ({"type": "all_private_chats"}, {"type": "all_group_chats"}):
        names = {c["command"] for c in running_bot.emulator.commands(scope=scope)}
        assert "timeline" in names
