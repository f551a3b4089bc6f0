"""Rendering report items and answers as Telegram HTML (and as plain text for the console).

Everything that comes from the data or from a user is escaped here; the only markup in the
output is our own. Messages longer than Telegram's limit are split at line breaks, closing and
reopening any tag that spans the cut.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from bot.report import Item, ItemDate, KnowledgeBase, Report, Section
from bot.search import SearchResult, english_office, pinyin_name
from bot.texts import Html, Texts, escape, texts_for

MESSAGE_LIMIT = 4096
LIST_PAGE = 10  # items per message of a search or month list; "more" shows the next ones
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_TAG = re.compile(r"<(/?)([a-z-]+)([^>]*)>")


def render_date(date: ItemDate | None, texts: Texts) -> str:
    if date is None:
        return ""
    label = texts.convert(date.label)
    if date.year and date.month and date.day:
        return texts.plain(
            "date_full",
            year=date.year,
            month=date.month,
            day=date.day,
            month_name=MONTH_NAMES[date.month - 1],
        )
    if date.year and date.month:
        return texts.plain(
            "date_month", year=date.year, month=date.month, month_name=MONTH_NAMES[date.month - 1]
        )
    if label and date.year:
        return texts.plain("date_label_year", label=label, year=date.year)
    if date.year:
        return texts.plain("date_year", year=date.year)
    return label


def section_title(section: Section, texts: Texts) -> str:
    if texts.language == "en":
        return section.title_en or section.description_en
    return texts.convert(section.title)


def item_title(item: Item, texts: Texts) -> str:
    if texts.language == "en" and item.title_en:
        return item.title_en
    return texts.convert(item.title)


def breadcrumb(kb: KnowledgeBase, item: Item, texts: Texts) -> str:
    return " › ".join(section_title(s, texts) for s in kb.breadcrumb(item))


def translated(item: Item, texts: Texts) -> bool:
    """English readers get the item's translation when the report has one."""
    return texts.language == "en" and bool(item.text_en)


def item_text(item: Item, texts: Texts) -> str:
    """The item's words for this reader: the translation, or the verbatim Chinese."""
    return item.text_en if translated(item, texts) else texts.convert(item.text)


def language_notes(items: Iterable[Item], texts: Texts) -> list[Html]:
    """For English readers: which texts are translations, which are Chinese only."""
    if texts.language != "en":
        return []
    shown = list(items)
    notes = []
    if any(item.text_en for item in shown):
        notes.append(texts.get("translation_note"))
    if any(not item.text_en for item in shown):
        notes.append(texts.get("chinese_only_note"))
    return [Html(f"<i>{note}</i>") for note in notes]


def render_item(kb: KnowledgeBase, item: Item, texts: Texts) -> Html:
    """One item in full: title, where it sits in the report, its date, the quoted text (for
    English readers its translation, labelled as one)."""
    meta = [breadcrumb(kb, item, texts)]
    if source := report_of(kb, item, texts):
        meta.insert(0, source)
    if date := render_date(item.date, texts):
        meta.append(date)
    lines = [
        f"<b>{escape(item_title(item, texts))}</b>",
        f"<i>{escape(' · '.join(meta))}</i>",
    ]
    if translated(item, texts):
        lines.append(f"<i>{texts.get('translation_label')}</i>")
    lines.append(f"<blockquote>{escape(item_text(item, texts))}</blockquote>")
    if texts.language == "en" and not item.text_en:
        lines.append(f"<i>{texts.get('chinese_only_note')}</i>")
    return Html("\n".join(lines))


def item_neighbours(kb: KnowledgeBase, item: Item) -> tuple[Section, int, tuple[Item, ...]]:
    """The item's topic or highlight, its place there (1-based) and that section's items."""
    section = kb.sections[item.section_id]
    items = section.all_items()
    return section, items.index(item) + 1, items


def render_item_detail(kb: KnowledgeBase, item: Item, texts: Texts) -> Html:
    """An item in full with its place in its topic ("本专题第 2/11 条"), for "details" and picks;
    the topic itself is in the item's breadcrumb."""
    _, number, items = item_neighbours(kb, item)
    position = texts.get("item_position", number=number, total=len(items))
    return Html(f"{render_item(kb, item, texts)}\n{position}")


def render_original(kb: KnowledgeBase, item: Item, texts: Texts) -> Html:
    """The Chinese original of a translated item (the "中文原文" button)."""
    chinese = texts_for("zh-hans")
    return Html(f"{texts.get('original_header')}\n{render_item(kb, item, chinese)}")


def render_item_line(kb: KnowledgeBase, item: Item, texts: Texts, index: int | None = None) -> Html:
    """One item as a compact entry of a list: number, date, title, then the quoted text."""
    date = render_date(item.date, texts)
    head = f"{index}. " if index is not None else "• "
    title = escape(item_title(item, texts))
    # With several reports loaded, a list may mix them: each entry says which it is from.
    where = [report_city(kb, item, texts)] if len(kb.reports) > 1 else []
    details = ", ".join(part for part in [*where, date] if part)
    suffix = f" <i>({escape(details)})</i>" if details else ""
    return Html(f"{head}<b>{title}</b>{suffix}\n{escape(item_text(item, texts))}")


