"""The report's year as a picture: a PNG timeline of its items (no Telegram here).

Items dated to a month sit in that month's column (January to December, left to right), as a
numbered badge in their topic's colour followed by their short title; labels are packed into
rows so none overlap. Items dated only by a label (春节前夕), only by the year, or not at all
get a lane of their own under the months. A legend maps colours to topics. The numbers match
the caption, which links each number to its item.

`timeline_data` gathers everything the picture shows into a `TimelineData`; `draw_timeline`
turns it into PNG bytes. Equal data draws identical bytes, and `TimelineData.digest()` keys
a cache of uploaded pictures: a change in the data changes the key.

The font is Noto Sans CJK (SIL Open Font License 1.1) from the `noto-cjk-sans-otc` wheel, so
Chinese renders on any machine without system fonts; a Debian `fonts-noto-cjk` install is the
fallback.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.render import item_title, render_date, section_title
from bot.report import Item, KnowledgeBase, Section
from bot.texts import Html, Texts, escape

try:  # a dependency; its absence falls back to a system copy of the font
    import noto_cjk_sans_otc
except ImportError:  # pragma: no cover
    noto_cjk_sans_otc = None

# Bump when the drawing changes, so cached uploads of the old picture are not reused.
LAYOUT_VERSION = 1

WIDTH = 1280  # Telegram shows photos up to 1280 px wide; a phone shows all of it.
MARGIN = 40
TITLE_LIMIT = 20  # characters of an item's short title drawn at most
TITLE_SIZE = 22
HEADING_SIZE = 34
SMALL_SIZE = 19
BADGE_SIZE = 16
ROW = 36  # height of one row of labels
BADGE_H = 24
GAP = 6  # between a badge and its title
SPACING = 18  # at least this much between two labels in one row

BACKGROUND = "#ffffff"
INK = "#1f2328"
MUTED = "#57606a"
RULE = "#d0d7de"
SHADE = "#f3f5f8"
# Ten colours that stay apart from one another and from the grey of the text (Tableau 10).
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip

SYSTEM_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)
FACES = {"zh-hant": "Noto Sans CJK TC"}  # Traditional glyph forms for Traditional text
DEFAULT_FACE = "Noto Sans CJK SC"
CAPTION_LIMIT = 1024


class FontMissingError(RuntimeError):
    """No CJK font was found: install the project's dependencies (noto-cjk-sans-otc)."""


# --------------------------------------------------------------------------- the data drawn


@dataclass(frozen=True, slots=True)
class Entry:
    """One item as the picture shows it."""

    number: int
    item_id: str
    title: str
    color: str
    month: int | None  # None: drawn in the lane of items without a month
    day: int | None = None
    label: str = ""  # the date as words, for items in the lane ("春节前夕")


@dataclass(frozen=True, slots=True)
class LegendEntry:
    label: str
    color: str


@dataclass(frozen=True, slots=True)
class TimelineData:
    language: str
    heading: str
    subheading: str
    months: tuple[str, ...]
    undated_heading: str
    no_months: str
    legend: tuple[LegendEntry, ...]
    entries: tuple[Entry, ...]

    def digest(self) -> str:
        """A key for this exact picture: every string, colour and position drawn."""
        payload = json.dumps(
            {"layout": LAYOUT_VERSION, "width": WIDTH, "data": asdict(self)},
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:40]

    @property
    def dated(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.month is not None)

    @property
    def undated(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.month is None)

    def strings(self) -> Iterable[str]:
        """Every text the picture draws (for checking the font covers them)."""
        yield from (self.heading, self.subheading, self.undated_heading, self.no_months)
        yield from self.months
        yield from (entry.label for entry in self.legend)
        for entry in self.entries:
            yield from (str(entry.number), entry.title, entry.label)


def leaf_sections(kb: KnowledgeBase) -> list[Section]:
    """The sections that hold items themselves (topics without highlights, and highlights):
    each gets its own colour, in report order."""
    return [s for s in kb.sections.values() if s.items]


def section_colors(kb: KnowledgeBase) -> dict[str, str]:
    return {s.id: PALETTE[n % len(PALETTE)] for n, s in enumerate(leaf_sections(kb))}


