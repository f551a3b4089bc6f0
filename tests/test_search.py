"""Search on the real data: every kind of question, the cut-off, and input that must not crash."""

from __future__ import annotations

import builtins
import pathlib
import random
from dataclasses import replace

import pytest

from bot.normalize import MAX_QUERY_CHARS, detect_script, normalize
from bot.render import render_answer
from bot.report import KnowledgeBase
from bot.search import CoverageIndex, ReportIndex, SearchResult
from bot.texts import texts_for


def ids(result: SearchResult) -> list[str]:
    return [hit.item.id for hit in result.hits]


def top(index: ReportIndex, question: str) -> str:
    result = index.search(question)
    assert result.kind != "none", (question, result.reason)
    return result.hits[0].item.id


def dated(kb: KnowledgeBase, month: int) -> list[str]:
    """Every item of a month, in the order a list answer must have (by date, then id)."""
    items = [i for i in kb.all_items() if i.date and i.date.month == month]
    return [i.id for i in sorted(items, key=lambda i: i.sort_key())]


# --------------------------------------------------------------------------- question kinds


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("宋涛什么时候来广州考察", "visits-02"),
        ("哩贺朋友", "awards-02"),
        ("台湾调解员", "integration-03"),
        ("第九届穗台青年论坛", "exchange-03"),
        ("租金补贴", "youth-04"),
    ],
)
def test_direct_keyword(index: ReportIndex, question: str, expected: str) -> None:
    result = index.search(question)
    assert result.kind == "single"
    assert ids(result) == [expected]


@pytest.mark.parametrize(
    ("traditional", "simplified", "expected"),
    [
        ("臺灣大學生 實習", "台湾大学生 实习", "youth-02"),
        ("臺灣大學生來廣州實習", "台湾大学生来广州实习", "youth-02"),
        ("網路用戶好評", "网络用户好评", "exchange-01"),
        ("臺灣青年志願者服務總隊", "台湾青年志愿者服务总队", "youth-01"),
        ("海協會會長張志軍", "海协会会长张志军", "visits-03"),
    ],
)
def test_traditional_chinese_with_taiwan_vocabulary(
    index: ReportIndex, traditional: str, simplified: str, expected: str
) -> None:
    result = index.search(traditional)
    assert result.query.script == "hant"
    assert ids(result) == ids(index.search(simplified))
    assert top(index, traditional) == expected


@pytest.mark.parametrize("question", ["市台办出过什么文件", "有没有拍过讲台商的影片", "软件叫什么"])
def test_simplified_with_taiwan_words_is_answered_in_simplified(question: str) -> None:
    # 文件, 影片 and 软件 are Simplified words that the Taiwan phrase tables rewrite.
    assert detect_script(question) == "hans"
    assert detect_script("請問有沒有補助") == "hant"


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("資訊", "信息"), ("網路", "网络"), ("臺灣", "台湾"), ("計程車", "出租车")],
)
def test_normalize_converts_taiwan_phrasing(traditional: str, simplified: str) -> None:
    assert normalize(traditional) == simplified


def test_normalize_drops_punctuation_case_and_width() -> None:
    assert normalize("ＡＢＣ，宋涛！ Song") == "abc宋涛song"


def test_traditional_and_simplified_questions_meet(index: ReportIndex) -> None:
    assert index.parse("臺灣大學生 實習").content == index.parse("台湾大学生实习").content
    assert ids(index.search("網路")) == ids(index.search("网络"))
    assert ids(index.search("資訊")) == ids(index.search("信息")) == ["story-07"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [("宋滔", "visits-02"), ("宋滔来广州考察", "visits-02"), ("张志君", "visits-03")],
)
def test_typo_and_homophone(index: ReportIndex, question: str, expected: str) -> None:
    assert top(index, question) == expected


def test_a_name_alone(index: ReportIndex) -> None:
    result = index.search("宋涛")
    assert result.kind == "single"
    assert ids(result) == ["visits-02"]


def test_a_name_in_several_items_lists_them_all(index: ReportIndex) -> None:
    result = index.search("黎建南")
    assert result.kind == "list"
    assert ids(result) == ["exchange-01", "story-07"]


@pytest.mark.parametrize(
    ("question", "month"),
    [("5月", 5), ("5月有哪些活动", 5), ("十一月", 11), ("11月份", 11), ("年底", 12), ("May", 5)],
)
def test_months_return_the_whole_set_by_date(
    index: ReportIndex, kb: KnowledgeBase, question: str, month: int
) -> None:
    result = index.search(question)
    assert result.kind == "list"
    assert ids(result) == dated(kb, month)
    assert month in result.query.months


def test_a_month_and_a_day(index: ReportIndex) -> None:
    assert top(index, "12月27日") == "visits-03"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("台青创业基地入驻了多少团队", "youth-05"),
        ("穗台经贸论坛有多少人参加", "economy-03"),
        ("台商大讲堂办了几期", "integration-02"),
    ],
)
def test_numbers(index: ReportIndex, question: str, expected: str) -> None:
    result = index.search(question)
    assert result.query.wants_number
    assert result.kind == "single"
    assert ids(result) == [expected]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Taiwan youth internship", "youth-02"),
        ("cross-strait economic forum", "economy-03"),
        ("Song Tao", "visits-02"),
    ],
)
def test_english(index: ReportIndex, question: str, expected: str) -> None:
    result = index.search(question)
    assert result.query.script == "latin"
    assert top(index, question) == expected


