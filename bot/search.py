"""Question matching: from a person's words to items of the report, or an honest "no".

The score of an item is a *weighted coverage*: the share of the question's informative
characters that the item covers with a matching character pair, each pair weighted by how rare it
is (idf) and by where in the item it was found (title and keywords count more than body text).
Coverage, unlike plain similarity, drops when the question has words no item contains ("深圳",
"社保"), which is what lets a cut-off tell "not in the report" from a weak match. Pinyin pairs
catch IME homophone typos (宋滔 → 宋涛); English questions go through the items' English aliases.
Dates, names and "how many / which" are understood separately and steer the ranking.

`ReportIndex` is built once (at start and on reload) and is read-only afterwards.
"""

from __future__ import annotations

import datetime
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from bot.crosslingual import EnglishBridge, english_key, english_vocabulary
from bot.ingest import chinese_number
from bot.ingest.enrich import COMMON_SURNAMES
from bot.normalize import (
    MAX_QUERY_CHARS,
    Script,
    clean_text,
    detect_script,
    english_stem,
    english_words,
    has_cjk,
    normalize,
    pinyin_of,
    pinyin_readings,
    to_simplified,
    to_simplified_characters,
)
from bot.report import Item, KnowledgeBase, Report, Section
from bot.wordfreq import english_weight, general_frequencies

NO_REPORT = "-"  # a question names a city and a year that no loaded report covers together
ResultKind = Literal["single", "list", "closest", "none"]

# Tuned on data/eval/questions.yaml with `python -m bot eval`; see the closing notes.
ANSWER_CUTOFF = 0.55
LIST_RELATIVE = 0.8
RELATED_RELATIVE = 0.75
SET_CONTENT_FLOOR = 0.35
SET_FLOOR = 0.4
SET_MARGIN = 0.25
DATED_RELATIVE = 0.5
DATED_LEAD = 0.1
DATED_WORDY_FLOOR = 0.15  # the date narrows it already: the words need only pick one
NEAR_MISS = 0.35
ENTITY_SET_MAX = 8
NUMBER_MISSING = 0.6  # an item without the number the question gives
MAX_SET_HITS = 50
ENTITY_SCAN_LIMIT = 2000
NAME_TIE = 0.85
NAME_TIE_MARGIN = 0.05
NAME_MAX_UNITS = 9
PINYIN_FACTOR = 0.9
OOV_IDF_BONUS = 1.0
# A set question ("获得过哪些奖项") whose words are a topic's own words asks for that topic.
SECTION_CUTOFF = 0.55
SECTION_ALONE_CUTOFF = 0.28
SECTION_ALONE_SHARE = 0.5
SECTION_ALONE_GAP = 0.1
SECTION_ALONE_LEAD = 0.05
PEOPLE_TOPIC_SHARE = 0.6
TOPIC_ALONE = 0.9
TOPIC_LEAD = 0.1
SECTION_EVIDENCE_MAX = 2
# Below the answer cut-off, an item this far ahead of the next is offered as "the closest the
# report has", quoted in full but framed as such.
CLOSEST_FLOOR = 0.4
CLOSEST_LEAD = 0.1
# English is matched through a dictionary's several senses per word, which all items share in
# part (Taiwanese, city): its scores run lower, and so does the floor of a closest answer.
ENGLISH_CLOSEST_FLOOR = 0.35
ENGLISH_GROUNDS = 2  # question words an English closest answer must match
TITLE_SAID_MIN = 4  # characters of a heading that, said whole, name the topic
DETAIL_TELLING_MARGIN = 0.1  # as close as another telling of one thing scores
CLOSEST_EVIDENCE = 1.0  # in rarest-pair units, as EVIDENCE_MIN
# A wordy question ("我朋友是台湾来的……想问问报告里有没有提到") covers little of itself with any
# item, however squarely it names one: its story about the asker is content no item has. When
# the best item still matches much informative content and stands well clear of the next, it is
# offered as the closest the report has. Evidence, not coverage, decides here.
# Evidence is counted in weights of the reports' rarest character pair, so that it means the
# same whatever the number of items (one more report makes every idf larger).
WORDY_FLOOR = 0.25
WORDY_EVIDENCE = 2.325
WORDY_LEAD_RATIO = 1.4
# Evidence (in rarest-pair units) that makes a wordy question's best item its closest answer
# without a lead over the next.
STRONG_EVIDENCE = 5.0
# Two lone characters side by side in at most this many items are a word of the report's.
REPORT_PAIR_ITEMS = 2
# A run of at least this many characters of the question found in one item only.
UNIQUE_PHRASE_MIN = 4
# A set question about a phrase several items share (岭南行): the phrase's share of the question.
PHRASE_SET_MIN = 3
PHRASE_SET_SHARE = 0.75
# The best item must match this much informative content (report idf × general-language
# weight): a question of filler and generic words ("这个活动有多少人参加") names nothing.
EVIDENCE_MIN = 0.5166
# ...unless the question quotes at least this many characters of the item verbatim.
QUOTED_MIN = 4
# Or a run this long of a question at most QUOTED_RUN_EXTRA characters longer.
QUOTED_RUN = 6
QUOTED_RUN_EXTRA = 4
# A phrase only one item has, making this share of the question, makes it the closest item.
PHRASE_SHARE_CLOSEST = 0.6
# An English question matched through Chinese candidates is less certain than through English.
BRIDGE_FACTOR = 0.9
READINGS_KEPT = 64
CITY_IMPLIED = 0.5  # an item of a city's report says that city, if less than by naming it
WORDS_PER_PIECE = 1_000_000  # word numbers of a question's pieces never meet
SECTION_SHARES_KEPT = 20_000
UNIQUE_PHRASE_POSTINGS = 64
UNIQUE_PHRASE_MARGIN = 0.15
# How far another city's report must lead the home city's for a question naming no city to be
# answered from it.
HOME_MARGIN = 0.1
# This many items tied for the best score: a single answer would be an arbitrary one.
VAGUE_TIES = 4
# How alike a given name's syllable must sound to a report person's, across romanisations
# (ying ~ 英 ying, hsien ~ 贤 xian).
GIVEN_NAME_LIKENESS = 60
FILLER_EDGE = 0.3
PINYIN_NAME_MAX = 12  # longer names are phrases, not names
MAX_PINYIN_NAMES = 4
WEAK_PAIR = 0.5
PEOPLE_UNASKED = 0.99  # breaks ties only

FIELD_WEIGHTS = {
    "title": 1.0,
    "keywords": 1.0,
    "aliases": 1.0,
    "people": 1.0,
    "organizations": 0.85,
    "places": 0.85,
    "figures": 0.85,
    "text": 0.75,
    "roles": 0.6,
    "section": 0.5,
}

_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "十一": 11, "十二": 12}  # fmt: skip
_EN_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH_PATTERN = re.compile(
    r"(?<![0-9])(1[0-2]|0?[1-9])月份?|(十[一二]?|[一二三四五六七八九])月份?"
)
_SHORT_YEAR = re.compile(
    r"(?<![0-9])([0-9]{2})年(?=(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月)"
)
_DAY_PATTERN = re.compile(r"(?<![0-9])([12][0-9]|3[01]|0?[1-9])[日号]")
# "十年前", "3年前": a year counted back from today, not the report's.
_YEARS_AGO = re.compile(r"([0-9]{1,2}|[一二三四五六七八九十两]{1,3})年前")
_ENGLISH_COUNTS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twenty": 20,
}  # fmt: skip
_ENGLISH_YEARS_AGO = re.compile(rf"\b([0-9]{{1,2}}|{'|'.join(_ENGLISH_COUNTS)}) years ago\b")
_YEAR_PATTERN = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年?(?![0-9])")
# 多少项目 asks how many 项目 (counted in 个), not how many 项.
_ASKED_UNIT = re.compile(r"(?<![哪边])(?:多少|几)([家个人名位所部篇场期届次条元件项支户])(?!目)")
_UNIT_PATTERN = re.compile(r"[a-z0-9%]+|\S")
_PERIOD_WORDS = {
    "年底": (12,),
    "年末": (12,),
    "岁末": (12,),
    "年初": (1, 2),
    "上半年": (1, 2, 3, 4, 5, 6),
    "下半年": (7, 8, 9, 10, 11, 12),
}
# Festival words a question may use for an item dated by a label such as 春节前夕.
# Festivals, as items are dated by them (中秋前夕, 春节期间): the festival, as people say it.
_FESTIVALS = {
    "春节": "春节", "过年": "春节", "新春": "春节", "新年": "春节", "元宵": "元宵", "清明": "清明",
    "端午": "端午", "中秋": "中秋", "国庆": "国庆", "元旦": "元旦", "除夕": "除夕", "重阳": "重阳",
    "七夕": "七夕",
}  # fmt: skip
_FESTIVALS_EN = re.compile(
    r"\b(mid-autumn|mid autumn|moon|spring|lantern|dragon boat|qingming|double ninth|"
    r"(?:chinese|lunar) new year|national day|new year's day)( festival| day)?\b"
)
_FESTIVAL_ALONE = {"mid-autumn", "mid autumn", "dragon boat", "qingming", "double ninth"}
_FESTIVAL_OF_EN = {
    "mid-autumn": "中秋", "mid autumn": "中秋", "moon": "中秋", "spring": "春节",
    "lantern": "元宵", "dragon boat": "端午", "qingming": "清明", "double ninth": "重阳",
    "chinese new year": "春节", "lunar new year": "春节", "national day": "国庆",
    "new year's day": "元旦",
}  # fmt: skip
_FESTIVAL = re.compile(
    rf"({'|'.join(_FESTIVALS)})节?(?:前夕|前后|期间|当天|之际|假期|的时候|时|前|后)?"
)
_COUNTED = re.compile(r"(?<![0-9.])([0-9]+)(周年|届|期|条|家|篇|部|场|名|位)")
_OFFICE_ENDINGS = "任长记席"  # 主任, 市长/会长/局长, 书记, 主席
_NEW_IN_OFFICE = re.compile(r"^(?:新当选的?|新上任的?|新任|新)")
_NOW_WORDS = re.compile("现在|目前|现任|当时|以前|如今")
# "广东省委书记有没有会见……": an office as the subject of a visit or meeting.
_OFFICE_VISITS = re.compile(
    r"^.{0,8}?((?:[^副]{0,6}(?:委|台办|政府|协会|大学|省|市|区|县))?(?:常务)?副?"
    r"(?:书记|主任|市长|省长|区长|县长|局长|部长|会长|主席|院长|校长|总统|总理))"
    r"(?:有没有|有冇|是否|曾经|有无|会不会|也|还|都)?"
    r"(?:会见|出席|参加|来过|来|到过|到|去过|去|考察|调研|见过|接见|参观|讲话|致辞)"
)
_ASKS_WHO = re.compile(r"(?:是谁|是哪位|系边个|系边位|系谁|是边个)$")
# "你觉得60条好不好", "do you think…": the bot's opinion or forecast, which no report gives.
_OPINION = re.compile(
    r"(?:你|您)(?:觉得|认为|怎么看|看好|估计|预计).*(?:好不好|怎么样|如何|值不值|靠谱|会不会|能不能|"
    r"什么时候|有没有用|对不对|好吗|哪个|更好|更适合)"
    r"|什么时候(?:能|会|可以|才能)?(?:统一|回归)"  # a forecast, which no report makes
    r"|\bdo you (?:think|believe|reckon)\b|\b(?:in )?your (?:opinion|view)s?\b",
    re.IGNORECASE,
)
_TASK = re.compile(
    # 我是记者，想写一篇…报道: the asker's own writing, not a task for the bot
    r"帮我写|写一首|写首|(?<![在正想要备算])写一篇|帮我翻译|翻译成|讲个笑话|讲一个笑话"
    r"|\bwrite (?:me )?an? (?:poem|story|song|essay|letter)\b|\btranslate\b|\btell me a joke\b",
    re.IGNORECASE,
)
_WHO_PATTERN = re.compile(
    r"([^是系]{2,16}?)(?:到底|究竟)?(?:是谁|是哪位|是哪个|叫什么名字|叫什么|系边个|系边位|系谁|是边个)$"
)
# "what did the office do on economic cooperation": the work of a field, not one event
# "may" is a month after in/of/since or before a year or day, else a verb ("may I ask")
_ENGLISH_MAY_MONTH = re.compile(r"\b(?:in|of|since|during|early|late) may\b|\bmay (?:19|20)\d\d\b")
_ENGLISH_WHAT_DONE = re.compile(
    r"\bwhat (?:did|does|has|have)\b.*\b(?:do|done)\b|\bwhat (?:happened|was (?:held|done))\b"
)
# "宣传方面", "坚持党的全面领导这一块": the question names an area of work
_AREA_NAMED = re.compile(r"方面|领域|这一块|这块|呢块|嗰块|这部分|板块")
# "what awards", "which economic and trade exchange events": the plural a what/which asks for,
# after at most two words, or two joined by "and", that are no verb ("what is the 60 measures"
# asks no set; "which government office handles press" has its verb within three words)
_ENGLISH_PLURAL_ASKED = re.compile(
    r"\b(?:what|which)(?: \w+ and)?(?: (?!(?:is|was|are|were|did|does|do|has|have|had)\b)\w+){0,2}"
    r" \w{3,}s\b"
)
# A person the question names and the report never mentions ("陈斌有没有表扬广州"): a common
# surname, then one or two characters, between a role word or the start and a verb or particle.
_BEFORE_NAME = re.compile(
    r"(?:^|[，,。？?！!、：:\s]|长|主任|发言人|书记|主席|委员|总统|领导人|议员|理事|先生|女士)$"
)
_AFTER_NAME = re.compile(
    r"^(?:有没有|有冇|有无|是谁|是|在|来|去|到|出席|参加|会见|见过|见|讲|说|访|和|与|跟|的|曾|也|还|"
    r"对|怎么|系|嚟|以前|书记|主任|主席|部长|市长|省长|会长|院长|先生|女士|[，,？?。！!]|吗|呢|$)"
)
NAME_WEIGHT = 0.9  # a name is rare in Chinese at large; 林业, 高质 are not names
# "Which ones" of a counted set (哪七个单位, 分别是哪几家): only an item that lists them answers.
# What's, I'm, don't: the word before the contraction decides whether it is filler.
_CONTRACTION = re.compile(r"(?:'s|'re|'m|'d|'ll|'ve|n't)$")
_ONE_EACH = re.compile(r"(?<![0-9])(1|一)(篇|家|个|项|部|位|名|所|件)")
_WHICH_ONES = re.compile(
    r"(?:哪|边)(?:[0-9]+|[一二三四五六七八九十两几])(?:个|家|位|名|项|所|条|部|篇|场|座|件|种|地方)"
    r"|分别(?:是|系|叫|为|有)|哪些(?:单位|地方|企业|寺庙|媒体|(?:获奖)?项目|作品)"
    r"|(?:是|系)(?:什么|哪些|哪个|边个|咩|啥)项目"
)
# Surnames as Taiwan and Hong Kong write them (Wade-Giles, Cantonese), by their characters:
# "Did Terry Gou attend…" names a person as surely as 郭台铭 does.
_SURNAMES_ROMANISED = {
    "chang": "张章常", "chen": "陈", "cheng": "郑程", "chiang": "蒋江", "chou": "周", "chu": "朱",
    "chuang": "庄", "hsieh": "谢", "hsu": "徐许", "hung": "洪", "kao": "高", "ko": "柯",
    "kuo": "郭", "gou": "郭", "lee": "李", "lien": "连", "liao": "廖", "soong": "宋",
    "tsai": "蔡", "tseng": "曾", "yeh": "叶", "lo": "罗", "lim": "林", "tan": "陈", "ng": "吴",
    "wong": "黄王", "chan": "陈", "cheung": "张", "leung": "梁", "ho": "何", "lau": "刘",
}  # fmt: skip
_QUOTED_EN = re.compile(r"\"[^\"]*\"|“[^”]*”|'[^']*'")
# Capitalised words that start a question or address someone, never part of a name.
_NOT_NAME_WORDS = frozenset(
    [
        "did",
        "does",
        "do",
        "is",
        "was",
        "who",
        "what",
        "when",
        "where",
        "which",
        "why",
        "how",
        "has",
        "have",
        "can",
        "could",
        "tell",
        "the",
        "mr",
        "mrs",
        "ms",
        "dr",
        "president",
        "chairman",
        "mayor",
        "director",
        "minister",
        "hong",
        "kong",
    ]
)
# Questions about the bot itself ("这个bot还能回答别的城市吗"), in normalised text.
_ABOUT_THE_BOT = re.compile(
    r"这个bot|你这个bot|机器人|你(?:能|可以|会|还能)(?:回答|做|干|答)|canyou(?:answer|do)|areyoua"
    r"|你是(?:人工智能|ai|真人|人还是|机器)"
    r"|你是谁|谁开发|谁做的你|谁写的你|你叫什么|你是什么|whomadeyou|whoareyou|whatareyou"
)
_ENGLISH_ORDINAL_WORD = re.compile(r"([0-9]{1,3})(?:st|nd|rd|th)")
_ENGLISH_ORDINAL = re.compile(r"\b([0-9]{1,3})(?:st|nd|rd|th)\b(?! anniversary)")
_COUNTERS = ("人位名", "场期次届", "家所", "篇部件项")
# A count of the city as a whole: 2023年广州一共有多少家台资企业, 全市有几个台湾青年创业基地.
_WHOLE_PLACES = frozenset({"全市", "台湾", "全台", "大陆", "全国", "全省", "广东", "内地"})
_STOCK_COUNT = re.compile(
    r"^(?:[0-9]{4}年)?(?P<place>[\u4e00-\u9fff]{2,3}?(?:市)?|全市)(?:现在|目前|现有|一共|总共|共)?有?"
    r"(?:多少|几多|几)(?:个|家|间|所|名|位)?(?P<noun>[\u4e00-\u9fff]{2,10}?)(?:呢|啊|呀)?$"
)
STOCK_OVERLAP = 0.7
_ENGLISH_STOCK = re.compile(
    r"^how many (?P<noun>[a-z' -]+?) (?:(?:are there|are|live|living|reside|work|working) )*"
    r"in (?P<place>[a-z]+(?: [a-z]+)??)(?: city)?(?: now| today| currently| in total)?$"
)
_ENGLISH_PEOPLE = {"taiwanese", "compatriots", "people", "residents", "compatriot"}
_ENGLISH_FIRMS = {"businesses", "companies", "firms", "enterprises", "factories"}
_ENGLISH_WHO = re.compile(r"\bwho(?:'s| is| was)(?: the| a)?(?: current)? ([a-z]+)\b")
# English offices by the Chinese the report's roles would end in.
_ENGLISH_OFFICES = {
    "mayor": "市长", "governor": "省长", "secretary": "书记", "chairman": "主席",
    "chairwoman": "主席", "spokesperson": "发言人", "spokesman": "发言人", "minister": "部长",
    "director": "主任", "president": "会长",
}  # fmt: skip
# A set question after people ("哪些领导出席", "which officials"): items that name someone.
_ASKS_PEOPLE = re.compile(r"领导|长官|官员|嘉宾|哪些人|哪几位|哪位|边个|边啲人|谁")
_ASKS_PEOPLE_EN = re.compile(r"\b(?:who|leaders?|officials?|guests?)\b", re.IGNORECASE)
_BESIDES = re.compile(r"除了([^，,？?还]{1,12})(?:以外|之外)?[，,]?还有")
# A figure the question gives (约1200人), not an edition, version or year (第10届, 3.0版).
_GIVEN_NUMBER = re.compile(r"(?<![第0-9])([0-9]{2,})(?![0-9]|版|届|期|周年|年)")
_VERSION = re.compile(r"([0-9]+(?:\.[0-9]+)?|(?<=第)[一二三四五六七八九十])版")
# A question after a name: only an item that quotes one (《哩贺，朋友》, “台商大讲堂”) answers it.
_ASKS_NAME = re.compile(r"叫什么名字|叫什么|叫咩名|题目是什么|名称是什么|片名|什么名字")
# An item that says where something was held, though its place is no known name (在松山湖举办).
_SAYS_WHERE = re.compile(
    r"在[\u4e00-\u9fff]{2,10}?(?:举办|举行|召开|开幕|启动|揭牌|开展|设立|成立|挂牌|落户|建成)|[\u4e00-\u9fff]{2}[镇县乡](?![长委])"
)
# 在哪些平台 asks which platforms, not where.
_ASKS_PLACE = re.compile(
    r"在哪(?!些|个平台|个网站)|在什么地方|什么地方|哪个地方|地点|喺边|边度|哪里(?:举|办|开|启)"
)
_ASKS_GUESTS = re.compile(
    r"哪些嘉宾|哪位嘉宾|嘉宾有|演讲嘉宾|请了谁|请了哪些|谁演讲|谁发言|有谁出席|有哪些人"
)
# 邀请台湾宜兰民谣团体与…同台演出: whom it invited, by what they are, with no count.
_INVITED_BY_NAME = re.compile(r"邀请[^，。；0-9]{4,}[，。；]")
_ASKS_GUESTS_EN = re.compile(r"\bwhich guests\b|\bspeakers?\b|\bwho spoke\b", re.IGNORECASE)
_ANY_FIGURE = re.compile(
    r"[0-9]|[一二两三四五六七八九十百千万]+[余多]?[个位名家人件项场期次届篇部条所]"
)
_ASKS_PLACE_EN = re.compile(r"\bwhere\b", re.IGNORECASE)
_PERSON_NOUN = re.compile(r"(?:员|人|者|嘉宾|领导|老师|学生|青年|代表|主任|长|书记|主席)$")
_WORK_NOUN = re.compile(r"(?:作品|片|节目|书|文章|报道|视频|歌|剧|栏目)$")
_QUOTED_NAME = re.compile(r"《[^》]+》|“[^”]+”")
_ORDINAL = re.compile(r"第([0-9]{1,3}|[一二三四五六七八九十]{1,3})届|(首)届")