def short_title(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def timeline_data(kb: KnowledgeBase, texts: Texts, section: Section | None = None) -> TimelineData:
    """What the picture of the whole report (or of one topic or highlight) shows."""
    report = kb.report(section.report_id) if section else kb.reports[0]
    items = list(section.all_items()) if section else list(report.items())
    colors = section_colors(kb)
    on_axis: list[Item] = []
    off_axis: list[tuple[Item, str]] = []
    for item in items:
        date = item.date
        if date and date.month and date.year in (None, report.year):
            on_axis.append(item)
        else:
            if date is None or (date.year == report.year and not date.label):
                label = ""  # the whole picture is this year
            elif date.label and date.year in (None, report.year):
                label = texts.convert(date.label)
            else:
                label = render_date(date, texts)
            off_axis.append((item, label))
    on_axis.sort(key=lambda i: i.sort_key())
    # Items dated by words before items with no date at all; otherwise the report's order.
    off_axis.sort(key=lambda pair: (not pair[1], pair[0].position))
    entries: list[Entry] = []
    for item in on_axis:
        date = item.date
        entries.append(
            Entry(
                number=len(entries) + 1,
                item_id=item.id,
                title=short_title(texts.convert(item.title)),
                color=colors[item.section_id],
                month=date.month if date else None,
                day=date.day if date else None,
            )
        )
    for item, label in off_axis:
        entries.append(
            Entry(
                number=len(entries) + 1,
                item_id=item.id,
                title=short_title(texts.convert(item.title)),
                color=colors[item.section_id],
                month=None,
                label=label,
            )
        )
    shown = {item.section_id for item in items}
    legend = tuple(
        # English legends use the short description: the full English titles do not fit.
        LegendEntry(
            s.description_en if texts.language == "en" else section_title(s, texts), colors[s.id]
        )
        for s in leaf_sections(kb)
        if s.id in shown
    )
    report_name = texts.convert(report.title) if texts.language != "en" else report.title_en
    heading = section_title(section, texts) if section else report_name
    subheading = texts.plain(
        "timeline_subheading_topic" if section else "timeline_subheading",
        report=report_name,
        year=report.year,
        count=len(entries),
    )
    months = tuple(str(m) for m in texts.raw("timeline_months"))
    if len(months) != 12:
        raise ValueError("timeline_months must name the twelve months")
    return TimelineData(
        language=texts.language,
        heading=heading,
        subheading=subheading,
        months=months,
        undated_heading=texts.plain("timeline_undated"),
        no_months=texts.plain("timeline_no_months"),
        legend=legend,
        entries=tuple(entries),
    )


# --------------------------------------------------------------------------- caption


def deep_link(username: str, item_id: str) -> str:
    return f"https://t.me/{username}?start=item_{item_id}"


def render_caption(
    kb: KnowledgeBase,
    data: TimelineData,
    texts: Texts,
    username: str | None,
    limit: int = CAPTION_LIMIT,
) -> Html:
    """The photo's caption: the heading, then each number with its item's title, linked to the
    item (a deep link into the bot). Entries that do not fit Telegram's 1,024 characters are
    summed up in a last line."""
    head = f"<b>{escape(data.heading)}</b>"
    visible = len(data.heading)
    lines = [head]
    for index, entry in enumerate(data.entries):
        item = kb.item(entry.item_id)
        title = item_title(item, texts) if item else entry.title
        label = f"{entry.number} {title}"
        rest = len(data.entries) - index - 1
        tail = texts.plain("timeline_caption_more", count=rest) if rest else ""
        if visible + 1 + len(label) + (1 + len(tail) if tail else 0) > limit:
            more = texts.plain("timeline_caption_more", count=len(data.entries) - index)
            lines.append(escape(more))
            break
        if username:
            href = html.escape(deep_link(username, entry.item_id), quote=True)
            lines.append(f'{entry.number} <a href="{href}">{escape(title)}</a>')
        else:
            lines.append(escape(label))
        visible += 1 + len(label)
    return Html("\n".join(lines))


# --------------------------------------------------------------------------- fonts


def font_path() -> Path:
    """Noto Sans CJK from its wheel; a system copy if the wheel is missing."""
    if noto_cjk_sans_otc is not None:
        path = Path(str(noto_cjk_sans_otc.FONT_PATH))
        if path.is_file():
            return path
    for candidate in SYSTEM_FONTS:
        if candidate.is_file():
            return candidate
    raise FontMissingError(
        "no CJK font: install the project (pip install -e .) to get noto-cjk-sans-otc"
    )


@lru_cache(maxsize=4)
def face_index(path: Path, family: str) -> int:
    """The index of `family` in a font collection (0 if it is not there)."""
    index = 0
    while True:
        try:
            font = ImageFont.truetype(str(path), 12, index=index)
        except OSError:
            return 0
        if font.getname()[0] == family:
            return index
        index += 1


@dataclass(frozen=True)
class Fonts:
    heading: ImageFont.FreeTypeFont
    title: ImageFont.FreeTypeFont
    small: ImageFont.FreeTypeFont
    badge: ImageFont.FreeTypeFont

    @classmethod
    def load(cls, language: str, path: Path | None = None) -> Fonts:
        # Loaded per picture, not shared: FreeType faces are not safe across threads.
        path = path or font_path()
        index = face_index(path, FACES.get(language, DEFAULT_FACE))

        def sized(size: int) -> ImageFont.FreeTypeFont:
            return ImageFont.truetype(str(path), size, index=index)

        return cls(sized(HEADING_SIZE), sized(TITLE_SIZE), sized(SMALL_SIZE), sized(BADGE_SIZE))


# --------------------------------------------------------------------------- layout

Box = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True, slots=True)
class Placed:
    entry: Entry
    badge: Box
    title_at: tuple[int, int]  # left, vertical middle
    title_box: Box
    label_at: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    legend_top: int
    legend_columns: int
    legend_column_width: int
    axis_top: int  # top of the month names
    rows_top: int
    rows_bottom: int
    lane_top: int | None
    placed: tuple[Placed, ...]

    def column(self, month: int) -> tuple[int, int]:
        width = (self.width - 2 * MARGIN) / 12
        return round(MARGIN + (month - 1) * width), round(MARGIN + month * width)