@pytest.mark.parametrize(
    ("variant", "canonical", "expected"),
    [
        ("台青创业基地入驻了多少团队", "台湾青年创业基地入驻了多少团队", "youth-05"),
        ("穗台经贸论坛", "广州台经贸论坛", "economy-03"),
        ("台企上市", "台资企业上市", "economy-02"),
        ("国台办主任", "国务院台办主任", "visits-02"),
    ],
)
def test_aliases(index: ReportIndex, variant: str, canonical: str, expected: str) -> None:
    assert index.parse(variant).content == index.parse(canonical).content
    assert ids(index.search(variant)) == ids(index.search(canonical))
    assert expected in ids(index.search(variant))


@pytest.mark.parametrize(
    "question",
    ["今天天气怎么样", "深圳台办2023年做了什么", "2019年广州对台工作", "asdfgh", "👍👍", "你好"],
)
def test_off_topic_questions_are_refused_with_suggestions(
    index: ReportIndex, kb: KnowledgeBase, question: str
) -> None:
    result = index.search(question)
    assert result.kind == "none"
    assert result.hits == ()
    assert result.suggestions
    assert all(kb.section(s.id) is s for s in result.suggestions)


def test_refusal_reasons(index: ReportIndex) -> None:
    assert index.search("深圳台办2023年做了什么").reason == "other place: 深圳"
    assert index.search("2019年广州对台工作").reason == "other year: 2019"
    assert index.search("你好").reason == "smalltalk"


# --------------------------------------------------------------------------- bad input

NASTY = [
    "",
    " ",
    "\t\n  \r\n",
    "？？！！",
    "...,,,;;;",
    "!@#$%^&*()_+-=[]{}|;':\",./<>?",
    "😀",
    "👍👍",
    "🇹🇼🇨🇳👨‍👩‍👧‍👦",
    "宋" * 10_000,
    "a" * 10_000,
    "宋涛 " * 3_000,
    "\x00\x01\x07\x1b[31m宋涛\x7f",
    "\u200b\u200c\u200d\ufeff\u2060",
    "\u202e宋涛\u202c",
    "<b>宋涛</b>",
    "<script>alert('x')</script>",
    "&amp; &lt; &#x27; &#0;",
    "Song Tao 宋涛 visit 广州 ΑΒΓ абв עברית العربية",
    "\ud800\udfff",
    "%s %d {0} {name} ${x}",
    "第一一一一一一一一一届",
    "99999999999999999999年13月45日",
    "十十十十月",
    "SELECT * FROM items; --",
    "ｆｕｌｌ　ｗｉｄｔｈ　宋涛",
    "\n".join(["宋涛"] * 500),
]


def random_strings(count: int, seed: int = 20231227) -> list[str]:
    rng = random.Random(seed)
    alphabet = (
        "宋涛台湾青年广州穗月日年多少哪些的了是"
        "abcxyz019 ,.!?，。！？、《》“”\n\t"
        "\x00\u200b\u202e\ufeff😀👍🇹"
        "臺灣資訊網路ΑΩабв"
    )
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for _ in range(count)]


def check_sane(index: ReportIndex, question: str) -> None:
    result = index.search(question)
    assert result.kind in ("single", "list", "closest", "none")
    assert len(result.query.cleaned) <= MAX_QUERY_CHARS
    assert result.query.cleaned.isprintable()
    if result.kind == "none":
        assert not result.hits and result.suggestions
    else:
        assert result.hits


@pytest.mark.parametrize("question", NASTY, ids=[f"nasty{i}" for i in range(len(NASTY))])
def test_bad_input_never_crashes_and_is_cut(index: ReportIndex, question: str) -> None:
    check_sane(index, question)


def test_random_input_never_crashes_and_is_cut(index: ReportIndex) -> None:
    for question in random_strings(300):
        check_sane(index, question)


@pytest.mark.parametrize("question", ["", " ", "\u200b", "？？！！", "😀", "\x00\x1b"])
def test_empty_and_meaningless_input_is_refused(index: ReportIndex, question: str) -> None:
    assert index.search(question).kind == "none"


def test_long_input_is_cut_to_the_limit(index: ReportIndex) -> None:
    result = index.search("宋涛" + "啊" * 9_998)
    assert len(result.query.cleaned) == MAX_QUERY_CHARS
    assert result.query.original.startswith("宋涛")


@pytest.mark.parametrize(
    "question",
    ["宋\u200b涛", "宋\u200d涛", "\ufeff宋涛", "宋\x00涛", "\u202e宋涛\u202c", "<b>宋涛</b>"],
)
def test_invisible_characters_and_markup_do_not_hide_words(
    index: ReportIndex, question: str
) -> None:
    assert ids(index.search(question)) == ["visits-02"]