def report_city(kb: KnowledgeBase, item: Item, texts: Texts) -> str:
    report = kb.report(item.report_id)
    if texts.language == "en":
        return city_in_english(report) or report.title_en
    return texts.convert(report.city) if report.city else texts.convert(report.title)


def city_in_english(report: Report) -> str:
    """The report's city in English: its city_en, else its pinyin (an ingested 深圳 → Shenzhen)."""
    return report.city_en or pinyin_name(report.city).replace(" ", "").capitalize()


def render_list(
    kb: KnowledgeBase,
    items: Sequence[Item],
    texts: Texts,
    header: str,
    start: int = 1,
    total: int | None = None,
) -> Html:
    """Numbered entries from `start`; when `total` says more follow, how to see them."""
    entries = [render_item_line(kb, item, texts, n) for n, item in enumerate(items, start=start)]
    footer: list[str] = list(language_notes(items, texts))
    rest = (total or 0) - (start - 1 + len(items))
    if rest > 0:
        footer.append(texts.get("list_more_hint", rest=rest))
    return Html("\n\n".join([header, *entries, *footer]))


def render_list_page(
    kb: KnowledgeBase, items: Sequence[Item], texts: Texts, start: int, total: int
) -> Html:
    """The next items of a list, after "more"."""
    header = texts.get("list_more_header", start=start, end=start + len(items) - 1, total=total)
    return render_list(kb, items, texts, header, start, total)


def render_answer(kb: KnowledgeBase, result: SearchResult, texts: Texts) -> Html:
    if result.kind == "none":
        return render_not_found(kb, result, texts)
    if result.kind == "list":
        header = texts.get("answer_list_header", count=len(result.hits))
        if result.section is not None:
            header = texts.get(
                "answer_topic_header",
                topic=section_title(result.section, texts),
                count=len(result.hits),
            )
        items = [h.item for h in result.hits]
        answer = render_list(kb, items[:LIST_PAGE], texts, header, total=len(items))
    else:
        answer = _render_hits(kb, result, texts)
    if result.elsewhere:
        answer = Html(f"{answer}\n\n{render_elsewhere(kb, result.elsewhere, texts)}")
    return answer


def render_elsewhere(kb: KnowledgeBase, report_ids: Sequence[str], texts: Texts) -> Html:
    """A pointer to other cities' reports that answer the question as well."""
    reports = [kb.report(r) for r in report_ids]
    if texts.language == "en":
        cities = ", ".join(dict.fromkeys(city_in_english(r) for r in reports))
    else:
        cities = "、".join(dict.fromkeys(texts.convert(r.city) for r in reports))
    return texts.get("answer_elsewhere", cities=cities)


def _render_hits(kb: KnowledgeBase, result: SearchResult, texts: Texts) -> Html:
    best = result.hits[0].item
    if result.kind == "closest":
        # Below the answer cut-off: quoted faithfully, but framed as the nearest thing.
        return Html(f"{texts.get('answer_closest')}\n\n{render_item(kb, best, texts)}")
    parts: list[str] = [render_item(kb, best, texts)]
    if result.related:
        related = "\n".join(
            f"• {escape(item_title(h.item, texts))}" for h in result.related if h.item != best
        )
        if related:
            parts.append(f"{texts.get('answer_related')}\n{related}")
    return Html("\n\n".join(parts))


def report_title(kb: KnowledgeBase, texts: Texts) -> str:
    return reports_title_en(kb) if texts.language == "en" else reports_title(kb, texts)


def reports_title(kb: KnowledgeBase, texts: Texts) -> str:
    """Every loaded report's title, for texts that put it between 《 and 》."""
    return "》、《".join(texts.convert(r.title) for r in kb.reports)


def reports_title_en(kb: KnowledgeBase) -> str:
    return "; ".join(r.title_en for r in kb.reports)


def report_of(kb: KnowledgeBase, item: Item, texts: Texts) -> str:
    """Which report an item comes from, shown only when more than one is loaded."""
    if len(kb.reports) < 2:
        return ""
    report = kb.report(item.report_id)
    return report.title_en if texts.language == "en" else texts.convert(report.title)