def _text_width(font: ImageFont.FreeTypeFont, text: str) -> int:
    return round(font.getlength(text)) if text else 0


def _badge_width(fonts: Fonts, number: int) -> int:
    return max(BADGE_H + 4, _text_width(fonts.badge, str(number)) + 14)


def layout_timeline(data: TimelineData, fonts: Fonts) -> Layout:
    """Where everything goes; drawing follows it exactly (tests look at these boxes)."""
    inner = WIDTH - 2 * MARGIN
    y = MARGIN + HEADING_SIZE + 14 + SMALL_SIZE + 26
    # Legend: as many columns as the longest label allows.
    legend_top = y
    swatch = 18
    widest = max((_text_width(fonts.small, e.label) for e in data.legend), default=0)
    column_width = swatch + 8 + widest + 32
    columns = max(1, min(len(data.legend) or 1, inner // column_width))
    column_width = inner // columns
    legend_rows = -(-len(data.legend) // columns)
    y += legend_rows * 30 + 22
    axis_top = y
    rows_top = axis_top + SMALL_SIZE + 22
    # Dated items: first row where the label does not overlap another.
    rows: list[list[tuple[int, int]]] = []
    placed: list[Placed] = []
    month_width = inner / 12
    for entry in data.dated:
        month = entry.month or 1
        center = round(MARGIN + (month - 0.5) * month_width)
        badge_w = _badge_width(fonts, entry.number)
        title_w = _text_width(fonts.title, entry.title)
        left = center - badge_w // 2
        right = left + badge_w + GAP + title_w
        leftwards = right > WIDTH - MARGIN
        if leftwards:  # near December the title goes on the badge's left
            right = center + badge_w - badge_w // 2
            left = right - badge_w - GAP - title_w
            left = max(left, MARGIN)
        row = next(
            (
                n
                for n, taken in enumerate(rows)
                if all(right + SPACING <= a or left >= b + SPACING for a, b in taken)
            ),
            len(rows),
        )
        if row == len(rows):
            rows.append([])
        rows[row].append((left, right))
        middle = rows_top + row * ROW + ROW // 2
        badge_left = right - badge_w if leftwards else left
        badge = (badge_left, middle - BADGE_H // 2, badge_left + badge_w, middle + BADGE_H // 2)
        title_left = left if leftwards else left + badge_w + GAP
        title_box = (title_left, middle - ROW // 2 + 4, title_left + title_w, middle + ROW // 2 - 4)
        placed.append(Placed(entry, badge, (title_left, middle), title_box))
    rows_bottom = rows_top + max(1, len(rows)) * ROW + 10
    y = rows_bottom + 24
    # The lane: items without a month, in a grid.
    lane_top: int | None = None
    undated = data.undated
    if undated:
        lane_top = y
        y += SMALL_SIZE + 20
        widths = []
        for entry in undated:
            width = _badge_width(fonts, entry.number) + GAP + _text_width(fonts.title, entry.title)
            if entry.label:
                width += GAP + _text_width(fonts.small, entry.label)
            widths.append(width)
        lane_columns = max(1, min(4, inner // (max(widths) + SPACING * 2)))
        cell = inner // lane_columns
        for n, entry in enumerate(undated):
            row, col = divmod(n, lane_columns)
            left = MARGIN + col * cell
            middle = y + row * ROW + ROW // 2
            badge_w = _badge_width(fonts, entry.number)
            badge = (left, middle - BADGE_H // 2, left + badge_w, middle + BADGE_H // 2)
            title_left = left + badge_w + GAP
            title_w = _text_width(fonts.title, entry.title)
            title_box = (
                title_left,
                middle - ROW // 2 + 4,
                title_left + title_w,
                middle + ROW // 2 - 4,
            )
            label_at = (title_left + title_w + GAP, middle) if entry.label else None
            placed.append(Placed(entry, badge, (title_left, middle), title_box, label_at))
        y += -(-len(undated) // lane_columns) * ROW
    height = y + MARGIN
    return Layout(
        width=WIDTH,
        height=height,
        legend_top=legend_top,
        legend_columns=columns,
        legend_column_width=column_width,
        axis_top=axis_top,
        rows_top=rows_top,
        rows_bottom=rows_bottom,
        lane_top=lane_top,
        placed=tuple(placed),
    )


# --------------------------------------------------------------------------- drawing


def _on(color: str) -> str:
    """Dark or white text, whichever reads better on `color`."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 165 else "#ffffff"


def draw_timeline(data: TimelineData, font: Path | None = None) -> bytes:
    """The picture as PNG bytes; the same data always gives the same bytes."""
    fonts = Fonts.load(data.language, font)
    layout = layout_timeline(data, fonts)
    image = Image.new("RGB", (layout.width, layout.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    # Heading.
    draw.text((MARGIN, MARGIN), data.heading, font=fonts.heading, fill=INK, anchor="lt")
    draw.text(
        (MARGIN, MARGIN + HEADING_SIZE + 14),
        data.subheading,
        font=fonts.small,
        fill=MUTED,
        anchor="lt",
    )
    # Legend.
    for n, key in enumerate(data.legend):
        row, col = divmod(n, layout.legend_columns)
        left = MARGIN + col * layout.legend_column_width
        middle = layout.legend_top + row * 30 + 15
        draw.rounded_rectangle((left, middle - 9, left + 18, middle + 9), 4, fill=key.color)
        draw.text((left + 26, middle), key.label, font=fonts.small, fill=INK, anchor="lm")
    # Months: shaded columns, names, the axis.
    for month in range(1, 13):
        left, right = layout.column(month)
        if month % 2 == 0:
            draw.rectangle((left, layout.axis_top - 6, right, layout.rows_bottom), fill=SHADE)
        draw.text(
            ((left + right) // 2, layout.axis_top + SMALL_SIZE // 2 + 2),
            data.months[month - 1],
            font=fonts.small,
            fill=MUTED,
            anchor="mm",
        )
    axis_y = layout.rows_top - 8
    draw.line((MARGIN, axis_y, WIDTH - MARGIN, axis_y), fill=RULE, width=2)
    if not data.dated:
        draw.text(
            (WIDTH // 2, layout.rows_top + ROW // 2),
            data.no_months,
            font=fonts.small,
            fill=MUTED,
            anchor="mm",
        )
    # The lane's heading.
    if layout.lane_top is not None:
        draw.text(
            (MARGIN, layout.lane_top),
            data.undated_heading,
            font=fonts.small,
            fill=MUTED,
            anchor="lt",
        )
        rule_y = layout.lane_top + SMALL_SIZE + 8
        draw.line((MARGIN, rule_y, WIDTH - MARGIN, rule_y), fill=RULE, width=2)
    # Entries: badge, number, title (and the date in words, in the lane).
    for spot in layout.placed:
        entry = spot.entry
        draw.rounded_rectangle(spot.badge, 7, fill=entry.color)
        left, top, right, bottom = spot.badge
        draw.text(
            ((left + right) // 2, (top + bottom) // 2),
            str(entry.number),
            font=fonts.badge,
            fill=_on(entry.color),
            anchor="mm",
        )
        draw.text(spot.title_at, entry.title, font=fonts.title, fill=INK, anchor="lm")
        if spot.label_at is not None:
            draw.text(spot.label_at, entry.label, font=fonts.small, fill=MUTED, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