def test_mixed_scripts(index: ReportIndex) -> None:
    assert top(index, "Song Tao 宋涛 visit 广州") == "visits-02"
    assert top(index, "宋涛 Taiwan") == "visits-02"


# --------------------------------------------------------------------------- built once


def test_search_does_not_rebuild_or_read_files(
    index: ReportIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("search must use the index built at start")

    before = [index.search(q) for q in ("宋涛", "5月", "Taiwan youth internship", "你好")]
    monkeypatch.setattr(ReportIndex, "__init__", boom)
    monkeypatch.setattr(ReportIndex, "_index_item", boom)
    monkeypatch.setattr(CoverageIndex, "finalize", boom)
    monkeypatch.setattr(CoverageIndex, "add", boom)
    monkeypatch.setattr(builtins, "open", boom)
    monkeypatch.setattr(pathlib.Path, "read_text", boom)
    monkeypatch.setattr(pathlib.Path, "open", boom)
    after = [index.search(q) for q in ("宋涛", "5月", "Taiwan youth internship", "你好")]
    assert [(r.kind, ids(r)) for r in after] == [(r.kind, ids(r)) for r in before]


def test_two_searches_return_identical_results(index: ReportIndex) -> None:
    postings = index.chars.postings
    first = index.search("台青创业基地入驻了多少团队")
    second = index.search("台青创业基地入驻了多少团队")
    assert first == second
    assert index.chars.postings is postings


def test_sound_rescues_one_wrong_character_not_two(index: ReportIndex) -> None:
    # 宋滔 keeps 宋 and sounds like 宋涛: a typo. 大选结果 shares only sounds with 宣介
    # (xuan jie) in a title: another word, so the question is not in the report.
    assert ids(index.search("宋滔来广州考察"))[:1] == ["visits-02"]


def test_filler_words_do_not_turn_an_answer_into_a_refusal(index: ReportIndex) -> None:
    assert ids(index.search("台商大讲堂"))[:1] == ["integration-02"]
    assert ids(index.search("想了解一下台商大讲堂是干嘛的，可以给我讲讲吗"))[:1] == [
        "integration-02"
    ]


def test_a_set_question_in_a_topics_own_words_gets_the_topic(index: ReportIndex) -> None:
    result = index.search("市台办获得过哪些奖项")
    assert result.kind == "list"
    assert result.section is not None and result.section.id == "awards"
    assert len(ids(result)) == 7
    youth = index.search("台青方面都做了哪些工作")
    assert youth.section is not None and youth.section.id == "youth"


def test_a_wordy_set_question_that_only_one_topic_explains_gets_the_topic(
    index: ReportIndex,
) -> None:
    result = index.search("2023年工作亮点里拿到的奖项和荣誉全部列一下")
    assert result.kind == "list" and result.section is not None
    assert result.section.id == "awards"


def test_a_specific_set_question_is_not_taken_for_its_topic(index: ReportIndex) -> None:
    result = index.search("11月有哪些领导来广州")
    assert result.section is None


def test_a_phrase_only_one_item_has_ranks_it_first(index: ReportIndex) -> None:
    assert ids(index.search("创业孵化基地"))[:1] == ["awards-07"]


def test_closest_answer_is_framed_and_keeps_near_misses(index: ReportIndex) -> None:
    # Below the answer cut-off but clearly ahead of the rest: the closest item, framed so.
    result = index.search("台商学政策的课一年开了几回")
    assert result.kind == "closest"
    assert result.hits[0].item.id == "integration-02"
    assert result.hits[0].item.id not in {h.item.id for h in result.near_misses}
    # Filler jieba's counts call content (咋回事) no longer holds a plain answer back.
    assert index.search("台湾调解员咋回事").kind == "single"


def test_a_wordy_question_that_names_one_item_gets_it_as_the_closest(
    index: ReportIndex,
) -> None:
    # The asker's story (刚毕业, 找工作, 房租太贵) is content no item has, so the coverage is low;
    # the evidence for the rent-subsidy item, well ahead of any other, still decides.
    wordy = (
        "我朋友是台湾来的，最近刚毕业想留在广州找工作，但一直担心房租太贵，"
        "听说广州这边对台湾年轻人租房子有些支持，想问问报告里有没有提到相关的内容"
    )
    result = index.search(wordy)
    assert result.kind == "closest"
    assert result.hits[0].item.id == "youth-04"
    # "报告里有没有提到" speaks of the report itself, not of any item in it.
    shorter = "我朋友是台湾来的，听说广州这边对台湾年轻人租房子有些支持，想问问报告里有没有提到"
    assert ids(index.search(shorter))[:1] == ["youth-04"]
    # The same length of words about nothing the report has is still refused.
    assert (
        index.search(
            "我朋友是台湾来的，最近刚毕业想留在广州找工作，想问问广州的地铁票价多少钱"
        ).kind
        == "none"
    )


def test_pinyin_table_gives_pypinyin_first_reading_for_every_character() -> None:
    """The compact table read from pypinyin's single-character file, without importing pypinyin
    (whose __init__ loads the phrase dictionaries), agrees with pypinyin everywhere."""
    import subprocess
    import sys

    from bot.normalize import _TONE_MARKS, pinyin_of

    check = "import sys, bot.normalize as n; n.pinyin_of('宋'); print('pypinyin' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert loaded.stdout.strip() == "False"
    from pypinyin.pinyin_dict import pinyin_dict

    for code in range(0x3000, 0x32000):
        readings = pinyin_dict.get(code)
        expected = readings.split(",")[0].translate(_TONE_MARKS) if readings else chr(code)
        assert pinyin_of(chr(code)) == expected, hex(code)
    assert (pinyin_of("宋"), pinyin_of("滔"), pinyin_of("a"), pinyin_of("ab")) == (
        "song",
        "tao",
        "a",
        "ab",
    )


def test_a_detail_the_item_does_not_give_is_not_answered_with_it(index: ReportIndex) -> None:
    for question in (
        "穗台经贸论坛具体是在广州哪个酒店开的？",  # a venue
        "乐居广州租金补贴每个月补几多钱？",  # a sum the item does not state
        "全市对台工作会议是几月几号开的",  # a day the item does not give
        "广州台协成立30周年庆典",  # the item is the 33rd anniversary
        "第十届穗台青年论坛几时举办",  # the item is the 第九届
        "台协33周年庆典签约的那3家台资企业分别系边几家？",  # counted, never named
        "七台单位具体是指哪七个单位啊",
        "广州台商大讲堂下一期几时开？",  # the report tells what was done, not what is next
    ):
        result = index.search(question)
        assert result.kind == "none", question
        assert result.near_misses, question  # the item is still offered as a "maybe"
    # The forum's own item is the one offered, not another 第十届 event (岭南行).
    offered = index.search("第十届穗台青年论坛几时举办").near_misses
    assert [hit.item.id for hit in offered] == ["exchange-03"]
    # The same items answer when the question asks what they do say.
    assert ids(index.search("穗台经贸论坛有多少人参加"))[:1] == ["economy-03"]
    assert ids(index.search("台协33周年庆典签约多少"))[:1] == ["economy-04"]
    assert ids(index.search("张志军几月几号来的广州"))[:1] == ["visits-03"]
    # Several items that together name them do answer "which ones".
    assert set(ids(index.search("岭南行总闭营分别有哪几位领导出席"))) == {"visits-04", "visits-07"}


def test_cantonese_words_read_as_mandarin(index: ReportIndex) -> None:
    assert ids(index.search("宋涛系几时嚟广州考察嘅"))[:1] == ["visits-02"]
    assert set(ids(index.search("岭南行总闭营有边啲领导嚟咗？"))) >= {"visits-04", "visits-07"}


def test_a_pair_across_two_whole_words_is_weak_evidence(index: ReportIndex) -> None:
    # 湾大 of 台湾|大选 is also the 湾大 of 台湾|大学生: no ground for "the closest" item.
    assert index.search("台湾大选结果怎么样").kind == "none"
    assert ids(index.search("台湾大学生暑假实习"))[:1] == ["youth-02"]


def test_a_pair_across_filler_is_no_evidence(index: ReportIndex) -> None:
    # 问台 (from 问问 + 台湾) is a rare pair in the report, but not a word of the question.
    assert index.search("你好我想问问台湾的事").kind == "none"


def test_a_person_the_report_never_mentions_is_refused(index: ReportIndex) -> None:
    result = index.search("国台办发言人陈斌有没有在发布会上点名表扬广州")
    assert (result.kind, result.reason) == ("none", "unmentioned person: 陈斌")
    assert index.search("韩国瑜有没有来过广州").reason == "unmentioned person: 韩国瑜"
    # Names the report has, and typos of them, are no strangers.
    assert top(index, "宋滔来广州考察") == "visits-02"
    assert top(index, "郭永行会见金兰会") == "visits-06"
    assert top(index, "宋涛还去了哪里") == "visits-02"
    assert top(index, "黎建南是谁") in {"exchange-01", "story-07"}


@pytest.mark.parametrize(
    ("question", "person"),
    [
        (
            "Did Terry Gou attend the Guangzhou Taiwan business association's anniversary?",
            "Terry Gou",
        ),
        ("What did Ko Wen-je say about Guangzhou?", "Ko Wen-je"),
        ("Did Lai Ching-te ever visit Guangzhou?", "Lai Ching-te"),
    ],
)
def test_an_english_question_about_a_stranger_is_refused(
    index: ReportIndex, question: str, person: str
) -> None:
    assert index.search(question).reason == f"unmentioned person: {person}"


def test_capitalised_words_that_are_no_stranger_are_searched(index: ReportIndex) -> None:
    assert top(index, "When did Song Tao visit Guangzhou?") == "visits-02"
    assert top(index, "Huang Chih-hsien") in {"exchange-01", "story-07"}
    assert not index.search("Greater Bay Area Taiwan youth").reason.startswith("unmentioned")


def test_the_reports_own_title_words_do_not_narrow_a_month(index: ReportIndex) -> None:
    july = {"visits-02", "exchange-03", "exchange-04", "youth-02"}
    for question in (
        "7月广州对台工作有哪些",
        "What happened in Guangzhou's Taiwan work in July 2023?",
    ):
        result = index.search(question)
        assert result.kind == "list" and set(ids(result)) == july, question
    # Other words still pick the month's items they name.
    assert ids(index.search("11月台商活动")) == ["economy-05"]


def test_an_acronym_cc_cedict_gives_a_name_finds_it() -> None:
    from bot.crosslingual import EnglishBridge

    bridge = EnglishBridge("海峡两岸关系协会|海协会")
    assert "海协会" in bridge.chinese_for(["ARATS"])[0]


def test_details_the_items_do_not_give_are_refused(index: ReportIndex) -> None:
    for question, reason in (
        ("两岸艺术文化交流展一共展出了多少件作品？", "detail: number"),  # it counts no 件
        ("广州惠及台胞措施3.0版什么时候出台？", "detail: edition"),  # the item is the 2.0版
        ("谭萍副市长春节前夕慰问的那家台企叫什么名字", "detail: name"),  # none is named
    ):
        assert index.search(question).reason == reason, question
    # The report's forum is the 9th; its 10th is no answer, in English either.
    assert index.search("What was the theme of the 10th Guangzhou-Taiwan Youth Forum?").kind == (
        "none"
    )
    # A count in another word for the same thing still answers (位 for 人, 期 for 场).
    assert top(index, "金兰会来了多少人") == "exchange-02"
    assert top(index, "臺商大講堂一年辦了幾場") == "integration-02"
    # A name the item quotes answers "what is it called".
    assert top(index, "那部拿了组委会特别推荐奖的纪实片叫什么名字") == "awards-02"


def test_a_deputy_is_not_the_office_and_other_places_are_known_in_english(
    index: ReportIndex,
) -> None:
    assert index.search("广州市市长是谁？").reason == "unnamed office holder: 市长"
    assert index.search("南沙区台办主任系边个啊？").reason.startswith("unnamed office holder")
    assert index.search("How many Taiwan business lectures did Xiamen hold?").reason == (
        "other place: 厦门"
    )


def test_questions_about_the_bot_and_what_the_items_do_not_list_are_refused(
    index: ReportIndex,
) -> None:
    assert index.search("这个bot除了广州对台工作，还能回答别的城市的报告吗").reason == "smalltalk"
    assert index.search("台湾媒体广州行邀请的10家台湾媒体，除了TVBS还有哪些？").kind == "none"
    xiamen = index.search("How many lecture sessions (台商大讲堂) did Xiamen hold in 2023?")
    assert xiamen.reason == "other place: 厦门"
    # One character a topic's words share with the question names no topic.
    assert index.search("新时代党解决台湾问题的总体方略具体包括哪些内容？").section is None


def test_a_set_question_about_a_phrase_in_several_topics_lists_its_items(
    index: ReportIndex,
) -> None:
    result = index.search("同岭南行有关嘅所有内容都同我列一列")
    assert result.kind == "list" and result.section is None
    assert set(ids(result)) == {"visits-04", "visits-07", "awards-05", "exchange-05"}
    # A phrase one topic holds is still that topic's question.
    assert index.search("市委台办获得了哪些荣誉").section is not None


def test_a_two_digit_year_before_a_month_and_the_office_itself_ask_for_the_month(
    index: ReportIndex,
) -> None:
    november = {"visits-04", "visits-07", "visits-10", "economy-05", "exchange-05"}
    result = index.search("广州市台办23年11月都干了啥")
    assert 2023 in result.query.years
    assert result.kind == "list" and set(ids(result)) == november


def test_a_generic_word_inside_a_phrase_of_the_report_stays(index: ReportIndex) -> None:
    # 工作 goes from "做了哪些工作", but the 工作 of 对台工作会 is part of 对台工作会议.
    assert "工作" in index.parse("全市对台工作会开了没").content
    assert "工作" not in index.parse("台青方面做了哪些工作").content


def test_a_set_question_after_people_lists_the_items_that_name_someone(
    index: ReportIndex,
) -> None:
    # The base's own award (awards-07) names no one who came to see it.
    assert set(ids(index.search("汇龙那个创业基地都有哪些领导来看过？"))) == {
        "visits-02",
        "visits-10",
    }
    assert set(ids(index.search("岭南行总闭营有边啲领导嚟咗？"))) == {"visits-04", "visits-07"}


def test_real_english_is_not_taken_for_a_typo_of_a_report_word(index: ReportIndex) -> None:
    # "weather" is no misspelt "water" (of the report's English); a real typo still is fixed.
    assert index.search("What's the weather like in Guangzhou?").kind == "none"
    assert top(index, "When did Song Tao vist Guangzhou?") == "visits-02"


def test_a_question_many_items_answer_equally_is_too_vague_for_one(index: ReportIndex) -> None:
    # Only 两岸 of it is in the report, and in many items alike: no one of them is the answer.
    result = index.search("两岸什么时候和好")
    assert (result.kind, result.reason) == ("none", "vague")
    # 什么时候统一 asks for a forecast, which no report makes.
    assert index.search("两岸什么时候统一").reason == "opinion"
    assert result.suggestions
    html = render_answer(index.kb, result, texts_for("zh-hans"))
    assert "请说得具体一些" in html


def test_a_phrase_of_common_words_is_not_what_the_question_asks(index: ReportIndex) -> None:
    # 广州台商 is one item's phrase (广州台商大讲堂), but the question asks for investment figures.
    assert index.search("广州台商投资总额是多少").kind == "none"


def test_a_word_the_report_lacks_is_no_match_at_a_neighbours_edge(index: ReportIndex) -> None:
    # 台湾“首来族” has the pair 湾首, but 首都 is no word of the report.
    assert index.search("台湾的首都是哪里").kind == "none"
    assert top(index, "台湾首来族") == "story-05"


def test_a_typo_that_is_a_word_of_its_own_is_still_read_by_sound(index: ReportIndex) -> None:
    # 调节 is a common word, but here a slip for 调解.
    assert top(index, "特邀台湾调节员") == "integration-03"


def test_greetings_and_thanks_around_a_question_are_no_part_of_it(index: ReportIndex) -> None:
    query = index.parse("您好，台商大讲堂一共办了几期？谢谢。")
    assert "谢" not in query.content and "好" not in query.content
    assert index.parse("谢谢").smalltalk  # a whole message of thanks is still small talk
    assert "谢谢" in index.parse("谢谢台胞的支持").content  # not set off: part of the question


def test_a_set_question_about_people_at_an_event_lists_the_items_naming_them(
    index: ReportIndex,
) -> None:
    # The event's own item (承办…总闭营) names nobody: it is no answer to "which leaders".
    result = index.search("请问第十届台湾青年岭南行总闭营活动有哪些领导出席了？麻烦列一下，谢谢。")
    assert set(ids(result)) == {"visits-04", "visits-07"}


def test_an_office_nobody_in_the_report_holds_did_not_visit(index: ReportIndex) -> None:
    result = index.search("南沙区委书记有没有出席台湾大学生实习活动启动仪式？")
    assert (result.kind, result.reason) == ("none", "unmentioned person: 南沙区委书记")
    assert index.search("广州市长有没有会见台湾工商界人士").reason == "unmentioned person: 广州市长"
    # The report's own offices still answer, with or without a name or a season before them.
    assert top(index, "市委书记有没有会见台湾客人") == "visits-06"
    assert top(index, "过年前副市长去看望台商") == "visits-11"


def test_who_someone_is_that_the_report_never_mentions_is_refused(index: ReportIndex) -> None:
    result = index.search("汇龙科技园的老板是谁？")
    assert (result.kind, result.reason) == ("none", "unmentioned person: 汇龙科技园的老板")
    html = render_answer(index.kb, result, texts_for("zh-hans"))
    assert "报告没有提到汇龙科技园的老板" in html
    # 叫什么 asks the name of a thing, which the report may give in other words.
    assert top(index, "暖心服务台资企业的专项行动叫什么") == "integration-01"


def test_the_bots_opinion_or_forecast_is_not_in_the_report(index: ReportIndex) -> None:
    for question in ("你觉得60条惠台措施好不好？", "Do you think the 60 measures work?"):
        result = index.search(question)
        assert (result.kind, result.reason) == ("none", "opinion")
    html = render_answer(index.kb, index.search("你觉得两岸什么时候能统一？"), texts_for("zh-hans"))
    assert "不作评价" in html
    assert top(index, "你觉得广州的60条惠台措施有哪些内容") == "policy-01"  # no opinion asked


def test_a_name_asked_of_people_or_works_needs_an_item_that_gives_it(index: ReportIndex) -> None:
    # The item counts the 调解员 but names none; its “title” is an award, not the works'.
    assert index.search("20名特邀台湾调解员都叫什么名字？").reason == "detail: name"
    assert index.search("市委台办在中国台湾网获奖的那2部作品叫什么名字？").reason == "detail: name"
    assert top(index, "和广州电视台合拍的那部纪实片叫什么名字") == "awards-02"


def test_where_something_was_needs_an_item_that_names_a_place(index: ReportIndex) -> None:
    assert index.search("第十届台湾青年岭南行总闭营活动是在哪里举办的？").reason == "detail: place"
    assert top(index, "台湾大学生广州实习体验活动在哪启动的") == "youth-02"


def test_which_project_needs_an_item_that_names_its_projects(index: ReportIndex) -> None:
    # The item counts the signed projects and their sum; it names none of them.
    assert index.search("12亿多元签约的具体是什么项目？").reason == "detail: which ones"


def test_cantonese_how_many_asks_for_a_number(index: ReportIndex) -> None:
    query = index.parse("台商大讲堂办咗几多期")
    assert query.wants_number and "几" not in query.content


def test_a_closest_answer_needs_evidence_beyond_common_words(index: ReportIndex) -> None:
    # Only 台湾 and the filler 城市 match: no item is "the closest the report has".
    assert index.search("台湾的首府是哪个城市？").kind == "none"
    # 青创杯 is evidence enough (咋样, "how did it go", names nothing).
    answered = index.search("青创杯今年台湾那边搞得咋样")
    assert answered.kind in ("single", "closest") and answered.best is not None
    assert "青创杯" in answered.best.item.text


@pytest.mark.parametrize(
    "question",
    [
        "同台商、台企经贸交流呢块有咩搞作？",  # Cantonese: what has been done on …
        "您好，想了解一下2023年广州和台湾在经贸方面都办了哪些活动，能否逐一列举？",
        "What economic and trade exchange events with Taiwan did Guangzhou hold in 2023?",
    ],
)
def test_a_topic_asked_for_in_other_words_lists_the_topic(
    index: ReportIndex, question: str
) -> None:
    result = index.search(question)
    assert result.kind == "list" and result.section is not None
    assert result.section.id == "economy"


def test_a_one_character_stop_word_does_not_break_a_word(index: ReportIndex) -> None:
    assert "解" not in index.parse("想了解一下台商大讲堂").content  # 了解 goes whole
    assert not index.parse("What is the 60 measures about?").wants_set  # a verb, no plural asked


def test_cantonese_and_colloquial_set_questions_list_their_items(index: ReportIndex) -> None:
    # 喺 is 在; 搞过 names nothing; 都做了些什么 asks for all of it.
    assert {"youth-02", "story-01"} <= set(ids(index.search("喺南沙搞过边啲活动？")))
    assert set(ids(index.search("海协会的领导来广州都做了些什么？"))) == {
        "visits-03",
        "visits-04",
        "visits-05",
    }


def test_what_highlights_an_area_has_lists_the_area(index: ReportIndex) -> None:
    # Cantonese 呢块 is 这块; 有咩亮点 asks for all of them.
    result = index.search("讲好广州故事呢块有咩亮点？")
    assert result.section is not None and result.section.id == "story"


def test_which_year_asks_a_date_and_mentioned_names_nothing(index: ReportIndex) -> None:
    query = index.parse("我想了解一下广州是从哪一年开始穗台交流的，报告里面有没有提到呢？")
    assert query.wants_date and "提到" not in query.content
    assert (
        top(index, "我想了解一下广州是从哪一年开始穗台交流的，报告里面有没有提到呢？")
        == "exchange-02"
    )


def test_colloquial_what_reads_as_what(index: ReportIndex) -> None:
    # 啥 is 什么, as Cantonese 咩 is: 有啥活动 asks for the activities, as 有什么活动 does.
    assert index.parse("大新美术馆有啥活动").wants_set
    assert index.parse("大新美术馆有啥活动").content == index.parse("大新美术馆有什么活动").content


def test_a_topic_listing_still_needs_the_detail_word_asked(index: ReportIndex) -> None:
    # The youth topic answers "which", not "which recruitment websites do you recommend".
    result = index.search("台青在大湾区找工作有哪些招聘网站推荐？")
    assert result.kind == "none" and result.reason.startswith("detail: ")
    assert index.search("台青方面都有哪些工作？").section is not None


def test_common_synonyms_of_the_reports_words_read_as_them(index: ReportIndex) -> None:
    read = index.parse
    assert read("租房补助").content == read("租房补贴").content
    assert read("进驻了多少团队").content == read("入驻了多少团队").content
    assert "调解员" in read("台湾和事佬").content


def test_years_counted_back_from_today_are_other_years(index: ReportIndex) -> None:
    result = index.search("十年前广州有没有台湾青年论坛")
    assert result.kind == "none" and result.reason.startswith("other year: ")


def test_english_years_ago_are_other_years(index: ReportIndex) -> None:
    result = index.search("Did Guangzhou hold a Taiwan youth forum ten years ago?")
    assert result.kind == "none" and result.reason.startswith("other year: ")


def test_tasks_particulars_and_guests_the_report_does_not_give_are_refused(
    index: ReportIndex,
) -> None:
    assert index.search("帮我写一首关于中秋的诗吧").reason == "smalltalk"  # a task
    assert index.search("Write me a poem about Guangzhou").reason == "smalltalk"
    assert index.search("宋涛多大年纪，是哪里人？").kind == "none"  # a person's particulars
    # The forum's item names no guest: "which guests spoke" is not answered by it.
    assert index.search("第九届穗台青年论坛请了哪些嘉宾演讲？").reason == "detail: name"


def test_in_all_names_nothing(index: ReportIndex) -> None:
    # 一共 is rare in jieba's corpus, yet a filler word: the answer is plain, not "closest".
    assert index.search("台商大讲堂一共办了几期").kind == "single"


def test_courtesy_and_vagueness_name_nothing(index: ReportIndex) -> None:
    content = index.parse("打扰一下，台商大讲堂大概是怎么回事之类的").content
    assert not any(word in content for word in ("大概", "打扰", "回事", "之类"))


def test_an_edition_in_words_is_another_version(index: ReportIndex) -> None:
    # The report has the 2.0版 of the 60 measures; 第一版 is 1.0.
    assert index.search("广州60条惠及台胞措施的第一版是哪一年发布的？").reason == "detail: edition"
    assert top(index, "2.0版60条是什么时候发布的") == "policy-01"


def test_how_many_needs_an_item_with_a_figure(index: ReportIndex) -> None:
    # 乐居广州 is about living in Guangzhou, but counts nobody.
    assert index.search("How many Taiwanese live in Guangzhou?").reason == "detail: number"
    assert top(index, "台商大讲堂办了几期") == "integration-02"  # 全年10期


def test_a_count_of_the_whole_city_needs_a_figure_of_the_whole(index: ReportIndex) -> None:
    # The anniversary item counts the 3 台资企业 that signed, not the city's; 3家 bases are
    # all of them (the figure counts the bases themselves).
    for question in ("2023年广州有多少台资企业", "广州一共有多少家台资企业", "广州有多少台商"):
        assert index.search(question).reason == "detail: number", question
    assert top(index, "广州有几个台湾青年就业创业基地") == "youth-05"
    # A count of something the question narrows (入驻, 报名) is no count of the city.
    assert top(index, "台青创业基地入驻了多少团队") == "youth-05"
    assert top(index, "几家台湾媒体来广州采访") == "story-01"


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("centre", "center"),
        ("honours", "honor"),
        ("organised", "organized"),
        ("programme", "program"),
    ],
)
def test_british_spelling_meets_the_dictionarys(british: str, american: str) -> None:
    from bot.normalize import english_stem

    assert english_stem(british) == english_stem(american)
    for word in ("tour", "hours", "your", "genre", "detour"):
        assert english_stem(word) == word.removesuffix("s")  # left alone


