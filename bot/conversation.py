"""Conversation context: follow-ups such as "more", "the second one", "details" and "那11月呢？".

Plain Python, no Telegram: the handlers keep one `Conversation` per private chat (and per user in
a group), pass it to `Dialogue.respond` with the message, render the `Reply`, and tell the
conversation what they showed (`saw_answer`, `saw_section`, `saw_page`, `saw_item`).

A message counts as a follow-up only when it is a short fixed phrase ("还有吗", "第二条",
"details"), a bare number right after a list, or an elliptic question ("那11月呢？", "他还去了
哪里？", "how many people attended it?") that the last question's frame completes. Anything else
is a new question and is searched on its own, so a wrong reading never sticks: a fresh, complete
question always wins over the context, and the context expires after `CONTEXT_TTL` of silence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from bot.normalize import (
    TRADITIONAL,
    clean_text,
    compact,
    detect_script,
    english_words,
    has_cjk,
    normalize,
    traditional_by_example,
)
from bot.render import LIST_PAGE
from bot.report import Item, KnowledgeBase, Section
from bot.search import Hit, ReportIndex, SearchResult

CONTEXT_TTL = timedelta(minutes=15)
CONTEXT_KEY = "conversation"  # chat_data key in private chats
GROUP_CONTEXTS_KEY = "conversations"  # chat_data key in groups: {user id: Conversation}
SECTION_PAGE = 5  # items per page of a topic (the topic menu's paging)
ELLIPSIS_MAX_CHARS = 16  # an elliptic Chinese question is short ("这个活动有多少人参加")
ELLIPSIS_MAX_WORDS = 9
STRONG = 0.8  # a plain answer this sure beats a context that finds nothing

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Frame:
    """What the last question was about; an elliptic question changes one part of it."""

    question: str = ""  # as asked (cleaned)
    months: tuple[int, ...] = ()
    person: str = ""  # canonical (Chinese) name
    item_id: str = ""  # the item answered
    topic_id: str = ""
    report_id: str = ""


@dataclass(frozen=True, slots=True)
class ShownList:
    """A list the person is reading: its items, and how many of them were shown so far."""

    item_ids: tuple[str, ...]
    shown: int
    section_id: str = ""  # a topic or highlight, paged by SECTION_PAGE; "" for search lists
    numbered: bool = True  # shown with numbers, so "第二条" can refer to it

    @property
    def total(self) -> int:
        return len(self.item_ids)


@dataclass(slots=True)
class Conversation:
    """One person's context: what was asked last, the list being read, the last item. The
    handlers keep it in `chat_data` (per user in groups); it lives in memory only."""

    updated: datetime | None = None
    frame: Frame | None = None
    listing: ShownList | None = None  # the list being read
    item_id: str = ""  # the last item shown on its own
    last_was_list: bool = False  # the bot's last message was a numbered list

    def expired(self, now: datetime) -> bool:
        return self.updated is not None and now - self.updated > CONTEXT_TTL

    def reset(self) -> None:
        self.frame, self.listing, self.item_id, self.last_was_list = None, None, "", False

    def touch(self, now: datetime) -> None:
        self.updated = now

    # -- what the bot showed

    def saw_answer(self, question: str, result: SearchResult, vocabulary: Vocabulary) -> None:
        """After an answer: the frame of the question, and what "more" continues with."""
        best = result.best.item if result.best and result.kind == "single" else None
        self.frame = vocabulary.frame(question, best)
        if result.kind == "list":
            ids = tuple(h.item.id for h in result.hits)
            self.listing = ShownList(ids, min(LIST_PAGE, len(ids)))
            self.item_id, self.last_was_list = "", True
        elif best is not None:
            related = tuple(h.item.id for h in result.related if h.item != best)
            if related:
                self.listing = ShownList(related, 0, numbered=False)
            else:
                section = vocabulary.kb.sections[best.section_id]
                ids = tuple(i.id for i in section.all_items())
                self.listing = ShownList(ids, 0, section.id, numbered=False)
            self.item_id, self.last_was_list = best.id, False
        else:
            # "Not in the report": nothing to continue or detail; the frame stays, so "那11月呢"
            # can still change the question.
            self.listing, self.item_id, self.last_was_list = None, "", False

    def saw_section(self, section: Section, page: int, per_page: int = SECTION_PAGE) -> None:
        ids = tuple(i.id for i in section.all_items())
        pages = max(1, -(-len(ids) // per_page))
        page = min(max(page, 1), pages)
        self.listing = ShownList(ids, min(page * per_page, len(ids)), section.id)
        self.frame = Frame(topic_id=section.id, report_id=section.report_id)
        self.item_id, self.last_was_list = "", True

    def saw_month(self, month: int, items: tuple[Item, ...]) -> None:
        ids = tuple(i.id for i in items)
        self.listing = ShownList(ids, min(LIST_PAGE, len(ids)))
        self.frame = Frame(question=f"{month}月有哪些活动", months=(month,))
        self.item_id, self.last_was_list = "", True

    def saw_page(self, shown: int) -> None:
        if self.listing is not None:
            self.listing = replace(self.listing, shown=shown, numbered=True)
        self.last_was_list = True

    def saw_item(self, item: Item) -> None:
        self.item_id = item.id
        frame = self.frame or Frame()
        self.frame = replace(
            frame,
            item_id=item.id,
            person=item.people[0].name if len(item.people) == 1 else frame.person,
            topic_id=item.section_id,
            report_id=item.report_id,
        )
        self.last_was_list = False


def current(store: MutableMapping[Any, Any], key: Any, now: datetime) -> Conversation:
    """The live conversation under `key`, a fresh one when there is none or it expired."""
    conversation = store.get(key)
    if not isinstance(conversation, Conversation) or conversation.expired(now):
        conversation = store[key] = Conversation()
    return conversation


# --------------------------------------------------------------------------- classifying

FollowUpKind = Literal["more", "pick", "elaborate", "ellipsis"]
Slot = Literal["month", "person", "person-anaphor", "item-anaphor", "item-detail"]

_MORE = frozenset(
    {"还有吗", "还有呢", "还有么", "还有没有", "还有吗还有", "更多", "更多的", "更多内容",
     "继续", "接着", "下一页", "下页", "再来", "再来点", "再多点", "还有别的吗", "其他的呢",
     "more", "next", "showmore", "anymore", "nextpage", "continue", "moreplease", "andmore",
     "anythingelse", "whatelse"}
)  # fmt: skip
_ELABORATE = frozenset(
    {"详细说说", "详细点", "详细一点", "详细一些", "说详细点", "说详细一点", "详细", "详情",
     "具体呢", "具体说说", "具体点", "具体一点", "具体", "原文", "看原文", "全文", "展开说说",
     "展开", "说说这条", "details", "detail", "moredetails", "showdetails", "tellmemore",
     "tellmemoreaboutit", "tellmemoreaboutthat", "moreaboutit", "fulltext", "inmoredetail",
     "elaborate", "thefulltext", "original"}
)  # fmt: skip
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_CN_NUMBER = "[一二两三四五六七八九十]{1,3}"
_PICK_CN = re.compile(
    rf"^(?:看|要|打开|选)?(第)?([0-9]{{1,3}}|{_CN_NUMBER})(条|个|项|则|篇|件|点)?(?:吧|呢|内容|的内容)?$"
)
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1}  # fmt: skip
_PICK_EN = re.compile(
    r"^(?:showme|show|open|giveme|pick)?(?:the)?(?:number|no|item)?"
    r"([0-9]{1,3}|[0-9]{1,3}(?:st|nd|rd|th)|" + "|".join(_EN_ORDINALS) + r")(?:one|item)?$"
)
_CN_MONTH = re.compile(rf"(?<![0-9])(1[0-2]|0?[1-9]|{_CN_NUMBER})月份?")
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")  # fmt: skip
_EN_MONTH = re.compile(r"\b(" + "|".join(_EN_MONTHS) + r")\b", re.IGNORECASE)
_CN_LEAD = re.compile(r"^(?:那么|那|还有|另外|然后)")
_CN_TAIL = re.compile(r"(?:的呢|呢|吗|么|的)$")
_EN_LEAD = re.compile(r"^\s*(?:and|so|then)?\s*(?:what|how)\s+about\s+|^\s*and\s+", re.I)
_CN_PERSON_ANAPHORS = ("他们", "她们", "他", "她")
_CN_ITEM_ANAPHORS = ("这个活动", "这次活动", "该活动", "那个活动", "那次活动", "此次活动",
                     "这项活动", "这项工作", "这件事", "这个项目", "此活动", "它")  # fmt: skip
_EN_PERSON_ANAPHORS = ("he", "she", "him", "his", "her", "they", "them")
_EN_ITEM_ANAPHORS = ("this event", "that event", "the event", "this activity", "that activity",
                     "it")  # fmt: skip
_NUMBER_WORDS = re.compile(r"多少|几[个家人名位场次篇届期条部所]|howmany|howmuch|numberof")
_ELSE_WORDS = ("还", "别的", "其他", "另外", "else", "other")


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23; digits as they are."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0))
    return _CN_DIGITS.get(text, 0)


@dataclass(frozen=True, slots=True)
class FollowUp:
    kind: FollowUpKind
    number: int = 0  # pick: 1-based, -1 for "the last one"
    bare: bool = False  # pick: only a number, a pick only right after a list
    slot: Slot | None = None  # ellipsis: the part of the last question that changes
    value: str = ""  # ellipsis: the new month ("11") or person (canonical name)


def _pick(normalized: str) -> FollowUp | None:
    if match := _PICK_CN.match(normalized):
        ordinal, number, classifier = match.groups()
        bare = not ordinal and not classifier
        if bare and not number.isdigit():
            return None  # a lone "三" is not a pick
        value = chinese_number(number)
        return FollowUp("pick", value, bare=bare) if value > 0 else None
    if match := _PICK_EN.match(normalized):
        word = match.group(1)
        digits = re.match(r"[0-9]+", word)
        value = int(digits.group(0)) if digits else _EN_ORDINALS[word]
        return FollowUp("pick", value) if value != 0 else None
    return None


@dataclass
class Vocabulary:
    """The names a follow-up can change: people of the report, Chinese and English."""

    kb: KnowledgeBase
    people: dict[str, str] = field(default_factory=dict)  # normalized name → canonical
    english: dict[str, str] = field(default_factory=dict)  # canonical → English name
    english_names: dict[str, str] = field(default_factory=dict)  # lower English → canonical

    def __post_init__(self) -> None:
        for item in self.kb.items.values():
            for person in item.people:
                self.people[normalize(person.name)] = person.name
                if person.name_en:
                    self.english[person.name] = person.name_en
                    self.english_names[" ".join(english_words(person.name_en))] = person.name

    def person_in(self, text: str) -> tuple[str, str] | None:
        """(canonical name, the form as written) of the first person the text names."""
        if has_cjk(text):
            simplified = normalize(text)
            for key in sorted(self.people, key=len, reverse=True):
                if key and key in simplified:
                    return self.people[key], key
            return None
        lowered = " ".join(english_words(text))
        for key in sorted(self.english_names, key=len, reverse=True):
            if re.search(rf"\b{re.escape(key)}\b", lowered):
                return self.english_names[key], key
        return None

    def frame(self, question: str, item: Item | None) -> Frame:
        person = self.person_in(question)
        name = person[0] if person else ""
        if not name and item is not None and len(item.people) == 1:
            name = item.people[0].name
        return Frame(
            question=clean_text(question),
            months=tuple(months_in(question)),
            person=name,
            item_id=item.id if item else "",
            topic_id=item.section_id if item else "",
            report_id=item.report_id if item else "",
        )


def months_in(text: str) -> list[int]:
    found = [chinese_number(m) for m in _CN_MONTH.findall(normalize(text))]
    found += [_EN_MONTHS.index(m.lower()) + 1 for m in _EN_MONTH.findall(text)]
    return [m for m in found if 1 <= m <= 12]


def _strip_markers(text: str) -> tuple[str, bool]:
    """The new part of "那X呢" / "what about X?", and whether such a marker was there."""
    if has_cjk(text):
        core = normalize(text)
        lead = _CN_LEAD.match(core)
        core = _CN_LEAD.sub("", core)
        tail = _CN_TAIL.search(core)
        core = _CN_TAIL.sub("", core)
        return core, bool(lead or tail)
    cleaned = text.strip().rstrip("?!.。？！ ")
    lead = _EN_LEAD.match(cleaned)
    core = _EN_LEAD.sub("", cleaned).strip()
    return core, bool(lead)


def _anaphor(text: str) -> Slot | None:
    if has_cjk(text):
        core = normalize(text).replace("其他", "").replace("其它", "")
        if any(a in core for a in _CN_ITEM_ANAPHORS):
            return "item-anaphor"
        if any(a in core for a in _CN_PERSON_ANAPHORS):
            return "person-anaphor"
        return None
    words = english_words(text)
    joined = f" {' '.join(words)} "
    if any(f" {a} " in joined for a in _EN_ITEM_ANAPHORS if " " in a):
        return "item-anaphor"
    if any(w in _EN_PERSON_ANAPHORS for w in words):
        return "person-anaphor"
    if "it" in words:
        return "item-anaphor"
    return None


def asks_people(text: str) -> bool:
    """ "多少人参加", "how many people": the figure asked for counts people."""
    if has_cjk(text):
        return bool(re.search("多少人|几多人|几个人|多少位|多少名|人数", normalize(text)))
    return bool(re.search(r"\bhow many (?:people|persons|participants|attendees)\b", text.lower()))


def asks_number(text: str) -> bool:
    """ "多少人", "几家", "how many": the question wants a figure."""
    return bool(_NUMBER_WORDS.search(normalize(text)))


# A figure question with at most this much besides its 多少/几期 names nothing of its own.
DETAIL_MAX_REST = 3


def _short(text: str) -> bool:
    if has_cjk(text):
        return len(normalize(text)) <= ELLIPSIS_MAX_CHARS
    return len(english_words(text)) <= ELLIPSIS_MAX_WORDS


def classify(text: str, vocabulary: Vocabulary) -> FollowUp | None:
    """What kind of follow-up the message would be, from its words alone (no context)."""
    normalized = normalize(text)
    if not normalized:
        return None
    if normalized in _MORE:
        return FollowUp("more")
    if normalized in _ELABORATE:
        return FollowUp("elaborate")
    if pick := _pick(normalized):
        return pick
    if not _short(text):
        return None
    core, marked = _strip_markers(text)
    if marked and core:
        months = months_in(core)
        rest = _CN_MONTH.sub("", core) if has_cjk(core) else _EN_MONTH.sub("", core)
        rest = re.sub(r"\b(?:in|of|the)\b|\s", "", rest.lower())
        if months and len(rest) <= 1:  # "11月", "in December", "十一月份的"
            return FollowUp("ellipsis", slot="month", value=str(months[0]))
        person = vocabulary.person_in(core)
        if person and len(normalize(core)) <= len(normalize(person[1])) + 1:
            return FollowUp("ellipsis", slot="person", value=person[0])
    if slot := _anaphor(text):
        return FollowUp("ellipsis", slot=slot)
    if (
        has_cjk(text)
        and asks_number(text)
        and len(_NUMBER_WORDS.sub("", normalized)) <= DETAIL_MAX_REST
    ):
        # "有多少人", "签了多少钱", "一年办几期": a figure of the thing just answered.
        return FollowUp("ellipsis", slot="item-detail")
    return None


# --------------------------------------------------------------------------- merging


def _month_word(month: int, english: bool) -> str:
    return _EN_MONTHS[month - 1].capitalize() if english else f"{month}月"


def merge(frame: Frame, follow: FollowUp, text: str, vocabulary: Vocabulary) -> str | None:
    """The last question with the part the follow-up changes; None when it cannot change it."""
    old = frame.question
    english = not has_cjk(old) if old else not has_cjk(text)
    if follow.slot == "month":
        if not old or not frame.months:
            return None
        new = _month_word(int(follow.value), english)
        if english:
            return _EN_MONTH.sub(new, old, count=1)
        return _CN_MONTH.sub(new, old, count=1) if _CN_MONTH.search(old) else None
    if follow.slot == "person":
        found = vocabulary.person_in(old) if old else None
        if found is None:
            return None
        _, written = found
        new = vocabulary.english.get(follow.value, follow.value) if english else follow.value
        if english:
            return re.sub(re.escape(written), new, " ".join(english_words(old)), flags=re.I)
        simplified = normalize(old) if written not in old else old
        return simplified.replace(written, new, 1)
    if follow.slot == "person-anaphor":
        if not frame.person:
            return None
        name = frame.person
        if has_cjk(text):
            core = normalize(text)
            for anaphor in _CN_PERSON_ANAPHORS:
                if anaphor in core:
                    return core.replace(anaphor, name, 1)
            return None
        english_name = vocabulary.english.get(name, name)
        words = english_words(text)
        return " ".join(english_name if w in _EN_PERSON_ANAPHORS else w for w in words)
    if follow.slot == "item-detail":
        item = vocabulary.kb.item(frame.item_id) if frame.item_id else None
        return f"{item.title}{normalize(text)}" if item is not None else None
    if follow.slot == "item-anaphor":
        item = vocabulary.kb.item(frame.item_id) if frame.item_id else None
        if item is None:
            return None
        if has_cjk(text):
            core = normalize(text)
            for anaphor in _CN_ITEM_ANAPHORS:
                if anaphor in core:
                    return core.replace(anaphor, item.title, 1)
            return None
        title = item.title_en or item.title
        joined = " ".join(english_words(text))
        for anaphor in _EN_ITEM_ANAPHORS:
            pattern = rf"\b{re.escape(anaphor)}\b"
            if re.search(pattern, joined):
                return re.sub(pattern, title, joined, count=1)
        return None
    return None


# --------------------------------------------------------------------------- replying

ReplyKind = Literal[
    "answer",  # a search result: of the message, or of the merged question
    "page",  # the next items of the list being read
    "section_page",  # the next page of a topic
    "item",  # one item in full (picked, or elaborated)
    "end",  # "more" at the end of the list
    "out_of_range",  # "第九条" of a list of five
    "which",  # "details" after a list: which one?
    "no_context",  # a follow-up phrase with nothing to follow
    "nothing_more",  # "他还去了哪里？" when the report has only the item already shown
]


@dataclass(frozen=True, slots=True)
class Reply:
    kind: ReplyKind
    result: SearchResult | None = None
    question: str = ""  # what was searched (the merged question for an ellipsis)
    items: tuple[Item, ...] = ()
    start: int = 1  # "page": the number of its first item
    total: int = 0
    page: int = 1  # "section_page"
    section: Section | None = None
    item: Item | None = None
    subject: str = ""  # "nothing_more": whom or what it was about
    follow_up: FollowUp | None = None


class Dialogue:
    """Answers a message in the light of the conversation so far."""

    def __init__(self, kb: KnowledgeBase, index: ReportIndex) -> None:
        self.kb = kb
        self.index = index
        self.vocabulary = Vocabulary(kb)

    def respond(self, text: str, conversation: Conversation) -> Reply:
        follow = classify(text, self.vocabulary)
        if follow is None:
            return self._search(text)
        if follow.kind == "more":
            return self._more(conversation, follow)
        if follow.kind == "elaborate":
            return self._elaborate(conversation, follow)
        if follow.kind == "pick":
            listing = conversation.listing
            if follow.bare and not conversation.last_was_list:
                return self._search(text)
            if listing is None or not listing.numbered:
                return Reply("no_context", follow_up=follow)
            number = listing.total if follow.number == -1 else follow.number
            if not 1 <= number <= listing.total:
                return Reply("out_of_range", total=listing.total, follow_up=follow)
            item = self.kb.item(listing.item_ids[number - 1])
            return Reply("item", item=item, follow_up=follow) if item else self._search(text)
        return self._ellipsis(text, conversation, follow)

    def _search(self, text: str, follow: FollowUp | None = None) -> Reply:
        return Reply("answer", self.index.search(text), question=text, follow_up=follow)

    def _more(self, conversation: Conversation, follow: FollowUp) -> Reply:
        listing = conversation.listing
        if listing is None:
            return Reply("no_context", follow_up=follow)
        if listing.shown >= listing.total:
            return Reply("end", total=listing.total, follow_up=follow)
        if listing.section_id:
            section = self.kb.section(listing.section_id)
            if section is not None:
                page = listing.shown // SECTION_PAGE + 1
                return Reply("section_page", section=section, page=page, follow_up=follow)
        chunk = listing.item_ids[listing.shown : listing.shown + LIST_PAGE]
        items = tuple(i for i in (self.kb.item(x) for x in chunk) if i is not None)
        return Reply(
            "page", items=items, start=listing.shown + 1, total=listing.total, follow_up=follow
        )

    def _elaborate(self, conversation: Conversation, follow: FollowUp) -> Reply:
        item = self.kb.item(conversation.item_id) if conversation.item_id else None
        listing = conversation.listing
        if item is None and conversation.last_was_list and listing is not None:
            if listing.total == 1:
                item = self.kb.item(listing.item_ids[0])
            else:
                return Reply("which", total=min(listing.shown, listing.total), follow_up=follow)
        if item is None:
            return Reply("no_context", follow_up=follow)
        return Reply("item", item=item, follow_up=follow)

    def _ellipsis(self, text: str, conversation: Conversation, follow: FollowUp) -> Reply:
        frame = conversation.frame
        merged = merge(frame, follow, text, self.vocabulary) if frame else None
        if frame is None or merged is None:
            return self._search(text)
        if detect_script(text) == "hant":
            # Quoted back as asked, in the asker's script, from the asker's own characters and
            # the report's prepared conversions: OpenCC's phrase tables (43 MB) stay unloaded.
            examples = [(normalize(text), compact(text))]
            examples += [
                (title, TRADITIONAL[title])
                for title in (i.title for i in self.kb.items.values())
                if title in merged and title in TRADITIONAL
            ]
            merged = traditional_by_example(merged, examples)
        result = self.index.search(merged)
        if follow.slot in ("item-anaphor", "item-detail"):
            result = self._anchored(result, frame.item_id, text)
        elif follow.slot in ("person", "person-anaphor"):
            person = follow.value if follow.slot == "person" else frame.person
            result = self._about(result, person)
            best = result.best
            if (
                follow.slot == "person-anaphor"
                and result.kind == "single"
                and best is not None
                and best.item.id == frame.item_id
                and any(word in normalize(text) for word in _ELSE_WORDS)
            ):
                return Reply("nothing_more", item=best.item, subject=person, follow_up=follow)
        if result.kind == "none":
            # The context found nothing: a message that is a good question on its own wins.
            plain = self.index.search(text)
            if plain.kind != "none" and plain.confidence >= STRONG:
                return Reply("answer", plain, question=text, follow_up=None)
        return Reply("answer", result, question=merged, follow_up=follow)

    @staticmethod
    def _none(result: SearchResult, near: tuple[Hit, ...] = ()) -> SearchResult:
        return replace(result, kind="none", hits=(), related=(), near_misses=near, reason="")

    def _anchored(self, result: SearchResult, item_id: str, text: str) -> SearchResult:
        """ "这个活动…": only the item talked about can answer, and a "how many" only when it
        has a figure of that kind (people for 多少人); else the report doesn't say."""
        number, people = asks_number(text), asks_people(text)
        for hit in (*result.hits, *result.related):
            figures = hit.item.figures
            if people:
                figures = tuple(f for f in figures if "人" in f.unit)
            if hit.item.id == item_id and (figures or not number):
                return replace(result, kind="single", hits=(hit,), related=())
        item = self.kb.item(item_id)
        near = (Hit(item, 0.0, ("context",)),) if item else ()
        return self._none(result, near)

    def _about(self, result: SearchResult, person: str) -> SearchResult:
        """Hits that name the person; none of them means the report doesn't say."""
        if result.kind == "none":
            return result

        def names(hit: Hit) -> bool:
            return any(p.name == person for p in hit.item.people) or person in hit.item.text

        hits = tuple(h for h in result.hits if names(h))
        related = tuple(h for h in result.related if names(h))
        if not hits:
            return self._none(result)
        return replace(result, hits=hits, related=related)