@dataclass(frozen=True, slots=True)
class Hit:
    item: Item
    score: float
    why: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Query:
    """What the question asks, as understood before ranking."""

    original: str
    cleaned: str
    script: Script
    content: str
    months: frozenset[int] = frozenset()
    day: int | None = None
    years: frozenset[int] = frozenset()
    labels: tuple[str, ...] = ()
    wants_set: bool = False
    wants_number: bool = False
    number_unit: str = ""
    wants_date: bool = False
    smalltalk: bool = False
    ordinals: frozenset[int] = frozenset()
    english: tuple[str, ...] = ()
    other_place: str | None = None
    reports: frozenset[str] = frozenset()  # reports the question names by year or city
    normalized: str = ""  # the whole question in matching form, before anything is taken out


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: Query
    kind: ResultKind
    hits: tuple[Hit, ...] = ()
    related: tuple[Hit, ...] = ()
    suggestions: tuple[Section, ...] = ()
    near_misses: tuple[Hit, ...] = ()
    reason: str = ""
    section: Section | None = None  # set when a topic-level question is answered by its topic
    # Other cities' reports that answer as well as the home city's one that was used.
    elsewhere: tuple[str, ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    @property
    def confidence(self) -> float:
        return self.hits[0].score if self.hits else 0.0


# --------------------------------------------------------------------------- coverage index


def learned_key(question: str) -> str:
    """The form in which a question fixed from the chat is remembered and looked up."""
    return normalize(clean_text(question, MAX_QUERY_CHARS))


def units_of(text: str) -> list[str]:
    """Split normalised text into matching units: one CJK character, or one a-z/0-9 run."""
    return _UNIT_PATTERN.findall(text)


def _names_several(text: str) -> bool:
    """Whether an item names things one by one: in a list (A、B) or one count each
    (1篇获评…，1篇获…)."""
    if "、" in text:
        return True
    counters = [counter for _, counter in _ONE_EACH.findall(text)]
    return any(counters.count(counter) > 1 for counter in set(counters))


def _ordinals(text: str) -> set[int]:
    """Edition numbers such as 第十届 / 第9届 / 首届 in normalised text."""
    found = set()
    for number, first in _ORDINAL.findall(text):
        found.add(1 if first else _count(number))
    return found


def _names_in(text: str, names: dict[str, list[int]], lengths: Sequence[int]) -> list[str]:
    """Known names occurring in `text`, longest first, without overlaps (by substring lookup,
    so the cost depends on the question's length, not on how many names there are).
    `lengths` are the names' lengths, longest first."""
    found: list[str] = []
    taken = bytearray(len(text))
    for length in lengths:
        for start in range(len(text) - length + 1):
            candidate = text[start : start + length]
            if candidate in names and not any(taken[start : start + length]):
                found.append(candidate)
                taken[start : start + length] = b"\x01" * length
    return found


def _versions(text: str) -> frozenset[float]:
    """The versions a text names: 2.0版, 第一版 (= 1.0)."""
    return frozenset(
        float(_count(v)) if not v[0].isdigit() else float(v) for v in _VERSION.findall(text)
    )


def _count(number: str) -> int:
    return int(number) if number.isdigit() else chinese_number(number)


def _found(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return found.group(0) if found else ""


def _name_asked(text: str) -> str:
    """What 叫什么名字 asks the name of: people (调解员), works (作品, 纪录片) or a thing."""
    found = _ASKS_NAME.search(text)
    if not found:
        return ""
    before = text[: found.start()].removesuffix("分别").removesuffix("各自").removesuffix("都")
    if _PERSON_NOUN.search(before):
        return "person"
    return "work" if _WORK_NOUN.search(before) else "thing"


def _courtesy_pattern(smalltalk: Iterable[str]) -> re.Pattern[str]:
    """Greetings and thanks of two or more characters at the start or the end of a message,
    set off by punctuation ("您好，……" / "……？谢谢。")."""
    phrases = sorted((p for p in smalltalk if len(p) > 1), key=len, reverse=True)
    words = "|".join(re.escape(p) for p in phrases)
    stop = r"[\s，,。.！!？?~～、；;]"
    return re.compile(rf"^(?:{words}){stop}+|{stop}+(?:{words}){stop}*$", re.IGNORECASE)


_OWN_PLANS = re.compile(r"(?:明年|下次|以后|将来)(?=我|想|要|打算|准备|也|毕业|暑假|寒假)")
_COMPARED = re.compile(
    r"“[^”]*”|「[^」]*」|(?:类似|類似|像|好像|如同)[^，。？?,]{0,14}?(?:的|嘅|那样|那樣|一样|一樣|这样|這樣)"
)
# A clause about the asker (我是厦门一所大学的研究生, 我先生是台商), with no question in it.
_ASKER_CLAUSE = re.compile(
    r"^(?:我|我们|本人|我先生|我太太|我老婆|我老公|我爱人|我儿子|我女儿|我朋友|我同事|我公司"
    r"|我们公司|我家|我们家)(?:是|在|来自)"
)
# …and the asker's plan said right after (我公司在坦洲，想借着深中通道去深圳拓展市场), which
# is no request to be told something (想了解, 想问).
_ASKER_PLAN = re.compile(r"^(?:想|打算|准备|计划|希望)(?!了解|知道|问|请教|咨询|查)")
_AFTER_CLAUSE = re.compile(r"(?<=[，,。！!？?；;])")
_QUESTION_MARK = re.compile(r"吗|什么|哪|多少|几|怎么|有没有|是否|谁|[?？]")


def _asking_clauses(text: str) -> str:
    """The clauses of a message that ask something, when others only tell (平时看病不太懂这边
    的流程，…请问佛山的医院有没有…？): the whole message if none or all of them ask."""
    clauses = [c for c in _AFTER_CLAUSE.split(text) if c.strip()]
    asking = [c for c in clauses if _QUESTION_MARK.search(c)]
    return "".join(asking) if asking and len(asking) < len(clauses) else text


def _without_asker(text: str) -> str:
    """The message without its clauses about the asker (see _ASKER_CLAUSE)."""
    clauses = re.split(r"([，,。！!？?；;])", text)
    kept: list[str] = []
    about_asker = False
    for clause in clauses:
        if clause.strip() and clause.strip() not in "，,。！!？?；;":
            pattern = _ASKER_PLAN if about_asker else _ASKER_CLAUSE
            told = bool(_ASKER_CLAUSE.match(clause.strip()) or pattern.match(clause.strip()))
            about_asker = told and not _QUESTION_MARK.search(clause)
        if not about_asker:
            kept.append(clause)
    return "".join(kept)


# Clauses that are all courtesy: a greeting with its particles (您好您好, 你好呀，打扰一下哈)
# before the question, and thanks or a plea after it (感谢感谢, 谢谢您耐心解答, 辛苦了).
_GREETING_CLAUSE = re.compile(
    r"^(?:(?:你好|您好|哈喽|嗨|早上好|上午好|下午好|晚上好|打扰一下|打扰了|打扰|不好意思|冒昧问一下)"
    r"[呀啊哈哦呢啦了]*)+$"
)
_THANKS_CLAUSE = re.compile(r"^(?:谢谢|感谢|多谢|辛苦|先谢|劳驾|麻烦(?:您|你)?(?:了|啦|帮忙|帮我))")
_WHO_CLAUSE_END = re.compile(r"[，,。！!？?；;~～、]+")
_CLAUSE_END = re.compile(r"[，,。！!？?；;~～]+")


def _without_courtesy_clauses(text: str) -> str:
    """The message without its leading greeting clauses and trailing thanks clauses, as long
    as something is left: a message that is only thanks stays as it is (small talk)."""
    clauses = [c for c in _CLAUSE_END.split(text) if c.strip()]
    start, end = 0, len(clauses)
    while start < end - 1 and _GREETING_CLAUSE.match(clauses[start].strip()):
        start += 1
    while end - 1 > start and _THANKS_CLAUSE.match(clauses[end - 1].strip()):
        end -= 1
    if (start, end) == (0, len(clauses)):
        return text
    return "，".join(clauses[start:end])


def half_sound_pairs(units: Sequence[str], sounds: Sequence[str]) -> list[str]:
    """For each pair of neighbouring units, two grams: the first as written with the second
    by sound, and the first by sound with the second as written. A homophone typo keeps one
    character right (宋滔 for 宋涛 meets 宋+tao); two characters both only sounding alike are
    more likely another word (选结 is not 宣介)."""
    grams = []
    for i in range(len(units) - 1):
        grams.append(f"{units[i]}\t~{sounds[i + 1]}")
        grams.append(f"~{sounds[i]}\t{units[i + 1]}")
    return grams


def pinyin_name(name: str) -> str:
    """A Chinese personal name as it is written in English: surname, then the given name as
    one word (张志军 → zhang zhijun). Only the common two- and three-character names."""
    if not 2 <= len(name) <= 3 or not has_cjk(name):
        return ""
    syllables = [pinyin_of(char) for char in name]
    if not all(s.isascii() and s.isalpha() for s in syllables):
        return ""
    return f"{syllables[0]} {''.join(syllables[1:])}"


def english_office(office: str) -> str:
    """An office in English, where its last word is known (市长 → mayor, 市委台办主任 →
    director); else as it is."""
    return next((en for en, zh in _ENGLISH_OFFICES.items() if office.endswith(zh)), office)


def _roles_in_context(role: str, organizations: Iterable[str]) -> list[str]:
    """A role as written, and whole where it names its organisation only by kind: 协会会长 in
    an item about 东莞台商协会 is 东莞台商协会会长."""
    if not role:
        return []
    whole = [
        organization + role[size:]
        for organization in organizations
        for size in range(min(len(role) - 1, len(organization)), 1, -1)
        if organization.endswith(role[:size]) and organization != role[:size]
    ]
    return [role, *whole[:1]]


def _holds(role: str, office: str) -> bool:
    """Whether a person with `role` holds `office`: 省委台办主任 holds 主任; a 副市长 is no 市长."""
    at = role.find(office)
    return at >= 0 and not role[:at].endswith("副")


def _pair(a: str, b: str) -> str:
    return f"{a}\t{b}"


class CoverageIndex:
    """Inverted index of unit pairs (and whole ASCII tokens) with per-item field weights."""

    def __init__(
        self,
        size: int,
        pairs: bool = True,
        token_unigrams: bool = True,
        unknown_as_rarest: bool = False,
        char_unigrams: bool = False,
    ) -> None:
        self.size = size
        self.char_unigrams = char_unigrams
        self.unknown_as_rarest = unknown_as_rarest
        self.pairs = pairs
        self.token_unigrams = token_unigrams
        # While building: each distinct field text is a "document" of gram and unit ids, and
        # items reference documents with a weight; `finalize` expands and groups them at once
        # with numpy, which keeps the per-item Python work to a few appends.
        self._gram_ids: dict[str, int] = {}
        self._doc_grams: list[int] = []
        self._doc_gram_count: list[int] = []
        self._ref_doc: list[int] = []
        self._ref_item: list[int] = []
        self._ref_weight: list[float] = []
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.idf: dict[str, float] = {}
        self.oov_idf = 0.0

    def _unigram(self, unit: str) -> bool:
        return not self.pairs or self.char_unigrams or (self.token_unigrams and len(unit) > 1)

    def grams(self, units: Sequence[str]) -> list[str]:
        grams = [f"{a}\t{b}" for a, b in itertools.pairwise(units)] if self.pairs else []
        if not self.pairs or self.char_unigrams:
            grams.extend(units)
        elif self.token_unigrams:
            grams.extend(unit for unit in units if len(unit) > 1)
        return grams

    def document(self, units: Sequence[str], grams: list[str] | None = None) -> int:
        """Register one distinct field text (its units, or grams made by the caller); returns
        its document id (cache it per text)."""
        gram_ids = self._gram_ids
        ids = [
            gram_ids.setdefault(g, len(gram_ids))
            for g in (self.grams(units) if grams is None else grams)
        ]
        self._doc_grams.extend(ids)
        self._doc_gram_count.append(len(ids))
        return len(self._doc_gram_count) - 1

    def add(self, item_index: int, documents: list[int], weights: list[float]) -> None:
        """An item has these field documents, at these weights."""
        self._ref_doc.extend(documents)
        self._ref_item.extend([item_index] * len(documents))
        self._ref_weight.extend(weights)

    @staticmethod
    def _expand(
        flat: list[int], counts: list[int], refs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each reference to a document, its ids; and which reference each id came from."""
        count = np.array(counts, dtype=np.int64)
        start = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
        lengths = count[refs]
        total = int(lengths.sum())
        owner = np.repeat(np.arange(len(refs)), lengths)
        offset = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        values = np.array(flat, dtype=np.int64)[start[refs][owner] + offset]
        return values, owner

    def finalize(self) -> None:
        n = max(self.size, 1)
        refs = np.array(self._ref_doc, dtype=np.int64)
        ref_items = np.array(self._ref_item, dtype=np.int64)
        ref_weights = np.array(self._ref_weight, dtype=np.float32)
        grams, owner = self._expand(self._doc_grams, self._doc_gram_count, refs)
        items, weights = ref_items[owner], ref_weights[owner]
        # One posting per (gram, item) with the item's best field weight for that gram.
        keys = grams * n + items
        order = np.lexsort((-weights, keys))
        keys, weights = keys[order], weights[order]
        keys, first = np.unique(keys, return_index=True)
        weights = weights[first]
        grams, items = keys // n, (keys % n).astype(np.int32)
        bounds = np.flatnonzero(np.diff(grams)) + 1
        starts = [0, *bounds.tolist()] if len(grams) else []
        ends = [*bounds.tolist(), len(grams)] if len(grams) else []
        names = list(self._gram_ids)
        for begin, end in zip(starts, ends, strict=True):
            gram = names[int(grams[begin])]
            self.postings[gram] = (items[begin:end], weights[begin:end])
            self.idf[gram] = math.log(1 + n / (end - begin))
        self.oov_idf = math.log(1 + n / 0.5) + OOV_IDF_BONUS
        if self.unknown_as_rarest and self.idf:
            self.oov_idf = max(self.idf.values())
        self._gram_ids, self._doc_grams, self._doc_gram_count = {}, [], []
        self._ref_doc, self._ref_item, self._ref_weight = [], [], []

    def grams_at(
        self, units: Sequence[str], position: int, joins: Sequence[bool] | None = None
    ) -> list[str]:
        """The known grams at a position. `joins[i]` says whether units i and i+1 may form a
        pair (a pair across a word boundary into filler, 问台 in 问问台湾, is not a word)."""
        unit = units[position]
        grams = []
        if self.pairs:
            if position > 0 and (joins is None or joins[position - 1]):
                grams.append(_pair(units[position - 1], unit))
            if position < len(units) - 1 and (joins is None or joins[position]):
                grams.append(_pair(unit, units[position + 1]))
        if self._unigram(unit):
            grams.append(unit)
        return [gram for gram in grams if gram in self.postings]

    def importance(self, units: Sequence[str], joins: Sequence[bool] | None = None) -> list[float]:
        """How much each unit of a question matters: the idf of its rarest known pair, else of
        the unit alone; a unit never seen in any item matters most."""
        return self.importance_of([self.grams_at(units, p, joins) for p in range(len(units))])

    def importance_of(self, position_grams: Sequence[Sequence[str]]) -> list[float]:
        weights = []
        for known in position_grams:
            if known:
                weights.append(max(self.idf[gram] for gram in known))
            else:
                # A pair no item has is as rare as can be, even when both characters are common
                # (大选, 社保): how much it matters is then up to its general-language weight.
                weights.append(self.oov_idf)
        return weights

    def score(self, units: Sequence[str], importance: Sequence[float] | None = None) -> np.ndarray:
        """Weighted coverage of `units` by every item, in [0, 1]."""
        scores = np.zeros(self.size, dtype=np.float32)
        if not units:
            return scores
        weights = importance if importance is not None else self.importance(units)
        return self.score_grams([self.grams_at(units, i) for i in range(len(units))], weights)

    def score_grams(
        self, position_grams: Sequence[Sequence[str]], weights: Sequence[float]
    ) -> np.ndarray:
        """Coverage when each question position may be matched by any of its grams."""
        total = sum(weights)
        if total <= 0:
            return np.zeros(self.size, dtype=np.float32)
        return self.weigh(self.matches(position_grams), weights) / total

    def matches(
        self,
        position_grams: Sequence[Sequence[str]],
        weak: Collection[str] = (),
    ) -> np.ndarray:
        """For each question position (rows), how well each item (columns) matches it: the
        best field weight among the position's grams, 0 where none. Built once per question
        and weighed several ways (`weigh`)."""
        rows, postings = [], []
        for row, grams in enumerate(position_grams):
            for gram in grams:
                posting = self.postings.get(gram)
                if posting is not None:
                    rows.append(row)
                    postings.append(
                        (posting[0], posting[1] * WEAK_PAIR) if gram in weak else posting
                    )
        matched = np.zeros(len(position_grams) * self.size, dtype=np.float32)
        if postings:
            # All postings at once: numpy's per-call overhead, not the corpus, dominates here.
            lengths = [len(posting[0]) for posting in postings]
            cells = np.repeat(np.array(rows, dtype=np.int64) * self.size, lengths)
            cells += np.concatenate([posting[0] for posting in postings])
            np.maximum.at(matched, cells, np.concatenate([posting[1] for posting in postings]))
        return matched.reshape(len(position_grams), self.size)

    @staticmethod
    def weigh(matched: np.ndarray, weights: Sequence[float]) -> np.ndarray:
        """The weighted sum of `matches` rows: each item's matched weight of the question."""
        if not len(matched):
            return np.zeros(matched.shape[1], dtype=np.float32)
        return np.asarray(weights, dtype=np.float32) @ matched


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True, slots=True)
class _DetailsAsked:
    """The details a question asks for, which an answering item must give."""

    ordinals: frozenset[int]
    versions: frozenset[float]
    counters: str  # the counters of the number asked (人位名 for 多少人)
    name: str  # what a name is asked of: "person", "work", "thing" or ""
    counted: tuple[tuple[str, str], ...]  # (30, 周年)
    exact_date: str
    money: str
    besides: str  # X of 除了X还有
    which_ones: bool
    word: str  # a detail word (电话, 地址, 怎么报名 …)
    place: str  # where it was (在哪里办的): the words that ask it
    guests: bool  # who spoke or came (请了哪些嘉宾): only an item naming people answers
    figure: bool  # a number is asked (多少, how many): only an item with a figure answers
    stock: str = ""  # what a whole-city count asks for (广州有多少台资企业: 台资企业)

    @classmethod
    def only_word(cls, word: str) -> _DetailsAsked:
        return cls(frozenset(), frozenset(), "", "", (), "", "", "", False, word, "", False, False)

    def any(self) -> bool:
        return bool(
            self.ordinals or self.versions or self.counters or self.name or self.counted
            or self.exact_date or self.money or self.besides or self.which_ones or self.word
            or self.place or self.guests or self.figure or self.stock
        )  # fmt: skip


@dataclass(slots=True)
class _Reading:
    """A question's units read as words, and how every item matches them: built once per
    question (one search reads its question several times) and kept for the last few."""

    units: list[str]
    general: list[float]  # each unit's general-language weight
    joins: list[bool]  # whether units i and i+1 may count as a pair
    importance: list[float]
    char_matches: np.ndarray  # positions × items, see CoverageIndex.matches
    weak: frozenset[str] = frozenset()  # pairs across two whole words
    _sound_matches: np.ndarray | None = None

    def sound_matches(self, pinyin: CoverageIndex) -> np.ndarray:
        if self._sound_matches is None:
            units = self.units
            pairs = half_sound_pairs(units, [pinyin_of(u) for u in units])
            # two grams per pair of neighbouring units
            grams = [
                pairs[2 * i - 2 : 2 * i + 2] if i > 0 else pairs[0:2] for i in range(len(units))
            ]
            weak = {
                gram
                for pair in self.weak
                for gram in half_sound_pairs(
                    pair.split("\t"), [pinyin_of(u) for u in pair.split("\t")]
                )
            }
            # As written is as good as by sound.
            self._sound_matches = np.maximum(pinyin.matches(grams, weak), self.char_matches)
        return self._sound_matches


@dataclass(frozen=True, slots=True)
class _Analysis:
    chars: int  # document ids in the character and word indexes
    words: int | None
    normalized: str


@dataclass
class _Fields:
    """The searchable text of one item, field by field."""

    chinese: list[tuple[str, float, bool]] = field(default_factory=list)  # text, weight, by sound
    english: list[tuple[str, float]] = field(default_factory=list)


class ReportIndex:
    """Everything needed to answer a question, built once from the knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.items: list[Item] = sorted(kb.all_items(), key=lambda i: (i.report_id, i.id))
        self.positions = {item.id: index for index, item in enumerate(self.items)}
        lexicon = kb.lexicon
        self._alias_pattern, self._alias_map = self._compile_aliases(lexicon.aliases)
        self._stopwords = self._compile_words(lexicon.stopwords)
        self._set_words = self._compile_words(lexicon.set_words)
        self._number_words = self._compile_words(lexicon.number_words)
        # A city some loaded report is about is never "another place"; naming it (or a report's
        # year) points the question at that report.
        self._report_cities: dict[str, set[str]] = defaultdict(set)
        # Read once here: pinyin_readings reads pypinyin's table afresh when not cached.
        self._city_sounds_of = {r.id: self._city_sounds(r) for r in kb.reports if r.city}
        for report in kb.reports:
            if report.city:
                city = normalize(report.city)
                # The city as people write it: 广州, and its lexicon variants (穗, 羊城 …).
                forms = [city, *(normalize(v) for v in lexicon.aliases.get(report.city, ()))]
                # …and in English: its English name, or its pinyin (深圳 → shenzhen).
                forms += self._city_sounds_of[report.id]
                for form in forms:
                    if form:
                        self._report_cities[form].add(report.id)
        # The home city is a place too: with none of its reports loaded, it is another place.
        named = {normalize(p) for p in (*lexicon.other_places, lexicon.home_city) if p}
        self._other_places = tuple(sorted(named - set(self._report_cities), key=len))
        places = [place for place in self._other_places if place]
        readings = pinyin_readings(frozenset(char for place in places for char in place))
        self._other_place_sounds = [
            (place, "".join(sounds))
            for place in places
            for sounds in itertools.product(*(readings.get(c, [c])[:3] for c in place))
        ]
        self._date_words = self._compile_words(lexicon.date_words)
        self._exact_date_words = self._compile_words(lexicon.exact_date_words)
        self._money_words = self._compile_words(lexicon.money_words)
        self._detail_words = self._compile_words(lexicon.detail_words)
        self._english_details = {
            "exact date": [w for w in lexicon.exact_date_words if w.isascii()],
            "money": [w for w in lexicon.money_words if w.isascii()],
            "detail": [w for w in lexicon.detail_words if w.isascii()],
        }
        self._generic_words = self._compile_words(lexicon.generic_words)
        self._smalltalk = {normalize(w) for w in lexicon.smalltalk} - {""}
        self._courtesy = _courtesy_pattern(lexicon.smalltalk)
        self._english_date = {w for w in lexicon.date_words if w.isascii()}
        self._english_stop = {w for w in lexicon.stopwords if w.isascii()}
        self._english_set = {w for w in lexicon.set_words if w.isascii()}
        self._english_number = {w for w in lexicon.number_words if w.isascii()}

        size = len(self.items)
        self._section_numbers: dict[str, int] = {}
        self.chars = CoverageIndex(size)
        self.pinyin = CoverageIndex(size, token_unigrams=False)
        # English is matched against a small vocabulary (the items' English aliases), so most
        # words of an English question are unknown to it; such a word weighs as the rarest
        # known word, not more, or every verb ("won", "hired") would sink a good match.
        self.words = CoverageIndex(size, pairs=False, unknown_as_rarest=True)
        self.months: dict[int, list[int]] = defaultdict(list)
        self.labels: dict[str, list[int]] = defaultdict(list)
        self.people: dict[str, list[int]] = defaultdict(list)
        self.entities: dict[str, list[int]] = defaultdict(list)
        self.report_years = {r.year for r in kb.reports}
        # Questions fixed from the chat (learned_key → item id). The one part of the index that
        # changes after it is built: Services fills it from the database and on each fix.
        self.learned: dict[str, str] = {}
        self._general = general_frequencies()
        self._readings: dict[str, _Reading] = {}
        self._section_shares: dict[tuple[int, str], np.ndarray] = {}
        self._posting_sets: dict[str, frozenset[int]] = {}
        self.has_figures = np.array([bool(i.figures) for i in self.items], dtype=bool)
        by_date = sorted(range(len(self.items)), key=lambda i: self.items[i].sort_key())
        self.date_rank = [0] * len(self.items)
        for rank, index in enumerate(by_date):
            self.date_rank[index] = rank
        self.figure_units = [{f.unit for f in i.figures} for i in self.items]
        self.has_date = np.array([bool(i.date and i.date.month) for i in self.items], dtype=bool)
        self.has_people = np.array([bool(i.people) for i in self.items], dtype=bool)
        self._analysis_cache: dict[str, _Analysis] = {}
        self._sound_docs: dict[str, int] = {}
        self._sound_cache: dict[str, str] = {}
        for index, item in enumerate(self.items):
            self._index_item(index, item)
        self._share_day_labels()
        self.twins = self._twins()
        self.item_text = [self._analyse(item.text).normalized for item in self.items]
        self.ordinals = [_ordinals(text) for text in self.item_text]
        self._known_text = "|".join(
            [*self.item_text, *(normalize(r.intro) for r in kb.reports),
             *(normalize(i.title) for i in self.items)]
        )  # fmt: skip
        # The reports' titles, and their author (广州市台办, 深圳台办): every item is its work.
        subjects = [r.title for r in kb.reports]
        subjects += [f"{r.city}{city}台办" for r in kb.reports if r.city for city in ("", "市")]
        self._title_pairs = {
            pair
            for subject in subjects
            for pair in itertools.pairwise(units_of(self.canonical(normalize(subject))))
        }
        self._title_words = {
            english_stem(word)
            for r in kb.reports
            for word in english_words(f"{r.title_en} {r.city_en}")
            if not word.isdigit()
        } | {sound for sounds in self._city_sounds_of.values() for sound in sounds}  # shenzhen
        self._names_by_sound: dict[str, list[str]] = defaultdict(list)
        for name in self.people:
            if has_cjk(name) and 2 <= len(name) <= 4:
                self._names_by_sound["".join(map(pinyin_of, name))].append(name)
        self._name_initials = {name[0] for names in self._names_by_sound.values() for name in names}
        self.item_phrases = [
            self.canonical(f"{text}|{normalize(item.title)}")
            for text, item in zip(self.item_text, self.items, strict=True)
        ]
        self._analysis_cache.clear()
        self._sound_docs.clear()
        numbers = self._section_numbers
        section_of = []
        for item in self.items:
            section_of.append(numbers.setdefault(item.section_id, len(numbers)))
        self.section_of = np.array(section_of, dtype=np.int32)
        self._section_ids = list(self._section_numbers)
        self.chars.finalize()
        self.pinyin.finalize()
        self.words.finalize()
        self._build_section_index()
        self.untranslated = np.array([not item.text_en for item in self.items], dtype=bool)
        self._report_numbers = {report.id: n for n, report in enumerate(kb.reports)}
        self.report_of = np.array(
            [self._report_numbers[item.report_id] for item in self.items], dtype=np.int32
        )
        # With several cities' reports loaded, a question about one city is answered by an
        # index of that city's reports alone, as if the others weren't there: their items would
        # shift every word's weight.
        by_city: dict[str, list[Report]] = defaultdict(list)
        for report in kb.reports:
            by_city[report.city].append(report)
        self._city_indexes = {
            frozenset(r.id for r in reports): ReportIndex(KnowledgeBase(tuple(reports), kb.lexicon))
            for city, reports in by_city.items()
            if city and len(by_city) > 1
        }
        home = by_city.get(kb.lexicon.home_city, []) if kb.lexicon.home_city else []
        self._home_reports = frozenset(r.id for r in home)
        self._home_index = self._city_indexes.get(self._home_reports)
        self._rarest_pair = max(self.chars.idf.values(), default=self.chars.oov_idf)
        self.bridge = self._english_bridge() if self.untranslated.any() else None
        self._names_by_pinyin = self._pinyin_names() if self.bridge is not None else {}
        # Words an English question must keep as written: TVBS is no plural of "tvb", nor
        # Zhenying an -ing form.
        self._unstemmed = frozenset(
            {w for name in self.people if name.isascii() for w in name.split()}
            | {g for g in self.chars.postings if g.isascii() and g.isalpha()}
            | set(self._names_by_pinyin)
        )
        self._english_terms = sorted(
            ((english_key(en), zh) for zh, names in lexicon.english.items() for en in names),
            key=lambda pair: -len(pair[0]),
        )
        self._surname_chars: dict[str, str] = defaultdict(str)
        for char in COMMON_SURNAMES:
            self._surname_chars[pinyin_of(char)] += char
        self.vocabulary = self._domain_vocabulary()
        # Domain words of Chinese and Latin together (大V), which segmentation, working on
        # Chinese runs, would split: kept whole by hand.
        self._mixed_words = [
            tuple(units_of(w)) for w in self.vocabulary if any(c.isascii() for c in w)
        ]
        # Everyday words (片子, 发钱) and the words reports use for them (纪录片, 补贴).
        # A word the aliases rewrite (台青 to 台湾青年) is the report's own word already.
        self._everyday = {
            self.canonical(normalize(word)): [normalize(form) for form in forms]
            for word, forms in lexicon.everyday.items()
            if self._alias_map.get(normalize(word), normalize(word)) == normalize(word)
        }
        self._everyday_pattern = self._compile_words(self._everyday)
        self._everyday_items: dict[str, np.ndarray] = {}  # filled as questions use them
        self._city_items: dict[str, np.ndarray] = {}
        self._city_pattern = self._compile_words(self._report_cities)
        self._roles_of: dict[str, set[str]] = defaultdict(set)
        self._items_by_role: dict[str, set[int]] = defaultdict(set)
        for index, item in enumerate(self.items):
            for person in item.people:
                for role in _roles_in_context(person.role, item.organizations):
                    canonical_role = self.canonical(normalize(role))
                    self._roles_of[item.report_id].add(canonical_role)
                    self._items_by_role[canonical_role].add(index)
        self._roles = set().union(*self._roles_of.values())
        # Offices by their last character: the report's own, and those any city has (主任 of
        # 市委台办主任 is an office, though this report names no 主任).
        self._role_endings = {role[-1] for role in self._roles} | set(_OFFICE_ENDINGS)
        self._english_vocab = list(self.words.postings)
        self._english_names = [name for name in self.people if name.isascii()]
        self._name_lengths = sorted(
            {len(n) for n in (*self.people, *self.entities) if len(n) > 1}, reverse=True
        )
        # "Futian" is 福田 of the report, not 莆田 (pú or fǔ) elsewhere.
        own = {"".join(map(pinyin_of, name)) for name in self.entities if has_cjk(name)}
        self._other_place_sounds = [(p, s) for p, s in self._other_place_sounds if s not in own]

    def forget_questions(self) -> None:
        """Drop what was remembered of recent questions (benchmarks time every search cold)."""
        self._readings.clear()

    # -- building

    def _english_bridge(self) -> EnglishBridge:
        """English → Chinese for the items without English, built only when some exist."""
        vocabulary = "|".join(self.item_text[i] for i in np.flatnonzero(self.untranslated))
        pairs = [(p.name, p.name_en) for i in self.items for p in i.people if p.name_en]
        pairs += [(i.title, i.title_en) for i in self.items if i.title_en]
        pairs += [(zh, en) for zh, names in self.kb.lexicon.english.items() for en in names]
        return EnglishBridge(vocabulary, parallel=pairs)

    def _pinyin_names(self) -> dict[str, list[str]]:
        """Parts of the untranslated items' names (organisations, places, keywords) by their
        pinyin, for an English question that writes a name as it sounds (Mazu → 妈祖, Daxin →
        大新 of 大新美术馆), when the dictionary has no such English word."""
        found: dict[str, list[str]] = defaultdict(list)
        for index in np.flatnonzero(self.untranslated):
            item = self.items[int(index)]
            names = (*item.organizations, *item.places, *item.keywords)
            # and the title's words (岭南 of 台湾青年岭南行优秀组织奖), however long it is
            for name in [*(n for n in names if len(n) <= PINYIN_NAME_MAX), item.title]:
                name = normalize(name)
                if not has_cjk(name):
                    continue
                for size in (2, 3):
                    for start in range(len(name) - size + 1):
                        part = name[start : start + size]
                        key = "".join(pinyin_of(char) for char in part)
                        if key.isascii() and key.isalpha() and part not in found[key]:
                            found[key].append(part)
        return dict(found)

    def _domain_vocabulary(self) -> frozenset[str]:
        """The report's own words (names, organisations, places, keywords, the lexicon's
        canonical forms, topic words), which a question's segmentation keeps whole."""
        words: set[str] = set(self._alias_map.values())
        for item in self.items:
            words.update(p.name for p in item.people)
            words.update((*item.organizations, *item.places, *item.keywords))
        for section in self.kb.sections.values():
            words.update(section.aliases_zh)
        vocabulary = {self.canonical(normalize(w)) for w in words}
        return frozenset(w for w in vocabulary if len(w) > 1 and not w.isascii())

    def _build_section_index(self) -> None:
        """Each topic and highlight by its own words (title, description, aliases), so that a
        question naming a topic with 哪些 / 都有什么 / "all" gets the topic: the mapping comes
        from the data, not from code."""
        self.section_list = [s for r in self.kb.reports for s in r.sections() if s.all_items()]
        size = len(self.section_list)
        # Single characters count too: a topic word is often one (奖 in 拿过哪些奖).
        self.section_chars = CoverageIndex(size, char_unigrams=True)
        self.section_words = CoverageIndex(size, pairs=False, unknown_as_rarest=True)
        for index, section in enumerate(self.section_list):
            zh = [section.title, section.description_zh, *section.aliases_zh]
            en = [section.title_en, section.description_en, *section.aliases_en, section.command]
            chars = [self.section_chars.document(units_of(self.canonical(normalize(t))))
                     for t in zh if t]  # fmt: skip
            self.section_chars.add(index, chars, [1.0] * len(chars))
            words = [
                self.section_words.document(
                    [english_stem(w) for w in english_words(t) if w not in self._english_stop]
                )
                for t in en
                if t
            ]
            self.section_words.add(index, words, [1.0] * len(words))
        self.section_chars.finalize()
        self.section_words.finalize()
        members = np.zeros((len(self.items), size), dtype=bool)
        for index, section in enumerate(self.section_list):
            for item in section.all_items():
                members[self.positions[item.id], index] = True
        self.section_members = members
        self.section_sizes = np.maximum(members.sum(axis=0), 1)

    @staticmethod
    def _compile_aliases(
        aliases: dict[str, tuple[str, ...]],
    ) -> tuple[re.Pattern[str], dict[str, str]]:
        mapping: dict[str, str] = {}
        for canonical, variants in aliases.items():
            target = normalize(canonical)
            for variant in variants:
                key = normalize(variant)
                if key and key != target and has_cjk(key):
                    mapping[key] = target
            # A canonical form rewrites to itself, so a shorter variant inside it
            # (市 in 广州市台资企业协会) cannot break it apart.
            mapping[target] = target
        if not mapping:
            return re.compile(r"(?!x)x"), mapping
        alternatives = sorted(mapping, key=len, reverse=True)
        return re.compile("|".join(re.escape(a) for a in alternatives)), mapping

    @staticmethod
    def _compile_words(words: Iterable[str]) -> re.Pattern[str]:
        keys = sorted({normalize(w) for w in words if has_cjk(w)} - {""}, key=len, reverse=True)
        return re.compile("|".join(re.escape(k) for k in keys)) if keys else re.compile(r"(?!x)x")

    def canonical(self, normalized: str) -> str:
        return self._alias_pattern.sub(lambda m: self._alias_map[m.group(0)], normalized)

    def _item_fields(self, item: Item) -> _Fields:
        fields = _Fields()
        weights = FIELD_WEIGHTS

        def zh(texts: Iterable[str], weight: float) -> None:
            # Matching by sound only on names and short labels: on whole sentences it would
            # let unrelated words with the same syllables match.
            by_sound = weight >= weights["organizations"]
            fields.chinese.extend((t, weight, by_sound) for t in texts if t)

        def en(texts: Iterable[str], weight: float) -> None:
            fields.english.extend((t, weight) for t in texts if t)

        zh([item.title], weights["title"])
        zh(item.keywords, weights["keywords"])
        zh(item.aliases_zh, weights["aliases"])
        zh((p.name for p in item.people), weights["people"])
        zh((p.role for p in item.people), weights["roles"])
        zh(item.organizations, weights["organizations"])
        zh(item.places, weights["places"])
        zh((f.counts for f in item.figures), weights["figures"])
        zh([item.text], weights["text"])
        en([item.title_en], weights["title"])
        en([item.text_en], weights["text"])
        en(item.aliases_en, weights["aliases"])
        en((p.name_en for p in item.people), weights["people"])
        for section in self.kb.breadcrumb(item):
            zh([section.title, *section.aliases_zh], weights["section"])
            en([section.title_en, section.description_en, *section.aliases_en], weights["section"])
        return fields

    def _analyse(self, text: str) -> _Analysis:
        """A field's documents in the three indexes, made once per distinct text."""
        cached = self._analysis_cache.get(text)
        if cached is not None:
            return cached
        normalized = normalize(text)
        units = units_of(self.canonical(normalized))
        words = [english_stem(w) for w in english_words(text) if w not in self._english_stop]
        cached = _Analysis(
            self.chars.document(units),
            self.words.document(words) if words else None,
            normalized,
        )
        self._analysis_cache[text] = cached
        return cached

    def _sound_document(self, text: str) -> int:
        """The field's half-sound pairs, made only for fields matched by sound."""
        cached = self._sound_docs.get(text)
        if cached is None:
            units = units_of(self.canonical(self._analyse(text).normalized))
            sounds = [self._sound(u) for u in units]
            cached = self.pinyin.document(sounds, half_sound_pairs(units, sounds))
            self._sound_docs[text] = cached
        return cached

    def _sound(self, unit: str) -> str:
        cached = self._sound_cache.get(unit)
        if cached is None:
            cached = self._sound_cache[unit] = pinyin_of(unit)
        return cached

    def _twins(self) -> list[frozenset[int]]:
        """For each item, the others that quote one of its names (“榕台e家” in the award and
        in the account's own item): two tellings of one thing."""
        by_name: dict[str, set[int]] = defaultdict(set)
        for index, item in enumerate(self.items):
            for name in _QUOTED_NAME.findall(item.text):
                if len(name) > 4:  # three characters or more inside the marks
                    by_name[name].add(index)
        twins: list[set[int]] = [set() for _ in self.items]
        for indexes in by_name.values():
            if 1 < len(indexes) <= 3:
                for index in indexes:
                    twins[index] |= indexes - {index}
        return [frozenset(t) for t in twins]

    def _share_day_labels(self) -> None:
        """An event on a labelled item's very day has the label too: the 端午 visit's day
        (5月31日) is also the day of the dragon-boat race, whose own text says no 端午."""
        days: dict[tuple[str, int | None, int, int], list[int]] = defaultdict(list)
        for index, item in enumerate(self.items):
            if item.date and item.date.month and item.date.day:
                key = (item.report_id, item.date.year, item.date.month, item.date.day)
                days[key].append(index)
        for label, indexes in list(self.labels.items()):
            shared = {
                other
                for index in indexes
                if (date := self.items[index].date) and date.month and date.day
                for other in days[(self.items[index].report_id, date.year, date.month, date.day)]
            }
            self.labels[label] = sorted(set(indexes) | shared)

    def _index_item(self, index: int, item: Item) -> None:
        fields = self._item_fields(item)
        docs: dict[str, tuple[list[int], list[float]]] = {
            "chars": ([], []), "sounds": ([], []), "words": ([], [])
        }  # fmt: skip
        for text, weight, by_sound in fields.chinese:
            analysis = self._analyse(text)
            docs["chars"][0].append(analysis.chars)
            docs["chars"][1].append(weight)
            if by_sound:
                docs["sounds"][0].append(self._sound_document(text))
                docs["sounds"][1].append(weight)
            # English words inside Chinese fields (TVBS, ChinaDaily) also serve English questions.
            if analysis.words is not None:
                docs["words"][0].append(analysis.words)
                docs["words"][1].append(weight)
        for text, weight in fields.english:
            analysis = self._analyse(text)
            if analysis.words is not None:
                docs["words"][0].append(analysis.words)
                docs["words"][1].append(weight)
        self.chars.add(index, *docs["chars"])
        self.pinyin.add(index, *docs["sounds"])
        self.words.add(index, *docs["words"])
        if item.date and item.date.month:
            self.months[item.date.month].append(index)
        if item.date and item.date.label:
            self.labels[normalize(item.date.label)].append(index)
        for entity in (*item.organizations, *item.places):
            key = self.canonical(normalize(entity))
            if len(key) > 1 and index not in self.entities[key]:
                self.entities[key].append(index)
        for person in item.people:
            self.people[normalize(person.name)].append(index)
            # A name is written in pinyin too (宋涛 → song tao; 梁振英, Leung Chun-ying in
            # the report's English, → liang zhenying).
            for name_en in {person.name_en, pinyin_name(person.name)} - {""}:
                self.people[" ".join(english_words(name_en))].append(index)

    # -- understanding the question

    def parse(self, question: str) -> Query:
        asked_as = clean_text(question, MAX_QUERY_CHARS)
        script = detect_script(asked_as)
        cleaned = self._simplified_as_the_reports(asked_as) if script == "hant" else asked_as
        text_whole = normalize(cleaned)
        # "……有多少人参加？谢谢。": the greeting or thanks around a question is no part of it.
        text = normalize(_without_courtesy_clauses(self._courtesy.sub("", cleaned))) or text_whole
        months: set[int] = set()
        years = {int(y) for y in _YEAR_PATTERN.findall(text)}
        text = _YEAR_PATTERN.sub("", text)
        this_year = datetime.date.today().year
        years |= {this_year - _count(n) for n in _YEARS_AGO.findall(text) if _count(n) > 0}
        text = _YEARS_AGO.sub("", text)
        # 24年11月: a year in two digits, before a month
        years |= {2000 + int(y) for y in _SHORT_YEAR.findall(text)}
        text = _SHORT_YEAR.sub("", text)
        day_match = _DAY_PATTERN.search(text)
        for match in _MONTH_PATTERN.finditer(text):
            months.add(int(match.group(1)) if match.group(1) else _CN_MONTH[match.group(2)])
        text = _MONTH_PATTERN.sub("", text)
        day = int(day_match.group(1)) if day_match and months else None
        if day is not None:
            text = _DAY_PATTERN.sub("", text)
        for word, period in _PERIOD_WORDS.items():
            if word in text:
                months.update(period)
                text = text.replace(word, "")
        labels = [_FESTIVALS[found] for found in _FESTIVAL.findall(text)]
        text = _FESTIVAL.sub("", text)
        # the 10th forum: read before normalising joins the words
        ordinals = _ordinals(text) | {int(n) for n in _ENGLISH_ORDINAL.findall(cleaned.lower())}
        plain = text  # before the aliases, which may take a place in (广州南沙 → 南沙)
        text = self.canonical(text)
        wants_set = bool(self._set_words.search(text))
        wants_number = bool(self._number_words.search(text))
        asked_unit = _ASKED_UNIT.search(text)
        wants_date = bool(self._date_words.search(text))
        # Taken-out words leave a space: the words on either side stay apart (see _reading).
        for pattern in (self._set_words, self._number_words, self._date_words):
            text = pattern.sub(" ", text)
        text = self._generic_words.sub(self._generic_unless_in_a_phrase, text)
        text = self._stopwords.sub(" ", text)
        text = " ".join(text.split())
        smalltalk = text_whole in self._smalltalk or bool(_ABOUT_THE_BOT.search(text_whole))
        other_place = None
        # Named in the question (or written out, though an alias of the home report's takes it
        # in when that report is not loaded: 广州南沙 → 南沙, 广州市台办 → 市委台办) …
        if places := [p for p in self._other_places if p and (p in text or p in plain)]:
            asked = normalize(_without_asker(cleaned))  # …but not as where the asker is from
            canonical_asked = self.canonical(asked)  # (我是厦门一所大学的研究生)
            other_place = next(
                (
                    p
                    for p in places
                    if (p in text and p in canonical_asked) or (p in plain and p in asked)
                ),
                None,
            )
        if other_place is None and (said := set(english_words(cleaned))):
            # Xiamen, Shenzhen: another place named in English, by its pinyin.
            other_place = next((p for p, sound in self._other_place_sounds if sound in said), None)
        # Before aliases: 台协 → 广州市台资企业协会 must not make a question name Guangzhou.
        # 深圳有没有类似“乐居广州”的补贴: the city inside what it is compared with is not asked.
        named = self._reports_named(normalize(_COMPARED.sub("，", cleaned)), years)

        english: list[str] = []
        if not has_cjk(cleaned) and re.search("[a-z]", cleaned.lower()):
            words = english_words(cleaned)
            lowered = " ".join(words)
            # "the Mid-Autumn Festival", "Chinese New Year": a date, as 中秋, 春节 are.
            festivals = [
                f
                for f in _FESTIVALS_EN.finditer(lowered)
                if f.group(2) or f.group(1) in _FESTIVAL_ALONE or " " in f.group(1)
            ]
            labels += [_FESTIVAL_OF_EN[f.group(1)] for f in festivals]
            for found in reversed(festivals):
                lowered = lowered[: found.start()] + lowered[found.end() :]
            words = lowered.split()
            wants_set |= (
                any(w in self._english_set for w in words)
                or any(phrase in lowered for phrase in self._english_set if " " in phrase)
                # "what awards", "which events": a plural after what/which asks for a set
                or bool(_ENGLISH_PLURAL_ASKED.search(lowered))
                or bool(_ENGLISH_WHAT_DONE.search(lowered))
            )
            wants_date |= any(w in self._english_date for w in words)
            for ago in _ENGLISH_YEARS_AGO.findall(lowered):  # "ten years ago"
                years.add(datetime.date.today().year - (_ENGLISH_COUNTS.get(ago) or int(ago)))
            wants_number |= any(
                phrase in lowered for phrase in self._english_number if " " in phrase
            ) or any(w in self._english_number for w in words)
            for word in words:
                if (word in _EN_MONTHS and word != "may") or (
                    word == "may" and (len(words) <= 3 or _ENGLISH_MAY_MONTH.search(lowered))
                ):
                    months.add(_EN_MONTHS[word])
                elif word.isdigit() and len(word) == 4:
                    years.add(int(word))
                elif _CONTRACTION.sub("", word) not in self._english_stop:
                    english.extend(self._english_pieces(word))
            text = ""
        return Query(
            original=question,
            cleaned=asked_as,
            script=script,
            content=text,
            months=frozenset(months),
            day=day,
            years=frozenset(years),
            labels=tuple(labels),
            wants_set=wants_set,
            wants_number=wants_number,
            number_unit=asked_unit.group(1) if asked_unit and asked_unit.group(1) != "个" else "",
            wants_date=wants_date,
            smalltalk=smalltalk,
            ordinals=frozenset(ordinals),
            english=tuple(english),
            other_place=other_place,
            reports=frozenset(named),
            normalized=text_whole,
        )

    def _simplified_as_the_reports(self, text: str) -> str:
        """A Traditional question in Simplified: by tw2sp's Taiwan phrases (軟體 → 软件), unless
        the characters' own Simplified words are more the reports' (線上 is the reports' 线上,
        not tw2sp's 在线; 文件 is no 文档)."""
        phrased, literal = to_simplified(text), to_simplified_characters(text)
        if phrased == literal:
            return phrased

        def known(simplified: str) -> int:
            units = units_of(normalize(simplified))
            return sum(_pair(a, b) in self.chars.postings for a, b in itertools.pairwise(units))

        return literal if known(literal) > known(phrased) else phrased

    def _generic_unless_in_a_phrase(self, match: re.Match[str]) -> str:
        """A generic word (工作, 活动) goes, unless the items have it with both its neighbours:
        the 工作 of 对台工作会 is part of 对台工作会议."""
        text, start, end = match.string, match.start(), match.end()
        word = match.group(0)
        if start == 0 or end == len(text):
            return " "
        before = self.chars.postings.get(_pair(text[start - 1], word[0]))
        after = self.chars.postings.get(_pair(word[-1], text[end]))
        if before is None or after is None:
            return " "
        phrase = text[start - 1 : end + 1]
        candidates = self._posting_set(_pair(text[start - 1], word[0]), before[0]) & (
            self._posting_set(_pair(word[-1], text[end]), after[0])
        )
        if any(phrase in self.item_text[i] for i in candidates):
            return word
        return " "

    def _english_pieces(self, word: str) -> list[str]:
        """A hyphenated word no item and no dictionary knows (micro-documentary,
        Shenzhen-Taiwan) is its parts; a known one (cross-strait, Chun-ying) stays whole."""
        if word in self._unstemmed:
            return [word]
        stem = english_stem(word)
        if "-" not in word or stem in self.words.postings:
            return [stem]
        if self.bridge is not None and self.bridge.chinese_for([word])[0]:
            return [stem]
        parts = [p for p in word.split("-") if p and p not in self._english_stop]
        return [english_stem(p) for p in parts] or [stem]

    def _reports_named(self, text: str, years: set[int]) -> set[str]:
        # The text is in matching form: an English question's words run together there
        # ("shenzhens45measures…"), so a city's romanisation is found as a substring.
        """The reports a question names by year, by city, or both (only when more than one
        report is loaded; with one, the year check is the refusal's job)."""
        if len(self.kb.reports) < 2:
            return set()
        by_year = {r.id for r in self.kb.reports if r.year in years}
        by_city = {rid for city, ids in self._report_cities.items() if city in text for rid in ids}
        if by_year and by_city:
            # 广州 in 2024 when only Shenzhen has a 2024 report: no report covers it.
            return (by_year & by_city) or {NO_REPORT}
        return by_year or by_city

    # -- ranking

    def _english_units(self, words: Sequence[str]) -> list[str]:
        units = []
        for word in words:
            if word in self.words.postings or not self._english_vocab:
                units.append(word)
                continue
            # A known word it starts with (businessmen → business) before a look-alike
            # (businessmen → businesswomen); then a close spelling for typos.
            prefixes = [w for w in self._english_vocab if len(w) >= 5 and word.startswith(w)]
            if prefixes:
                units.append(max(prefixes, key=len))
                continue
            if word in english_vocabulary():
                units.append(word)  # real English the report doesn't have: no typo of its words
                continue
            match = process.extractOne(
                word, self._english_vocab, scorer=fuzz.ratio, score_cutoff=80
            )
            units.append(match[0] if match else word)
        return units

    def _option_grams(self, option: str) -> list[str]:
        """The indexed grams of a Chinese candidate (its pairs), or a Latin one as it is."""
        grams = self.chars.grams(units_of(option)) if has_cjk(option) else [option]
        return [gram for gram in grams if gram in self.chars.postings]

    def _holding(self, forms: Sequence[str]) -> np.ndarray:
        """The items whose text has one of `forms` verbatim."""
        return np.array([any(f in text for f in forms) for text in self.item_text], dtype=bool)

    def _bridged_phrases(self, words: Sequence[str]) -> list[tuple[int, int, np.ndarray]]:
        """Phrases of the question the dictionary or the lexicon knows (take part → 参加,
        Taiwan Affairs Office → 台办), longest first and not overlapping: (start, end, the
        items that have one of its Chinese forms verbatim)."""
        assert self.bridge is not None
        found: list[tuple[int, int, np.ndarray]] = []
        taken: set[int] = set()
        for start, end, options in self.bridge.phrases(words):
            if taken.intersection(range(start, end)):
                continue
            holders = self._holding([normalize(o) for o in options if len(o) > 1])
            if holders.any():
                taken.update(range(start, end))
                found.append((start, end, holders))
        return found

    def _bridged_scores(self, words: Sequence[str]) -> np.ndarray:
        """Coverage of an English question by each item's Chinese text: each English word is
        one position, matched by any pair of its two-character candidates, by a longer one
        whole, or by an item that has a known phrase it is part of; a word with no candidate
        stays unmatched and weighs as a word no item has."""
        bridged = self._bridged_matches(words)
        if bridged is None:
            return np.zeros(len(self.items), dtype=np.float32)
        return self._coverage(*bridged)

    def _bridged_matches(
        self, words: Sequence[str]
    ) -> tuple[np.ndarray, list[float], list[float]] | None:
        """For `_bridged_scores`: how each item matches each word, and the words' weights."""
        assert self.bridge is not None
        position_grams: list[list[str]] = []
        weights: list[float] = []
        verbatim: list[tuple[int, list[str]]] = []
        general: list[float] = []
        for word, options in zip(words, self.bridge.chinese_for(words), strict=True):
            if ordinal := _ENGLISH_ORDINAL_WORD.fullmatch(word):
                word = ordinal.group(1)  # 33rd (anniversary): 33周年
            if word.isdigit() or word in self.chars.postings:
                options = [word, *options]  # 45 (of 45条), TVBS: as written in the text
            elif not options:
                options = self._names_by_pinyin.get(word, [])[:MAX_PINYIN_NAMES]  # mazu → 妈祖
            # A long candidate (海峡两岸关系协会 for ARATS) must be there whole: any one of its
            # pairs (协会) would match every association.
            long = [normalize(o) for o in options if has_cjk(o) and len(o) > 2]
            short = [o for o in options if len(o) > 1 and not (has_cjk(o) and len(o) > 2)]
            grams = [gram for option in short for gram in self._option_grams(option)]
            if long:
                verbatim.append((len(position_grams), long))
            position_grams.append(grams)
            grams = grams + [gram for option in long for gram in self._option_grams(option)]
            # A word with no Chinese in the report (took, based, outlet) weighs as the rarest
            # pair the report has, not more: English has many words a dictionary maps nowhere.
            weights.append(max((self.chars.idf[g] for g in grams), default=self._rarest_pair))
            # Unmatched, it counts by how informative it is in English at large: "thinking",
            # "whether" are filler; "journalist" or "Lingnan" is something the report lacks.
            general.append(1.0 if grams or long else english_weight(word))
        if not position_grams:
            return None
        matched = self.chars.matches(position_grams)
        for position, forms in verbatim:
            holders = self._holding(forms)
            matched[position, holders] = np.maximum(matched[position, holders], 1.0)
        for start, end, holders in self._bridged_phrases(words):
            matched[start:end, holders] = np.maximum(matched[start:end, holders], 1.0)
        for position, word in enumerate(words):
            if word in self._report_cities and word.isascii():  # Dongguan: 东莞, said by its items
                np.maximum(matched[position], self._city_match(word), out=matched[position])
        return matched, weights, general

    def _english_words_matched(self, query: Query, item_index: int) -> int:
        """How many of an English question's words the item matches, in its English or,
        for an item without English, through the Chinese the words stand for."""
        if self.untranslated[item_index] and self.bridge is not None:
            bridged = self._bridged_matches(query.english)
            return 0 if bridged is None else int((bridged[0][:, item_index] > 0).sum())
        units = self._english_units(query.english)
        grams = [self.words.grams_at(units, i) for i in range(len(units))]
        return int((self.words.matches(grams)[:, item_index] > 0).sum()) if grams else 0

    def _join_report_pairs(self, units: list[str], weights: list[float], words: list[int]) -> None:
        """Two lone common characters that stand together in a few items (新设 of 全市新设台资
        企业) are a word of the report's, whatever a general dictionary splits them into."""
        size = Counter(words)
        for i in range(len(units) - 1):
            lone = size[words[i]] == size[words[i + 1]] == 1 and words[i] != words[i + 1]
            if not lone or max(weights[i], weights[i + 1]) >= 1.0:
                continue  # a whole word already, or one that weighs fully anyway
            posting = self.chars.postings.get(_pair(units[i], units[i + 1]))
            if posting is not None and len(posting[0]) <= REPORT_PAIR_ITEMS:
                weights[i] = weights[i + 1] = 1.0
                words[i + 1] = words[i]

    def _join_mixed_words(self, units: list[str], weights: list[float], words: list[int]) -> None:
        """Make each domain word of Chinese and Latin (大V) found in `units` one whole word."""
        for mixed in self._mixed_words:
            size = len(mixed)
            for start in range(len(units) - size + 1):
                if tuple(units[start : start + size]) == mixed:
                    number = words[start]
                    for position in range(start, start + size):
                        words[position], weights[position] = number, 1.0

    def _reading(self, content: str) -> _Reading:
        """A question's content read as words: each unit's general-language weight, and for
        each neighbouring pair whether it may count as a pair (same word, or both content).
        Where filler was taken out (a space in `content`), words end: 出了什么新的 leaves 出 and
        新, not the rare word 出新."""
        cached = self._readings.get(content)
        if cached is not None:
            return cached
        units: list[str] = []
        general: list[float] = []
        words: list[int] = []
        for number, piece in enumerate(content.split()):
            piece_units = units_of(piece)
            weights, piece_words = self._general.analyse(piece_units, self.vocabulary)
            self._join_mixed_words(piece_units, weights, piece_words)
            self._join_report_pairs(piece_units, weights, piece_words)
            units += piece_units
            general += weights
            words += [number * WORDS_PER_PIECE + word for word in piece_words]
        joins = [
            words[i] == words[i + 1] or min(general[i], general[i + 1]) >= FILLER_EDGE
            for i in range(len(units) - 1)
        ]
        size = Counter(words)
        # A word of two or more characters that no item has (首都) is not in the report: its
        # characters met at a word's edge (湾首 of 台湾|首来族) are no match of it.
        unknown = {words[i] for i in range(len(units) - 1) if words[i] == words[i + 1]}
        unknown -= {
            words[i]
            for i in range(len(units) - 1)
            if words[i] == words[i + 1] and _pair(units[i], units[i + 1]) in self.chars.postings
        }
        joins = [
            join and (words[i] == words[i + 1] or not {words[i], words[i + 1]} & unknown)
            for i, join in enumerate(joins)
        ]
        grams = [self.chars.grams_at(units, i, joins) for i in range(len(units))]
        importance = self.chars.importance_of(grams)
        # A pair that straddles two whole words (湾大 of 台湾|大选) is weak evidence: the
        # item's 湾大 may be 台湾|大学生.
        weak = {
            f"{units[i]}\t{units[i + 1]}"
            for i in range(len(units) - 1)
            if words[i] != words[i + 1] and min(size[words[i]], size[words[i + 1]]) > 1
        }
        matches = self.chars.matches(grams, weak)
        self._match_implied_words(content, matches)
        reading = _Reading(
            list(units), general, joins, importance, matches, weak=frozenset(weak)
        )  # fmt: skip
        if len(self._readings) >= READINGS_KEPT:
            self._readings.clear()
        self._readings[content] = reading
        return reading

    def _match_implied_words(self, content: str, matches: np.ndarray) -> None:
        """Words of the question that items say in other words count as theirs, in `matches`:
        an everyday word (片子, 发钱) is the item's word reports use for it (纪录片, 补贴), and
        the city of a report (东莞) is half said by every item of it that does not name it."""
        offset = 0
        for piece in content.split():
            spans = [unit.span() for unit in _UNIT_PATTERN.finditer(piece)]
            for pattern, implied in (
                (self._everyday_pattern, self._everyday_match),
                (self._city_pattern, self._city_match),
            ):
                for found in pattern.finditer(piece):
                    inside = [
                        k for k, (s, _) in enumerate(spans) if found.start() <= s < found.end()
                    ]
                    rows = matches[offset + inside[0] : offset + inside[-1] + 1]
                    np.maximum(rows, implied(found.group(0)), out=rows)
            offset += len(spans)

    def _everyday_match(self, word: str) -> np.ndarray:
        """How each item says an everyday word: 1 where it has a word reports use for it."""
        match = self._everyday_items.get(word)
        if match is None:
            holders = self._holding(self._everyday.get(word, []))
            match = self._everyday_items[word] = holders.astype(np.float32)
        return match

    def _city_match(self, city: str) -> np.ndarray:
        """How each item says a city: half, if the item is of that city's report."""
        match = self._city_items.get(city)
        if match is None:
            reports = self._report_cities.get(city, set())
            holders = np.array([item.report_id in reports for item in self.items], dtype=bool)
            match = self._city_items[city] = holders.astype(np.float32) * CITY_IMPLIED
        return match

    def content_scores(self, query: Query) -> np.ndarray:
        if query.english:
            scores = self.words.score(self._english_units(query.english))
            if self.bridge is not None:
                # Items with no English of their own (a report ingested as it was published)
                # are matched through the Chinese the question's words stand for.
                bridged = self._bridged_scores(query.english) * BRIDGE_FACTOR
                scores = np.where(self.untranslated, np.maximum(scores, bridged), scores)
            return scores.astype(np.float32)
        units = units_of(query.content)
        if len(units) < 2 and not (units and len(units[0]) > 1):
            return np.zeros(len(self.items), dtype=np.float32)
        reading = self._reading(query.content)
        by_chars = self._coverage(reading.char_matches, reading.importance, reading.general)
        if by_chars.size and float(by_chars.max()) >= PINYIN_FACTOR:
            return by_chars  # sound (at most PINYIN_FACTOR) cannot beat a match this good
        # Same importance as by characters: sound may rescue a typo, never make a word unknown
        # to the report look common.
        by_sound = self._coverage(
            reading.sound_matches(self.pinyin), reading.importance, reading.general
        )
        return np.maximum(by_chars, by_sound * PINYIN_FACTOR)

    @staticmethod
    def _coverage(
        matches: np.ndarray, importance: Sequence[float], general: Sequence[float]
    ) -> np.ndarray:
        """The share of the question an item covers, where the words it does *not* cover
        count by how informative they are in Chinese at large: filler that no item has
        (了解一下, 给我讲讲) barely lowers the score, a content word no item has (深圳) does."""
        matched = CoverageIndex.weigh(matches, importance)
        discounted = [w * g for w, g in zip(importance, general, strict=True)]
        total = sum(discounted)
        matched_discounted = CoverageIndex.weigh(matches, discounted)
        denominator = matched + total - matched_discounted
        safe = np.where(denominator > 0, denominator, 1.0)
        return np.where(denominator > 0, matched / safe, 0.0).astype(np.float32)

    def _people_in(self, query: Query) -> list[str]:
        if query.english:
            phrase = " ".join(query.english)
            return [name for name in self._english_names if name in phrase]
        found = _names_in(query.content, self.people, self._name_lengths)
        return found or self._names_by_their_sound(query.content)

    def _names_by_their_sound(self, text: str) -> list[str]:
        """People named with a homophone typo of an input method (宋滔 for 宋涛): a name of
        the report that a run of the question sounds exactly like, surname written right."""
        found: list[str] = []
        starts = [i for i, char in enumerate(text) if char in self._name_initials]
        if not starts:
            return found
        sounds = [pinyin_of(char) for char in text]
        for size in (3, 2):
            for start in starts:
                sound = "".join(sounds[start : start + size])
                for name in self._names_by_sound.get(sound, ()):
                    if len(name) == size and name[0] == text[start] and name not in found:
                        found.append(name)
        return found

    def _date_set(self, query: Query) -> set[int]:
        indexes: set[int] = set()
        for month in query.months:
            indexes.update(
                i
                for i in self.months.get(month, ())
                if query.day is None
                or self.items[i].date is None
                or self.items[i].date.day == query.day  # type: ignore[union-attr]
            )
        for label in query.labels:
            for key, items in self.labels.items():
                if label in key:
                    indexes.update(items)
        if query.reports:
            indexes = {i for i in indexes if self.items[i].report_id in query.reports}
        return indexes

    def _roles_asked(self, query: Query) -> set[str]:
        """The roles of the people in the reports the question names (广州台协会长: 广州's)."""
        named = [self._roles_of[r] for r in query.reports if r in self._roles_of]
        return set().union(*named) if named else self._roles

    def _unnamed_office_holder(self, query: Query) -> str:
        """For "广州市台办主任是谁": the office asked about, when no person in the report holds
        it (the report names a 省委台办主任, not a 市委台办主任)."""
        if query.english:
            # "Who is the mayor of Guangzhou?": the office in Chinese, held by no one here.
            asked = _ENGLISH_WHO.search(query.cleaned.lower())
            office = _ENGLISH_OFFICES.get(asked.group(1), "") if asked else ""
            if asked and office:
                # "the director of the Guangzhou Taiwan Affairs Office": 市委台办主任, not any 主任.
                office = self._english_organisation(query.cleaned.lower()[asked.end() :]) + office
            if office and not any(_holds(role, office) for role in self._roles_asked(query)):
                return office
            return ""
        office = self._office_asked(query)
        if not office or office in self.people:
            return ""
        if any(_holds(role, office) for role in self._roles_asked(query)):
            return ""
        return office

    def _office_asked(self, query: Query) -> str:
        """The office a Chinese question asks who holds (市委台办主任 of 广州市台办主任是谁), or
        "" when it asks no one. Offices are told by their last character (主任, 会长, 书记 …)."""
        match = _WHO_PATTERN.search(self._who_text(query))
        if not match:
            return ""
        office = _NEW_IN_OFFICE.sub("", match.group(1))  # 新会长: the 会长 newly elected
        for prefix in self._report_cities:
            office = office.removeprefix(prefix)
        return office if len(office) >= 2 and office[-1] in self._role_endings else ""

    def _office_holders_asked(self, query: Query) -> list[int]:
        """The items naming someone in the office a question asks who holds (市委台办主任是谁)."""
        office = "" if query.english else self._office_asked(query)
        if not office:
            return []
        found = {
            index
            for role, indexes in self._items_by_role.items()
            if _holds(role, office)
            for index in indexes
            if self._allowed(index, query)
        }
        return sorted(found)

    def _who_text(self, query: Query) -> str:
        """The clause that asks who (……哪位市领导出席、新会长是谁: 新会长是谁), or the whole
        question when that clause names no one's office of its own (……是什么组织，会长是谁)."""
        whole = _NOW_WORDS.sub("", self.canonical(query.normalized).rstrip("啊呢吗呀啦哦"))
        if not _WHO_PATTERN.search(whole):
            return whole  # asks no one (主任现在是谁 asks 主任)
        clauses = [c for c in _WHO_CLAUSE_END.split(query.cleaned) if c.strip()]
        if len(clauses) > 1:
            last = normalize(clauses[-1]).rstrip("啊呢吗呀啦哦")
            last = _NOW_WORDS.sub("", self.canonical(last))
            who = _WHO_PATTERN.search(last)
            if who is not None and len(who.group(1)) > 2:
                return last
        return whole

    def _unmentioned_role(self, query: Query) -> str:
        """What the question asks about that no item mentions: the office of "广东省委书记有没有
        会见台湾青年" when nobody in the report holds it, or the person of "……的导演是谁" when the
        report never says 导演."""
        if query.english:
            return ""
        # As written: the lexicon's forms would join 广州市长 into 广州长.
        if visit := _OFFICE_VISITS.search(query.normalized):
            office = self.canonical(visit.group(1))
            for prefix in self._report_cities:
                office = office.removeprefix(prefix)
            held = any(_holds(role, office) for role in self._roles_asked(query))
            if held or len(office) < 2:
                return ""
            before = visit.string[: visit.start(1)]
            city = next((c for c in self._report_cities if before.endswith(c)), "")
            return city + visit.group(1)  # 广州 + 市长
        text = self._who_text(query)
        if (who := _WHO_PATTERN.search(text)) is None or not _ASKS_WHO.search(who.group(0)):
            return ""  # 叫什么 asks the name of a thing, which may go by other words
        asked = who.group(1)
        words = self._general.segment(asked, self.vocabulary)
        role = words[-1] if words else ""
        if len(role) < 2 or role in self.people:
            return ""
        # 鸿钜精密的老板: a 老板 somewhere in the report ("台湾老板学讲东莞话") is not the firm's.
        whose = [
            p for p in itertools.pairwise(asked[: -len(role)].rstrip("的")) if all(map(has_cjk, p))
        ]
        if any(
            role in text and (not whose or any(a + b in text for a, b in whose))
            for text in self.item_text
        ):
            return ""
        return asked

    def _english_organisation(self, text: str) -> str:
        """The organisation an English office belongs to ("of the Guangzhou Taiwan Affairs
        Office" → 市委台办), in the report's canonical Chinese: a term of the lexicon's English
        names, after the city of a report if one is named; "" when no term is named."""
        key = english_key(text)
        term = next((zh for en, zh in self._english_terms if f" {en} " in f" {key} "), "")
        if not term:
            return ""
        squeezed = key.replace(" ", "")
        city = next(
            (
                r.city
                for r in self.kb.reports
                if r.city and any(sound in squeezed for sound in self._city_sounds_of[r.id])
            ),
            "",
        )
        return self.canonical(normalize(city + term))

    @staticmethod
    def _city_sounds(report: Report) -> list[str]:
        """A city as English writes it: its English name, else its pinyin in every reading
        of its characters (佛山 is foshan, though 佛 alone reads fu first)."""
        if english := normalize(report.city_en).replace(" ", ""):
            return [english]
        readings = pinyin_readings(frozenset(report.city))
        options = [readings.get(char) or [pinyin_of(char)] for char in report.city]
        return ["".join(sounds) for sounds in itertools.islice(itertools.product(*options), 16)]

    def _unmentioned_person(self, query: Query) -> str:
        """A person's name in the question that the report never mentions: not in its text,
        and not a typo of a name it has (宋滔 sounds as 宋涛; 郭永行 shares 郭永 with 郭永航)."""
        text = query.normalized
        for start, char in enumerate(text):
            if char not in COMMON_SURNAMES or not _BEFORE_NAME.search(text[:start]):
                continue
            names = [text[start : start + n] for n in (3, 2) if start + n <= len(text)]
            names = [name for name in names if all(has_cjk(c) for c in name)]
            # 宋涛还去了哪里: 宋涛 is known, whatever 宋涛还 is.
            if any(n in self._known_text or self._like_a_known_name(n) for n in names):
                continue
            for name in names:
                if (
                    _AFTER_NAME.search(text[start + len(name) :])
                    and self._general.weight(name) >= NAME_WEIGHT
                ):
                    return name
        return ""

    def _unmentioned_person_en(self, query: Query) -> str:
        """An English question's person (two or three capitalised words, one a surname) whom
        the report never names: "Did Terry Gou attend…", "What did Ko Wen-je say"."""
        words = re.findall(r"[A-Za-z][A-Za-z-]*", _QUOTED_EN.sub(",", query.cleaned))
        runs: list[list[str]] = [[]]
        for word in words:
            if word[0].isupper() and word.lower() not in _NOT_NAME_WORDS:
                runs[-1].append(word)
            elif runs[-1]:
                runs.append([])
        for run in runs:
            if 2 <= len(run) <= 3 and not self._may_be_in_report(run):
                return " ".join(run)
        return ""

    def _may_be_in_report(self, run: Sequence[str]) -> bool:
        """Whether capitalised words may be a person of the report, or are no person at all.
        Romanisations differ (梁振英 is Leung Chun-ying, not Liang Zhenying): a person of the
        report with the surname and a like-sounding syllable of the given name may be meant."""
        syllables = [p for w in run for p in w.lower().split("-") if p]
        surnames = {
            end: _SURNAMES_ROMANISED.get(syllables[end], "")
            + self._surname_chars.get(syllables[end], "")
            for end in (0, -1)
        }
        if not any(surnames.values()):
            return True  # no surname: a place or an organisation (Greater Bay Area)
        if self.bridge is not None and self.bridge.phrases([w.lower() for w in run]):
            return True  # Sun Yat-sen: 孙中山 of 孙中山故居, as the dictionary knows him
        if " ".join(english_words(" ".join(run))) in self.people or any(
            w.lower() in self.words.postings or w.lower() in self._names_by_pinyin for w in run
        ):
            return True
        for end, chars in surnames.items():
            given = syllables[1:] if end == 0 else syllables[:-1]
            for name in self.people:
                if not name or name[0] not in chars or not has_cjk(name):
                    continue
                sounds = [pinyin_of(c) for c in name[1:]]
                if any(fuzz.ratio(g, s) >= GIVEN_NAME_LIKENESS for g in given for s in sounds):
                    return True
        return False

    def _like_a_known_name(self, name: str) -> bool:
        if "".join(map(pinyin_of, name)) in self._names_by_sound:
            return True
        return any(
            len(known) == len(name)
            and sum(a == b for a, b in zip(known, name, strict=True)) >= len(name) - 1
            for known in self.people
        )

    def _refusal(self, query: Query) -> str:
        if query.smalltalk:
            return "smalltalk"
        if _OPINION.search(query.normalized) or _OPINION.search(query.cleaned):
            return "opinion"
        if _TASK.search(query.normalized) or _TASK.search(query.cleaned):
            return "smalltalk"  # 帮我写一首诗: a task, not a question about the report
        if office := self._unnamed_office_holder(query):
            return f"unnamed office holder: {office}"
        if role := self._unmentioned_role(query):
            return f"unmentioned person: {role}"
        if query.other_place:
            return f"other place: {query.other_place}"
        if person := self._unmentioned_person(query) or self._unmentioned_person_en(query):
            return f"unmentioned person: {person}"
        foreign_years = {
            y
            for y in query.years
            if y not in self.report_years and not any(str(y) in t for t in self.item_text)
        }
        if foreign_years:
            return f"other year: {min(foreign_years)}"
        if NO_REPORT in query.reports:
            return f"other year: {min(query.years)}"
        if query.ordinals and not any(query.ordinals & found for found in self.ordinals):
            # 第十一届穗台青年论坛: the report has the 第九届 only.
            return f"other edition: {min(query.ordinals)}"
        return ""

    def search(self, question: str, limit: int = 10) -> SearchResult:
        query = self.parse(question)
        learned = self.learned.get(learned_key(question))
        if learned is not None and learned in self.positions:
            # An admin fixed this very question from the chat (/stats): their answer stands.
            item = self.items[self.positions[learned]]
            return SearchResult(query, "single", (Hit(item, 1.0, ("learned",)),))
        if city_index := self._city_index_for(query.reports):
            return city_index._answer(city_index.parse(question), limit)
        result = self._answer(query, limit)
        if query.reports or self._home_index is None:
            return result
        return self._home_first(query, result, limit)

    def _answer(self, query: Query, limit: int) -> SearchResult:
        result = self._search(query, limit)
        other_years = [y for y in query.years if y not in self.report_years]
        missing = self._detail_missing_from(query, result)
        if missing and (telling := self._telling_with_the_detail(query, result)):
            # Another telling of the same thing, as good a match, gives the detail asked (the
            # anniversary's own item counts the guests; the visit to it does not).
            others = tuple(h for h in (*result.hits, *result.related) if h is not telling)
            if result.kind == "closest":
                telling = replace(telling, why=("closest",))
                near = tuple(h for h in (*result.hits, *result.near_misses) if h is not telling)
                return replace(result, hits=(telling,), near_misses=near[:3])
            return replace(result, hits=(telling,), related=others[:3])
        if missing:
            # The items are about the thing asked, but not the detail: say so, offer them.
            near = tuple(replace(hit, why=("near miss",)) for hit in result.hits[:3])
            return SearchResult(
                query, "none", near_misses=near, reason=f"detail: {missing}",
                suggestions=self.suggest(query),
            )  # fmt: skip
        # A year no report covers, which only some item's text mentions (2025版): the answer
        # must be that item, not an item of the report's own year.
        if (
            result.kind != "none"
            and other_years
            and result.best is not None
            and not any(str(y) in result.best.item.text for y in other_years)
        ):
            reason = f"other year: {min(other_years)}"
            return SearchResult(query, "none", suggestions=self.suggest(query), reason=reason)
        return result

    def _telling_with_the_detail(self, query: Query, result: SearchResult) -> Hit | None:
        """Of the items nearly as good as a single or closest answer that lacks the detail
        asked, the first that gives it."""
        if result.kind not in ("single", "closest") or not result.hits:
            return None
        asked = self._details_asked(query)
        if asked is None:
            return None
        best = result.hits[0].score
        return next(
            (
                hit for hit in (*result.related, *result.near_misses)
                if hit.score >= best - DETAIL_TELLING_MARGIN
                and not self._missing_detail(asked, hit.item)
            ),
            None,
        )  # fmt: skip

    def _city_index_for(self, reports: frozenset[str]) -> ReportIndex | None:
        """The index of the one city whose reports the question names, if it has one."""
        if not reports:
            return None
        return next((ix for ids, ix in self._city_indexes.items() if reports <= ids), None)

    def _home_first(self, query: Query, result: SearchResult, limit: int) -> SearchResult:
        """A question that names no report is answered from the home city's reports (the
        bot's own office), unless another city's report answers it clearly better or the
        home's don't answer it; the answer then points to the others that answer it too."""
        assert self._home_index is not None
        scores = self._adjusted(query, self.content_scores(query))
        home = self.in_named_reports(self._home_reports)
        best_home = float(scores.max(where=home, initial=0.0))
        home_result = self._home_index._answer(self._home_index.parse(query.original), limit)
        # A topic of the home report, asked for with no city named ("市台办获得过哪些奖项"), is
        # the home's: item scores across reports say nothing about which office is meant.
        topic = home_result.section is not None
        if not topic and float(scores.max(where=~home, initial=0.0)) > best_home + HOME_MARGIN:
            return result
        if home_result.kind == "none":
            # Only other cities' items may answer it; else the home's refusal stands, offering
            # every report's topics.
            if result.hits and not any(h.item.report_id in self._home_reports for h in result.hits):
                return result
            return replace(home_result, suggestions=result.suggestions)
        tied = np.flatnonzero(~home & (scores >= max(best_home - HOME_MARGIN, ANSWER_CUTOFF)))
        elsewhere = {self.items[i].report_id for i in tied}
        elsewhere |= {h.item.report_id for h in (*result.hits, *result.related)}
        elsewhere -= self._home_reports
        ordered = tuple(r.id for r in self.kb.reports if r.id in elsewhere)
        return replace(home_result, elsewhere=ordered)

    def _detail_missing_from(self, query: Query, result: SearchResult) -> str:
        """The detail asked for that none of the answer's items gives (a topic listing is
        exempt from all but the detail words: it answers "which", but not "which websites
        do you recommend")."""
        if result.kind not in ("single", "closest", "list") or not result.hits:
            return ""
        asked = self._details_asked(query)
        if asked is None:
            return ""
        if result.kind == "list" and result.section is not None:
            if not asked.word:
                return ""
            asked = _DetailsAsked.only_word(asked.word)
        several = len(result.hits) > 1
        missing = [self._missing_detail(asked, hit.item, several) for hit in result.hits]
        return missing[0] if all(missing) else ""

    def _details_asked(self, query: Query) -> _DetailsAsked | None:
        """What details the question asks for, read once per question; None for none."""
        # 我女儿明年想在福州读初中: the asker's own plans ask nothing of the future.
        text = _OWN_PLANS.sub("", query.normalized)
        lowered = " ".join(english_words(query.cleaned))
        # 平时看病不太懂这边的流程，…请问有没有专门照顾台胞的服务: a detail word in what the
        # asker tells (流程) is not asked for.
        asking = _asking_clauses(query.cleaned)
        asked_text = text if asking == query.cleaned else _OWN_PLANS.sub("", normalize(asking))

        def asks(pattern: re.Pattern[str], kind: str) -> str:
            found = _found(pattern, asked_text)
            if kind == "detail":
                found = self._detail_word_asked(asked_text)
            return found or next((w for w in self._english_details[kind] if w in lowered), "")

        counters = ""
        if query.wants_number and query.number_unit:
            # 多少人 is counted in 人, 位 or 名; 几场 in 场, 期 or 次.
            counters = next((c for c in _COUNTERS if query.number_unit in c), query.number_unit)
        besides = _BESIDES.search(query.cleaned)
        asked = _DetailsAsked(
            ordinals=query.ordinals,
            versions=_versions(text),
            counters=counters,
            name=_name_asked(text),
            counted=tuple(_COUNTED.findall(text)),
            exact_date=asks(self._exact_date_words, "exact date"),
            money=asks(self._money_words, "money"),
            besides=besides.group(1) if besides else "",
            which_ones=bool(_WHICH_ONES.search(text)),
            word=asks(self._detail_words, "detail"),
            place=_found(_ASKS_PLACE, text) or _found(_ASKS_PLACE_EN, query.cleaned.lower()),
            guests=bool(_ASKS_GUESTS.search(text) or _ASKS_GUESTS_EN.search(query.cleaned)),
            figure=query.wants_number,
            stock=(self._stock_asked(text) or self._stock_asked_en(query.cleaned))
            if query.wants_number
            else "",
        )
        return asked if asked.any() else None

    def _detail_word_asked(self, text: str) -> str:
        """The first detail word asked for that is no part of a longer everyday word: the 手续
        of 给台胞办手续的办事大厅 is 办手续, a service; the question asks whether there is one."""
        inside = [m.span() for m in self._everyday_pattern.finditer(text)]
        return next(
            (
                m.group(0)
                for m in self._detail_words.finditer(text)
                # 具体是怎么做的: how something was done, which the item tells; 怎么做 alone
                # asks for instructions (a recipe), which no report gives.
                if not (
                    m.group(0).startswith(("怎么", "如何", "点样")) and text[m.end() :][:1] == "的"
                )
                and not any(
                    a <= m.start() and m.end() <= b and b - a > len(m.group(0)) for a, b in inside
                )
            ),
            "",
        )

    @staticmethod
    def _counts_whole(thing: str, item: Item) -> bool:
        """Whether one of the item's figures counts `thing` itself, not some of them (3家台资企业
        完成项目签约 counts those that signed)."""
        for figure in item.figures:
            counted = normalize(re.sub(r"（[^）]*）|\([^)]*\)", "", figure.counts))
            if not counted.endswith(thing[-2:]):
                continue  # 广州市台资企业协会成立周年 counts years
            shared = sum(char in counted for char in thing) / len(thing)
            if shared >= STOCK_OVERLAP and "的" not in counted:
                return True
        return False

    def _stock_asked(self, text: str) -> str:
        """What a count of the city as a whole asks for: 台资企业 of 广州一共有多少家台资企业,
        where nothing but the city narrows the thing counted."""
        match = _STOCK_COUNT.match(text)
        if not match:
            return ""
        place = match.group("place")
        whole = place in _WHOLE_PLACES  # 台湾有几个县市, 全国有多少台资企业
        if not (whole or any(place.startswith(c) for c in self._report_cities)):
            return ""
        return match.group("noun")

    def _stock_asked_en(self, question: str) -> str:
        """The same in English: "How many Taiwanese live in Foshan?" counts the city's 台胞."""
        match = _ENGLISH_STOCK.match(" ".join(english_words(question)))
        if not match or match.group("place").replace(" ", "") not in self._report_cities:
            return ""
        said = set(match.group("noun").split())
        if said & _ENGLISH_FIRMS:
            return "台资企业"
        return "台胞" if said & _ENGLISH_PEOPLE else ""

    def _missing_detail(self, asked: _DetailsAsked, item: Item, several: bool = False) -> str:
        """The kind of detail asked for that the item does not give, if any. `several`: the
        item is one of a list, which together may name "which ones"."""
        index = self.positions[item.id]
        item_ordinals = self.ordinals[index]
        if asked.ordinals and item_ordinals and not asked.ordinals & item_ordinals:
            return "edition"  # 第十届穗台青年论坛: the item is the 第九届
        item_text = self.item_text[index]
        item_versions = _versions(item_text)
        if asked.versions and item_versions and not asked.versions & item_versions:
            return "edition"  # 3.0版 asked, the item is the 2.0版
        if asked.counters:
            counted = rf"[0-9一二三四五六七八九十两百千万]+[余多]?[{asked.counters}]"
            if not any(set(f.unit) & set(asked.counters) for f in item.figures) and not (
                re.search(counted, item_text)
            ):
                return "number"  # 多少件作品: the item counts no 件
        if asked.name == "person" and not item.people:
            return "name"  # 20名调解员都叫什么名字: the item names none of them
        if asked.name == "work" and "《" not in item.text:
            return "name"  # 那2部作品叫什么: an award's “title” is no work's 《title》
        if asked.name == "thing" and not _QUOTED_NAME.search(item.text):
            return "name"  # 那个平台叫什么: the item names it in quotes
        for number, unit in asked.counted:
            said = {n for n, u in _COUNTED.findall(item_text) if u == unit}
            if said and number not in said:
                return "number"  # 30周年 asked, the item says 33周年
        if asked.exact_date and not (item.date and item.date.day):
            return "exact date"
        if asked.money and not any(f.unit.endswith("元") for f in item.figures):
            return "money"
        if asked.besides and not re.search(
            rf"{re.escape(asked.besides)}、|、{re.escape(asked.besides)}", item.text
        ):
            return "which ones"  # 除了TVBS还有哪些: the item names TVBS alone
        if not several and asked.which_ones and not _names_several(item.text):
            return "which ones"  # 那3家台资企业分别是哪几家: the item counts them, names none
        # The item's own words include its aliases: a question an admin taught it (an exported
        # fix) may ask for such a detail.
        own = normalize("|".join((item.text, *item.aliases_zh, *item.keywords)))
        own_en = "|".join((item.text_en, *item.aliases_en)).lower()
        if asked.figure and not item.figures and not _ANY_FIGURE.search(item_text):
            return "number"  # how many Taiwanese live in Guangzhou: the item counts nothing
        if asked.stock and not self._counts_whole(asked.stock, item):
            return "number"  # 广州有多少台资企业: the item counts only those that signed
        if asked.guests and not (
            item.people or item.organizations or _INVITED_BY_NAME.search(item.text)
        ):
            return "name"  # 请了哪些嘉宾: the item names nobody, only counts them
        if (
            asked.place
            and not item.places
            and asked.place not in own + own_en
            and not _SAYS_WHERE.search(item.text)
        ):
            return "place"  # 在哪里举办的: the item names no place
        word = asked.word
        if word and not any(
            normalize(said) in own or said in own_en
            for said in (word, *self.kb.lexicon.detail_answers.get(word, ()))
        ):
            return word
        return ""

    def _search(self, query: Query, limit: int) -> SearchResult:
        if reason := self._refusal(query):
            return SearchResult(query, "none", suggestions=self.suggest(query), reason=reason)
        scores = self._adjusted(query, self.content_scores(query))
        if query.reports:
            scores = np.where(self.in_named_reports(query.reports), scores, 0.0).astype(np.float32)
        has_content = self._says_more_than_the_title(query)
        dated = self._date_set(query)
        people = self._people_in(query)

        if dated or ((query.months or query.labels) and not has_content):
            return self._dated_result(query, scores, dated, has_content, limit)
        if query.wants_set and not people:
            # "同岭南行有关嘅所有内容": every item that has the phrase the question is about,
            # when they are in several topics (no one topic answers it).
            holders = [i for i in self._phrase_holders(query) if self._allowed(i, query)]
            if self._asks_people(query):
                # "岭南行总闭营有哪些领导出席": the items that name someone, not the event's own.
                holders = [i for i in holders if self.items[i].people] or holders
            if len({self.section_of[i] for i in holders}) > 1:
                hits = self._hits(holders, scores, why="phrase", floor=0.9)
                return SearchResult(query, "list", tuple(self._by_date(hits)))
        holders = self._office_holders_asked(query)
        found_phrase = self._unique_phrase_item(query)
        # 市委台办主任叫什么名字 asks for someone, not for the topic that says 市委台办.
        topic = None if holders else self._topic_asked(query, scores, found_phrase is not None)
        if topic is not None:
            hits = [Hit(item, 1.0, ("topic",)) for item in topic.all_items()[:MAX_SET_HITS]]
            return SearchResult(query, "list", tuple(hits), section=topic)
        phrase_item = -1
        if found_phrase is not None:
            # A phrase of the question that only one item has: that item comes first.
            unique, length = found_phrase
            found = self.ordinals[unique]
            if query.ordinals and found and not query.ordinals & found:
                # 第十届穗台青年论坛 names the 第九届's item, in another edition: the report does
                # not have that one, whatever else holds a 第十届.
                near = (Hit(self.items[unique], float(scores[unique]), ("near miss",)),)
                return SearchResult(
                    query, "none", near_misses=near, reason="detail: edition",
                    suggestions=self.suggest(query, scores),
                )  # fmt: skip
            top = float(scores.max())
            if float(scores[unique]) >= top - UNIQUE_PHRASE_MARGIN:
                # The others fall behind by more than a name tie, so it is answered alone.
                scores = scores * (1 - NAME_TIE_MARGIN - 0.01)
                scores[unique] = top
                if length >= len(units_of(query.content)) * PHRASE_SHARE_CLOSEST:
                    phrase_item = unique  # most of what the question says
        if query.reports:
            people = [p for p in people if any(self._allowed(i, query) for i in self.people[p])]
        if bare := [i for i in self._bare_entity(query) if self._allowed(i, query)]:
            hits = self._hits(bare, scores, why="name", floor=0.9)
            kind: ResultKind = "list" if len(hits) > 1 else "single"
            return SearchResult(query, kind, tuple(self._by_date(hits)))
        if people:
            indexes = sorted(
                {i for name in people for i in self.people[name] if self._allowed(i, query)}
            )
            hits = self._hits(indexes, scores, why=f"person: {', '.join(people)}", floor=0.9)
            if len(hits) > 1 and not self._narrowed(scores, indexes):
                return SearchResult(query, "list", tuple(self._by_date(hits)))
            ranked = sorted(hits, key=lambda h: -h.score)
            return SearchResult(query, "single", (ranked[0],), tuple(ranked[1:limit]))
        if holders:
            # 中山市委台办主任叫什么名字: the items naming whoever holds the office come first,
            # whatever else says 中山 or 市委台办 more often.
            top = float(scores.max())
            scores = scores * (1 - NAME_TIE_MARGIN - 0.01)
            scores[holders] = np.maximum(scores[holders], top)
        return self._ranked_result(query, scores, limit, phrase_item)

    def _says_more_than_the_title(self, query: Query) -> bool:
        """Whether the question has words beyond the reports' own titles: "7月广州对台工作有哪些"
        and "Guangzhou's Taiwan work in July" ask for all of July, not for its items that
        happen to say 广州."""
        if query.english:
            return any(word not in self._title_words for word in query.english)
        units = units_of(query.content)
        in_title = [False] * len(units)
        for i in range(len(units) - 1):
            if (units[i], units[i + 1]) in self._title_pairs:
                in_title[i] = in_title[i + 1] = True
        return in_title.count(False) >= 2

    def _allowed(self, index: int, query: Query) -> bool:
        return not query.reports or self.items[index].report_id in query.reports

    def in_named_reports(self, reports: frozenset[str]) -> np.ndarray:
        named = [self._report_numbers[r] for r in reports if r in self._report_numbers]
        return np.isin(self.report_of, named)

    def _names_people(self, section: Section) -> bool:
        """Whether most of a topic's items name someone (the leaders' visits)."""
        items = section.all_items()
        return sum(bool(item.people) for item in items) >= PEOPLE_TOPIC_SHARE * len(items)

    def _topic_asked(
        self, query: Query, scores: np.ndarray, names_an_item: bool = False
    ) -> Section | None:
        """The topic a set question names by the topic's own words, when those words explain
        the question at least as well as any single item does. `names_an_item`: a phrase of
        the question's is one item's alone (第二批…采认目录新增了哪些领域)."""
        if not query.wants_set and (query.wants_number or query.wants_date):
            return None  # asks a detail of an item (below), whatever the topic's words
        if _AREA_NAMED.search(query.normalized):
            # "坚持党的全面领导这一块是怎么落实的": a heading, whole, named as an area; not a
            # heading inside a name (《中山市促进中台融合发展若干措施》包括哪些方面).
            unquoted = normalize(_QUOTED_NAME.sub("，", query.cleaned))
            titled = [
                s for s in self.section_list
                if self._says_title(query, s, unquoted)
                and (not query.reports or s.report_id in query.reports)
            ]  # fmt: skip
            if titled:
                return max(titled, key=lambda s: len(s.title))
        if query.english:
            units = self._english_units(query.english)
            coverage, worded = self._section_coverage(
                self.section_words, self.words, units, self.words.importance(units),
                [1.0] * len(units),
            )  # fmt: skip
            if self.bridge is not None:
                # Topics with no English of their own, through the Chinese the words stand for.
                bridged, bridged_worded = self._bridged_section_coverage(query.english)
                coverage = np.maximum(coverage, bridged * BRIDGE_FACTOR)  # as items' bridged
                worded = worded | bridged_worded
        else:
            units = units_of(query.content)
            if not query.wants_set and self._topic_bound(query.content) < TOPIC_ALONE:
                return None  # words no topic nor item has: it cannot be all topic words
            # Pairs across word boundaries count here (the topic's words are few and short).
            coverage, worded = self._section_coverage(
                self.section_chars, self.chars, units, self.chars.importance(units),
                self._reading(query.content).general,
            )  # fmt: skip
        if not coverage.size:
            return None
        if query.reports:
            named = [s.report_id in query.reports for s in self.section_list]
            coverage = np.where(np.array(named, dtype=bool), coverage, 0.0)
        if query.wants_set and worded.any():
            # A topic named by a word of its own (经贸) outranks one only some characters meet.
            coverage = np.where(worded, coverage, 0.0)
        best = int(np.argmax(coverage))
        best_item = float(scores.max()) if scores.size else 0.0
        # "哪些领导来过": leaders are asked of the topic whose items name people (the visits),
        # unless the question names someone or some event (岭南行总闭营有边啲领导嚟咗).
        marked = (
            bool(_AREA_NAMED.search(query.normalized))
            or self._says_title(query, self.section_list[best])
        ) or (
            query.wants_set
            and best_item < ANSWER_CUTOFF
            and self._asks_people(query)
            and not self._people_in(query)
            and self._names_people(self.section_list[best])
        )
        if query.wants_set:
            # A wordy set question ("……拿到的奖项和荣誉全部列一下") covers less of itself, but a
            # topic that alone explains it, well ahead of every other, is still the one asked.
            ranked = np.sort(coverage)[::-1]
            alone = (
                (
                    len(ranked) < 2
                    or ranked[1] <= ranked[0] * SECTION_ALONE_SHARE
                    or ranked[0] - ranked[1] >= SECTION_ALONE_GAP
                )
                # "宣传方面有哪些成果": an area named as such is asked whole, whatever item
                # has the same words.
                and (marked or ranked[0] >= best_item + SECTION_ALONE_LEAD)
                and bool(worded[best])
                and not names_an_item
            )
            cutoff = SECTION_ALONE_CUTOFF if alone else SECTION_CUTOFF
            if float(coverage[best]) < cutoff or (
                not alone and float(coverage[best]) + 0.05 < best_item
            ):
                return None
        # Without 哪些 / "which", only a question that is all topic words ("讲好广州故事方面做了
        # 什么", "tell me about the publicity work") asks for the topic rather than an item.
        # A lone character of the topic's (好 of 讲好, however often it is typed) names none.
        elif (
            float(coverage[best]) < TOPIC_ALONE
            or not worded[best]
            or self._one_item_stands_out(self.section_list[best], scores)
        ):
            return None
        return self.section_list[best]

    def _says_title(self, query: Query, section: Section, text: str = "") -> bool:
        """Whether the question (or `text` of it) says the topic's heading (佛山出台了哪些惠及
        台胞的政策措施: the heading 惠及台胞政策措施), as the report's contents would list it."""
        title = self.canonical(normalize(section.title)).replace("的", "")
        said = self.canonical(text or query.normalized).replace("的", "")
        return len(title) >= TITLE_SAID_MIN and title in said

    def _topic_bound(self, content: str) -> float:
        """An upper bound of `_section_coverage` for any topic, from which positions have a
        gram that any topic or item knows (a cheap test before the real one)."""
        units = units_of(content)
        importance = self.chars.importance(units)
        general = self._reading(content).general if units else []
        matched = total = matched_discounted = 0.0
        for position, (weight, share) in enumerate(zip(importance, general, strict=True)):
            total += weight * share
            if self.section_chars.grams_at(units, position) or self.chars.grams_at(units, position):
                matched += weight
                matched_discounted += weight * share
        denominator = matched + total - matched_discounted
        return matched / denominator if denominator > 0 else 0.0

    def _one_item_stands_out(self, section: Section, scores: np.ndarray) -> bool:
        """True when one item of the section matches clearly better than its others: the
        question is about that item (台商大讲堂), not the topic its words also name."""
        ranked = sorted(
            (float(scores[self.positions[i.id]]) for i in section.all_items()), reverse=True
        )
        return len(ranked) < 2 or ranked[0] - ranked[1] >= TOPIC_LEAD

    def _section_coverage(
        self,
        sections: CoverageIndex,
        items: CoverageIndex,
        units: Sequence[str],
        importance: Sequence[float],
        general: Sequence[float],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Coverage of the question by each section's own words. A word that most of the
        section's items share (市委台办 in every award) counts as covered, but only a section
        word proper is evidence: a question of such words alone names no topic. Also, for each
        section, whether a whole word of its own (not one character) was found."""
        count = len(self.section_list)
        if not units or not count:
            return np.zeros(count, dtype=np.float32), np.zeros(count, dtype=bool)
        own_grams = [sections.grams_at(units, position) for position in range(len(units))]
        own = sections.matches(own_grams)
        evidence = np.zeros(count, dtype=bool)
        word_evidence = np.zeros(count, dtype=bool)
        shared = np.zeros_like(own)
        for position, grams in enumerate(own_grams):
            for gram in grams:
                indexes = sections.postings[gram][0]
                # A filler character (事 of 故事) names no topic; a content one (奖) may. Only
                # a word few topics share names a topic (广州 is in several titles).
                if len(indexes) <= SECTION_EVIDENCE_MAX and (
                    len(gram) > 1 or general[position] >= FILLER_EDGE
                ):
                    evidence[indexes] = True
                    if len(gram) > 1:
                        word_evidence[indexes] = True  # a word of the topic, not a character
            for gram in items.grams_at(units, position):
                np.maximum(shared[position], self._shared_by_sections(items, gram),
                           out=shared[position])  # fmt: skip
        covered = np.maximum(own, shared)
        matched = CoverageIndex.weigh(covered, importance)
        discounted = [w * g for w, g in zip(importance, general, strict=True)]
        matched_discounted = CoverageIndex.weigh(covered, discounted)
        total = sum(discounted)
        denominator = matched + total - matched_discounted
        coverage = np.where(denominator > 0, matched / np.where(denominator > 0, denominator, 1), 0)
        return np.where(evidence, coverage, 0.0).astype(np.float32), word_evidence

    def _bridged_section_coverage(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """`_section_coverage` of an English question by the topics' Chinese: each word is
        one position, met by the pairs (or content characters) of its Chinese candidates; an
        unmet word counts by how common it is in English."""
        assert self.bridge is not None
        sections = self.section_chars
        count = len(self.section_list)
        position_grams: list[list[str]] = []
        evidence = np.zeros(count, dtype=bool)
        worded = np.zeros(count, dtype=bool)
        for options in self.bridge.chinese_for(words):
            grams: list[str] = []
            for option in options:
                units = units_of(self.canonical(normalize(option)))
                for gram in sections.grams(units):
                    if gram in sections.postings and gram not in grams:
                        grams.append(gram)
            for gram in grams:
                holders = sections.postings[gram][0]
                if len(holders) <= SECTION_EVIDENCE_MAX and "\t" in gram:
                    evidence[holders] = worded[holders] = True  # a word of the topic's own
            position_grams.append(grams)
        if not position_grams or not count:
            return np.zeros(count, dtype=np.float32), worded
        general = [english_weight(word) for word in words]
        # A word in many headings (台 of 对台工作 for "Taiwan") says little about which topic;
        # the report's own city (Zhongshan), nothing.
        importance = [
            0.0 if word in self._report_cities else weight
            for word, weight in zip(words, sections.importance_of(position_grams), strict=True)
        ]
        coverage = self._coverage(sections.matches(position_grams), importance, general)
        return np.where(evidence, coverage, 0.0).astype(np.float32), worded

    def _shared_by_sections(self, items: CoverageIndex, gram: str) -> np.ndarray:
        """1.0 for each section at least half of whose items have the gram (cached per gram:
        the same grams come back question after question)."""
        key = (id(items), gram)
        shared = self._section_shares.get(key)
        if shared is None:
            members = items.postings[gram][0]
            share = self.section_members[members].sum(axis=0) / self.section_sizes
            shared = (share >= 0.5).astype(np.float32)
            if len(self._section_shares) < SECTION_SHARES_KEPT:
                self._section_shares[key] = shared
        return shared

    def _unique_phrase_item(self, query: Query) -> tuple[int, int] | None:
        """The one item whose text or title holds the longest run (≥ UNIQUE_PHRASE_MIN
        characters) of the question that no other item holds, with the run's length."""
        if query.english:
            return None
        units = units_of(query.content)
        # A phrase that begins or ends in filler (台湾青年在) is unique by accident.
        content = [w > FILLER_EDGE for w in self._reading(query.content).general]
        postings = self.chars.postings
        best: tuple[int, int] | None = None  # (length, item)
        for start in range(len(units) - 1):
            candidates: set[int] | None = None
            for end in range(start + 1, len(units)):
                posting = postings.get(_pair(units[end - 1], units[end]))
                if posting is None or len(posting[0]) > UNIQUE_PHRASE_POSTINGS:
                    break
                found = self._posting_set(_pair(units[end - 1], units[end]), posting[0])
                candidates = set(found) if candidates is None else candidates & found
                if not candidates:
                    break
                length = end - start + 1
                if length < UNIQUE_PHRASE_MIN or (best and length <= best[0]):
                    continue
                if not (content[start] and content[end]):
                    continue
                phrase = "".join(units[start : end + 1])
                holders = [i for i in candidates if phrase in self.item_phrases[i]]
                if len(holders) == 1:
                    best = (length, holders[0])
        return (best[1], best[0]) if best else None

    def _phrase_holders(self, query: Query) -> list[int]:
        """The items holding the longest phrase (≥ 3 characters) of the question that several
        items have verbatim, when that phrase is nearly all the question says: the rest is
        filler by general-language weight (同, 我, 列一列)."""
        if query.english:
            return []
        reading = self._reading(query.content)
        units, general = reading.units, reading.general
        weight = [w * g for w, g in zip(reading.importance, general, strict=True)]
        total = sum(weight)
        postings = self.chars.postings
        for length in range(len(units), PHRASE_SET_MIN - 1, -1):
            for start in range(len(units) - length + 1):
                end = start + length
                if min(general[start], general[end - 1]) <= FILLER_EDGE:
                    continue
                if sum(weight[start:end]) < total * PHRASE_SET_SHARE:
                    continue
                candidates: frozenset[int] | None = None
                for i in range(start, end - 1):
                    posting = postings.get(_pair(units[i], units[i + 1]))
                    if posting is None:
                        candidates = frozenset()
                        break
                    found = self._posting_set(_pair(units[i], units[i + 1]), posting[0])
                    candidates = found if candidates is None else candidates & found
                phrase = "".join(units[start:end])
                holders = [i for i in sorted(candidates or ()) if phrase in self.item_phrases[i]]
                if 1 < len(holders) <= ENTITY_SET_MAX:
                    return holders
        return []

    def _posting_set(self, gram: str, items: np.ndarray) -> frozenset[int]:
        """A short posting list as a set (cached: the same grams come back often)."""
        found = self._posting_sets.get(gram)
        if found is None:
            found = frozenset(items.tolist())
            if len(self._posting_sets) < SECTION_SHARES_KEPT:
                self._posting_sets[gram] = found
        return found

    def _adjusted(self, query: Query, scores: np.ndarray) -> np.ndarray:
        """Steer content scores by what the question asks besides its words."""
        numbers = _GIVEN_NUMBER.findall(query.content)
        holders = [self.chars.postings[n][0] for n in numbers if n in self.chars.postings]
        if holders and sum(len(h) for h in holders) <= ENTITY_SET_MAX:
            # "哪个活动有约1200人参加": an item without the figure asked is a worse answer.
            given = np.full(len(self.items), NUMBER_MISSING, dtype=np.float32)
            given[np.concatenate(holders)] = 1.0
            scores = scores * given
        if query.ordinals:
            # "第十一届…" must not be answered with the 第九届 item.
            factors = [
                1.0 if query.ordinals & found else (0.6 if found else 0.85)
                for found in self.ordinals
            ]
            scores = scores * np.array(factors, dtype=np.float32)
        if not self._asks_people(query) and not self._people_in(query):
            # A question that names nobody asks about the event itself, not about someone
            # attending it: of two items with the same words, the one without a visitor wins.
            scores = np.where(self.has_people, scores * PEOPLE_UNASKED, scores)
        if query.wants_date:
            scores = np.where(self.has_date, scores, scores * 0.92)
        if query.wants_number:
            scores = np.where(self.has_figures, scores, scores * 0.9)
            if query.number_unit:
                # "多少篇" is answered by an item that counts 篇.
                units = self.figure_units
                scores = scores * np.array(
                    [1.0 if query.number_unit in u else 0.95 for u in units], dtype=np.float32
                )
        return scores

    def _bare_entity(self, query: Query) -> list[int]:
        """Items naming the organisation or place that is all the question says ("大新美术馆")."""
        rest = query.content
        found: set[int] = set()
        for name in _names_in(rest, self.entities, self._name_lengths):
            found.update(self.entities[name])
            # Also the longer names that contain it (大新美术馆·石头记矿物园文创园区).
            for key in self._entity_keys_containing(name):
                found.update(self.entities[key])
            rest = rest.replace(name, "")
        if not found or len(found) > ENTITY_SET_MAX or len(units_of(rest)) > 1:
            return []
        return sorted(found)

    def _entity_keys_containing(self, name: str) -> list[str]:
        if len(self.entities) > ENTITY_SCAN_LIMIT:
            return []
        return [key for key in self.entities if name in key and key != name]

    def _is_name(self, query: Query) -> bool:
        return len(units_of(query.content)) <= NAME_MAX_UNITS and not query.english

    def _narrowed(self, scores: np.ndarray, indexes: list[int]) -> bool:
        """True when the rest of the question clearly picks one of several candidates."""
        ranked = sorted((float(scores[i]) for i in indexes), reverse=True)
        return len(ranked) > 1 and ranked[0] >= ANSWER_CUTOFF and ranked[0] - ranked[1] > 0.15

    def _dated_result(
        self, query: Query, scores: np.ndarray, dated: set[int], has_content: bool, limit: int
    ) -> SearchResult:
        if not dated:
            return SearchResult(query, "none", suggestions=self.suggest(query), reason="no date")
        candidates = sorted(dated)
        if has_content and not query.wants_set:
            ranked = sorted(candidates, key=lambda i: -float(scores[i]))
            top = ranked[0]
            second = float(scores[ranked[1]]) if len(ranked) > 1 else 0.0
            # The other words must pick one of the month's items ("Guangzhou's Taiwan work in
            # July" is all of July).
            best = float(scores[top])
            if (best >= ANSWER_CUTOFF and best - second >= DATED_LEAD) or (
                # A wordy question covers less of itself; an item of the date well ahead of
                # the others, on strong evidence, is still the one it asks about.
                best >= DATED_WORDY_FLOOR
                and best >= second * WORDY_LEAD_RATIO
                and self.evidence(query, top) >= WORDY_EVIDENCE * self._rarest_pair
            ):
                hit = Hit(self.items[top], best, ("date", "content"))
                return SearchResult(query, "single", (hit,))
        if has_content:
            # "11月有哪些领导来广州": keep the part of the month the other words point at.
            best = max(float(scores[i]) for i in candidates)
            if best >= SET_CONTENT_FLOOR:
                candidates = [i for i in candidates if float(scores[i]) >= best * DATED_RELATIVE]
        hits = self._hits(candidates, scores, why="date", floor=0.9)
        return SearchResult(query, "list", tuple(self._by_date(hits)))

    def evidence(self, query: Query, item_index: int) -> float:
        """How much informative content of the question the item matches: the sum, over the
        question's matched units, of report idf times general-language weight."""
        if query.english:
            return math.inf  # English is matched against a small vocabulary of its own
        units = units_of(query.content)
        if not units:
            return 0.0
        reading = self._reading(query.content)
        weights = [w * g for w, g in zip(reading.importance, reading.general, strict=True)]
        column = reading.char_matches[:, item_index]
        if bool((column > 0).all()):
            return math.inf  # the item has every word of the question, common ones too (信息)
        by_chars = float(np.dot(weights, column))
        by_sound = float(np.dot(weights, reading.sound_matches(self.pinyin)[:, item_index]))
        return max(by_chars, by_sound * PINYIN_FACTOR)

    def _quotes(self, query: Query, index: int) -> bool:
        """Whether the question's words are a phrase of the item as it stands (今日头条: common
        words, but the item's own name for a thing)."""
        content = query.content.replace(" ", "")
        if len(content) >= QUOTED_MIN and content in self.item_text[index]:
            return True
        # Or the most of it, a long run (对台工作会议 of 东莞对台工作会议开): the item's name for
        # the thing, though the city is said too.
        text, size = self.item_text[index], QUOTED_RUN
        return len(content) <= size + QUOTED_RUN_EXTRA and any(
            content[start : start + size] in text for start in range(len(content) - size + 1)
        )

    def _ranked_result(
        self, query: Query, scores: np.ndarray, limit: int, phrase_item: int = -1
    ) -> SearchResult:
        """`phrase_item`: the item that alone has a phrase making most of the question."""
        order = np.argsort(-scores, kind="stable")[:limit]
        unit = self._rarest_pair
        best = float(scores[order[0]]) if len(order) else 0.0
        if (
            best >= CLOSEST_FLOOR
            and self.evidence(query, int(order[0])) < EVIDENCE_MIN * unit
            and not self._quotes(query, int(order[0]))
        ):
            return SearchResult(
                query, "none", suggestions=self.suggest(query, scores), reason="no content"
            )
        if best < ANSWER_CUTOFF:
            # The lead is over the next thing told, not over another telling of the same
            # thing (the award of “榕台e家” and the account's own item).
            twins = self.twins[int(order[0])]
            others = [float(scores[i]) for i in order[1:] if int(i) not in twins]
            second = others[0] if others else 0.0
            # A closest answer stands on at least a rarest pair's worth of evidence: 台湾 and
            # 城市 of "台湾的首府是哪个城市" are no reason to show anything.
            grounded = self.evidence(query, int(order[0])) >= CLOSEST_EVIDENCE * unit
            if query.english:
                # "What's the weather like in Taipei": weather is 夏令 of a summer camp, one
                # word of three, and no reason to show it.
                grounded = self._english_words_matched(query, int(order[0])) >= ENGLISH_GROUNDS
            if grounded and (
                (best >= self._closest_floor(query) and best - second >= CLOSEST_LEAD)
                or (best >= WORDY_FLOOR and int(order[0]) == phrase_item)
                or (
                    best >= WORDY_FLOOR
                    and best >= second * WORDY_LEAD_RATIO
                    and self.evidence(query, int(order[0])) >= WORDY_EVIDENCE * unit
                )
                or (
                    # Two items on one event (the wedding and its story) share the lead; a
                    # question this well grounded still gets the better one, not a refusal.
                    best >= WORDY_FLOOR
                    and not query.english
                    and self.evidence(query, int(order[0])) >= STRONG_EVIDENCE * unit
                )
            ):
                closest = Hit(self.items[int(order[0])], best, ("closest",))
                near = tuple(
                    Hit(self.items[int(i)], float(scores[i]), ("near miss",))
                    for i in order[1:4]
                    if float(scores[i]) >= NEAR_MISS
                )
                return SearchResult(query, "closest", (closest,), near_misses=near)
            near = tuple(
                Hit(self.items[int(i)], float(scores[i]), ("near miss",))
                for i in order[:3]
                if float(scores[i]) >= NEAR_MISS
            )
            return SearchResult(
                query, "none", suggestions=self.suggest(query, scores), near_misses=near
            )
        close = [
            int(i) for i in order if float(scores[i]) >= max(ANSWER_CUTOFF, best * LIST_RELATIVE)
        ]
        hits = [Hit(self.items[i], float(scores[i]), ("content",)) for i in close]
        if query.wants_set:
            # "市委台办获得了哪些荣誉": every item that covers the question almost as much as
            # the best one (at most SET_MARGIN of the question less).
            members = np.flatnonzero(scores >= max(SET_FLOOR, best - SET_MARGIN))
            if self._asks_people(query):
                # "哪些领导来看过": the items where someone is named, not the place's award.
                named = [i for i in members.tolist() if self.items[i].people]
                members = np.array(named or members.tolist(), dtype=np.int64)
            if len(members) > 1:
                found = self._hits(members.tolist(), scores, why="set", floor=0.0)
                return SearchResult(query, "list", tuple(self._by_date(found)))
        # A bare name ("大新美术馆") that several items match equally well asks for all of them.
        tied = [h for h in hits if h.score >= max(NAME_TIE, best - NAME_TIE_MARGIN)]
        if len(tied) > 1 and not (query.wants_number or query.wants_date) and self._is_name(query):
            return SearchResult(query, "list", tuple(self._by_date(tied)))
        if sum(float(scores[i]) >= best - 1e-6 for i in order[:VAGUE_TIES]) >= VAGUE_TIES:
            # Many items answer exactly as well ("两岸什么时候统一" matches only 两岸): the
            # question names nothing of one of them.
            near = tuple(Hit(self.items[int(i)], best, ("near miss",)) for i in order[:3])
            return SearchResult(
                query, "none", near_misses=near, reason="vague",
                suggestions=self.suggest(query, scores),
            )  # fmt: skip
        related = [
            Hit(self.items[int(i)], float(scores[i]), ("content",))
            for i in order[1:4]
            if float(scores[i]) >= max(ANSWER_CUTOFF, best * RELATED_RELATIVE)
        ]
        return SearchResult(query, "single", (hits[0],), tuple(related))

    @staticmethod
    def _closest_floor(query: Query) -> float:
        return ENGLISH_CLOSEST_FLOOR if query.english else CLOSEST_FLOOR

    @staticmethod
    def _asks_people(query: Query) -> bool:
        return bool(_ASKS_PEOPLE.search(query.normalized) or _ASKS_PEOPLE_EN.search(query.cleaned))

    def _hits(
        self, indexes: Iterable[int], scores: np.ndarray, why: str, floor: float
    ) -> list[Hit]:
        """Hits for a set, earliest first, at most MAX_SET_HITS (a big corpus can have
        thousands of items in one month; nobody reads past the first screens)."""
        chosen = sorted(indexes, key=self.date_rank.__getitem__)[:MAX_SET_HITS]
        return [Hit(self.items[i], max(floor, float(scores[i])), (why,)) for i in chosen]

    @staticmethod
    def _by_date(hits: Iterable[Hit]) -> list[Hit]:
        return sorted(hits, key=lambda h: h.item.sort_key())

    def suggest(
        self, query: Query, scores: np.ndarray | None = None, count: int = 3
    ) -> tuple[Section, ...]:
        """The sections nearest to a question the report cannot answer."""
        if scores is None:
            scores = self.content_scores(query)
        best = np.zeros(len(self._section_ids), dtype=np.float32)
        np.maximum.at(best, self.section_of, scores)
        order = np.argsort(-best, kind="stable")[:count]
        ranked = [(self._section_ids[int(i)], float(best[i])) for i in order]
        sections = [self.kb.sections[sid] for sid, score in ranked if score > 0.2][:count]
        if not sections:
            sections = [s for r in self.kb.reports for s in r.topics][:count]
        return tuple(sections)