def test_where_the_asker_is_from_is_no_place_asked_about(index: ReportIndex) -> None:
    asker = index.search("我是厦门一所大学的研究生，想问一下广州的台商大讲堂2023年办了几期？")
    assert asker.reason != "other place: 厦门" and top(index, "台商大讲堂办了几期") in ids(asker)
    assert index.search("厦门的台商大讲堂2023年办了几期？").reason == "other place: 厦门"


def test_an_everyday_word_meets_the_word_the_report_uses(index: ReportIndex) -> None:
    # The item says 新媒体, never 公众号.
    result = index.search("市台办的公众号得过奖吗")
    assert result.kind == "single" and ids(result)[0] == "awards-06"


def test_won_an_award_with_an_aspect_particle_is_an_award(index: ReportIndex) -> None:
    # 拿了奖 is 拿奖 is 获奖; 视频 is what the report calls a 纪实片.
    assert top(index, "有个讲广州台湾人的视频拿了奖是哪个") == "awards-02"


def test_an_everyday_word_the_aliases_rewrite_is_left_to_them(kb: KnowledgeBase) -> None:
    # 台青 is rewritten to 台湾青年; as an everyday word it would make every 台湾青年 a 纪实片.
    lexicon = replace(kb.lexicon, everyday={**kb.lexicon.everyday, "台青": ("纪实片",)})
    with_it = ReportIndex(KnowledgeBase(kb.reports, lexicon))
    query = with_it.parse("台湾青年创业基地入驻了多少团队")
    assert (with_it.content_scores(query) == ReportIndex(kb).content_scores(query)).all()