def render_not_found(kb: KnowledgeBase, result: SearchResult, texts: Texts) -> Html:
    question = result.query.cleaned
    question = question if len(question) <= 40 else question[:40] + "…"
    reason = result.reason
    # A greeting, a question about the bot or a task is no question the report fails.
    key = "smalltalk_reply" if reason == "smalltalk" else "not_found"
    message = texts.get(
        key,
        report=reports_title(kb, texts),
        report_en=reports_title_en(kb),
        question=question,
    )
    if reason.startswith("other place: "):
        place = texts.convert(reason.removeprefix("other place: "))
        cities = "、".join(dict.fromkeys(texts.convert(r.city) for r in kb.reports if r.city))
        if texts.language == "en":
            cities = ", ".join(dict.fromkeys(city_in_english(r) for r in kb.reports if r.city))
        reason_text = texts.get("not_found_reason_place", place=place, cities=cities)
        message = Html(f"{message}\n{reason_text}")
    elif reason.startswith("unnamed office holder: "):
        office = texts.convert(reason.removeprefix("unnamed office holder: "))
        if texts.language == "en":
            office = english_office(reason.removeprefix("unnamed office holder: "))
        message = Html(f"{message}\n{texts.get('not_found_reason_office', office=office)}")
    elif reason.startswith("unmentioned person: "):
        person = texts.convert(reason.removeprefix("unmentioned person: "))
        if texts.language == "en":
            person = pinyin_name(person).title() or person  # 韩国瑜 → Han Guoyu
        message = Html(f"{message}\n{texts.get('not_found_reason_person', person=person)}")
    elif reason.startswith("detail: "):
        message = Html(f"{message}\n{texts.get('not_found_reason_detail')}")
    elif reason == "opinion":
        message = Html(f"{message}\n{texts.get('not_found_reason_opinion')}")
    elif reason == "vague":
        message = Html(f"{message}\n{texts.get('not_found_reason_vague')}")
    elif reason.startswith("other edition: "):
        edition = reason.removeprefix("other edition: ")
        message = Html(f"{message}\n{texts.get('not_found_reason_edition', edition=edition)}")
    elif reason.startswith("other year: "):
        years = "、".join(str(r.year) for r in kb.reports)
        message = Html(f"{message}\n{texts.get('not_found_reason_year', year=years)}")
    return message


def render_section(
    kb: KnowledgeBase, section: Section, texts: Texts, page: int, per_page: int
) -> tuple[Html, int]:
    """One page of a topic or highlight; returns the page's HTML and the page count."""
    items = section.all_items()
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 1), pages)
    chunk = items[(page - 1) * per_page : page * per_page]
    header = texts.get("section_header", title=section_title(section, texts), count=len(items))
    if section.kind == "topic" and texts.language != "en":
        header = Html(f"{header}\n<i>{escape(texts.convert(section.description_zh))}</i>")
    entries = [
        render_item_line(kb, item, texts, (page - 1) * per_page + n)
        for n, item in enumerate(chunk, start=1)
    ]
    footer = [*language_notes(chunk, texts)]
    if pages > 1:
        footer.append(texts.get("section_page", page=page, pages=pages))
    return Html("\n\n".join([header, *entries, *footer])), pages


# --------------------------------------------------------------------------- splitting


def _tokens(text: str) -> Iterable[str]:
    """Tags, entities and single characters, so a cut never falls inside one of them."""
    position = 0
    for match in re.finditer(r"<[^>]*>|&[#a-zA-Z0-9]+;", text):
        yield from text[position : match.start()]
        yield match.group(0)
        position = match.end()
    yield from text[position:]


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML into messages of at most `limit` characters, preferring line breaks.

    Open tags are closed at the end of a part and reopened at the start of the next, so every
    part is valid HTML on its own.
    """
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    length = 0
    open_tags: list[tuple[str, str]] = []  # (name, opening tag)
    last_break: int | None = None  # index in `current` just after the last newline
    break_tags: list[tuple[str, str]] = []

    def closing(tags: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(tags))

    def opening(tags: list[tuple[str, str]]) -> str:
        return "".join(tag for _, tag in tags)

    for token in _tokens(text):
        # Room for the token and for closing every tag open after it (its own included).
        opened = _TAG.fullmatch(token)
        after = (
            [*open_tags, (opened.group(2), token)] if opened and not opened.group(1) else open_tags
        )
        reserve = len(closing(after)) + len(token)
        if length + reserve > limit and current:
            if last_break is not None and last_break > 0:
                head, tail = current[:last_break], current[last_break:]
                tags_at_cut = break_tags
            else:
                head, tail, tags_at_cut = current, [], list(open_tags)
            parts.append("".join(head).rstrip("\n") + closing(tags_at_cut))
            current = [opening(tags_at_cut), *tail]
            length = sum(len(t) for t in current)
            last_break, break_tags = None, []
        current.append(token)
        length += len(token)
        if match := _TAG.fullmatch(token):
            name = match.group(2)
            if match.group(1):
                for index in range(len(open_tags) - 1, -1, -1):
                    if open_tags[index][0] == name:
                        del open_tags[index]
                        break
            else:
                open_tags.append((name, token))
        elif token == "\n":
            last_break, break_tags = len(current), list(open_tags)
    if current and "".join(current).strip():
        parts.append("".join(current))
    return [p for p in parts if _visible(p).strip()]


def _visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def to_plain(fragment: str) -> str:
    """HTML as the console shows it."""
    return _visible(fragment)