def test_a_name_in_pinyin_finds_a_person_the_english_writes_otherwise(
    index: ReportIndex,
) -> None:
    # 梁振英 is Leung Chun-ying in the report's English; people also write Liang Zhenying.
    result = index.search("Liang Zhenying interview when?")
    assert result.kind == "single" and ids(result) == ["visits-01"]


@pytest.mark.parametrize("message", ["好好好", "好" * 4000])
def test_a_topics_lone_character_typed_over_and_over_names_no_topic(
    index: ReportIndex, message: str
) -> None:
    # 好 is a character of 讲好“广州故事”, not a word of it.
    assert index.search(message).kind == "none"


def test_a_set_question_only_one_topic_explains_at_all_gets_it(index: ReportIndex) -> None:
    # Half the words are Cantonese filler, so the topic covers little of the question; but no
    # other topic explains any of it, and no item as much.
    result = index.search("拉近两岸民众感情嗰啲交流活动有边啲？")
    assert result.section is not None and result.section.id == "exchange"


@pytest.mark.parametrize(
    "question",
    [
        "怎么联系市台办？",  # contact details: no report gives them
        "台商协会怎么加入？",  # how to join
        "台湾学生来大陆读大学要考什么？",  # what an exam asks
        "台湾有几个县市？",  # a count of Taiwan as a whole
        "你是人工智能吗？",  # about the bot
    ],
)
def test_what_a_work_report_never_says_is_refused(index: ReportIndex, question: str) -> None:
    assert index.search(question).kind == "none", question


def test_english_greetings_and_thanks_are_small_talk(index: ReportIndex) -> None:
    # "Hello" is in the film's English title (Hello, Friend): a greeting still asks nothing.
    for message in ("Hello, how are you?", "Thanks a lot!", "Are you a human?"):
        assert index.search(message).reason == "smalltalk", message
