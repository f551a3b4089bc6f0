"""The conversation core without Telegram: classifying follow-ups, merging elliptic questions,
the state after each answer, expiry, and replies on the real report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml

from bot.config import DEFAULT_DATA_DIR
from bot.conversation import (
    CONTEXT_TTL,
    Conversation,
    Dialogue,
    FollowUp,
    Frame,
    Reply,
    ShownList,
    Vocabulary,
    chinese_number,
    classify,
    current,
    merge,
)
from bot.report import KnowledgeBase
from bot.search import ReportIndex

T0 = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def dialogue(kb: KnowledgeBase, index: ReportIndex) -> Dialogue:
    return Dialogue(kb, index)


@pytest.fixture(scope="module")
def vocabulary(dialogue: Dialogue) -> Vocabulary:
    return dialogue.vocabulary


def ask(dialogue: Dialogue, conversation: Conversation, text: str) -> Reply:
    """What a handler does: respond, then record what was shown."""
    reply = dialogue.respond(text, conversation)
    if reply.kind == "answer" and reply.result is not None:
        conversation.saw_answer(reply.question, reply.result, dialogue.vocabulary)
    elif reply.kind == "item" and reply.item is not None:
        conversation.saw_item(reply.item)
    elif reply.kind == "section_page" and reply.section is not None:
        conversation.saw_section(reply.section, reply.page)
    elif reply.kind == "page":
        conversation.saw_page(reply.start - 1 + len(reply.items))
    return reply


def answer_ids(reply: Reply) -> list[str]:
    assert reply.kind == "answer" and reply.result is not None, reply.kind
    return [hit.item.id for hit in reply.result.hits]


# ------------------------------------------------------------------------------ classifying


@pytest.mark.parametrize(
    "text",
    [
        "还有吗",
        "还有呢？",
        "更多",
        "继续",
        "下一页",
        "還有嗎",
        "還有呢",
        "more",
        "Next",
        "more please",
    ],
)
def test_more_phrases(text: str, vocabulary: Vocabulary) -> None:
    assert classify(text, vocabulary) == FollowUp("more")


@pytest.mark.parametrize(
    ("text", "number", "bare"),
    [
        ("第二条", 2, False),
        ("第2个", 2, False),
        ("2", 2, True),
        ("第三個", 3, False),
        ("第十二条", 12, False),
        ("the second one", 2, False),
        ("number 2", 2, False),
        ("#3", 3, True),
        ("the 3rd one", 3, False),
        ("the last one", -1, False),
    ],
)
def test_pick_phrases(text: str, number: int, bare: bool, vocabulary: Vocabulary) -> None:
    assert classify(text, vocabulary) == FollowUp("pick", number, bare=bare)


@pytest.mark.parametrize(
    "text", ["详细说说", "具体呢？", "原文", "詳細一點", "details", "Tell me more about it"]
)
def test_elaborate_phrases(text: str, vocabulary: Vocabulary) -> None:
    assert classify(text, vocabulary) == FollowUp("elaborate")


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("那11月呢？", "month", "11"),
        ("那十一月呢", "month", "11"),
        ("what about December?", "month", "12"),
        ("那张志军呢？", "person", "张志军"),
        ("那張志軍呢？", "person", "张志军"),
        ("and Zhang Zhijun?", "person", "张志军"),
        ("他还去了哪里？", "person-anaphor", ""),
        ("where else did he go?", "person-anaphor", ""),
        ("这个活动有多少人参加？", "item-anaphor", ""),
        ("這個活動有多少人參加？", "item-anaphor", ""),
        ("how many people attended it?", "item-anaphor", ""),
    ],
)
def test_elliptic_questions(text: str, slot: str, value: str, vocabulary: Vocabulary) -> None:
    assert classify(text, vocabulary) == FollowUp("ellipsis", slot=slot, value=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "台青创业基地入驻了多少团队",
        "第十届台湾青年岭南行有多少人参加",  # 第十届 is an edition, not a pick
        "宋涛什么时候来广州考察",
        "还有其他台青活动吗",  # 其他 is no pronoun
        "Taiwan youth internship",
        "三",  # a lone Chinese numeral is not a pick
        "2023",
        "",
    ],
)
def test_self_contained_questions_are_no_follow_ups(text: str, vocabulary: Vocabulary) -> None:
    assert classify(text, vocabulary) is None


@pytest.mark.parametrize("name", ["questions.yaml", "holdout.yaml"])
def test_no_evaluation_question_reads_as_a_follow_up(name: str, vocabulary: Vocabulary) -> None:
    """Every question of the evaluation sets stands on its own: none may be taken for a
    follow-up, whatever the context."""
    questions = yaml.safe_load((DEFAULT_DATA_DIR / "eval" / name).read_text(encoding="utf-8"))
    taken = [q["q"] for q in questions if classify(q["q"], vocabulary) is not None]
    assert taken == []


def test_chinese_numbers() -> None:
    assert [chinese_number(t) for t in ("一", "两", "十", "十一", "二十三", "7")] == [
        1,
        2,
        10,
        11,
        23,
        7,
    ]


# ------------------------------------------------------------------------------ merging


def test_merge_changes_one_part_of_the_last_question(vocabulary: Vocabulary) -> None:
    month = Frame(question="5月有哪些活动", months=(5,))
    assert merge(month, FollowUp("ellipsis", slot="month", value="11"), "那11月呢", vocabulary) == (
        "11月有哪些活动"
    )
    english = Frame(question="What happened in November?", months=(11,))
    follow = FollowUp("ellipsis", slot="month", value="12")
    assert merge(english, follow, "what about December?", vocabulary) == (
        "What happened in December?"
    )
    person = Frame(question="宋涛什么时候来广州考察", person="宋涛")
    follow = FollowUp("ellipsis", slot="person", value="张志军")
    assert merge(person, follow, "那张志军呢", vocabulary) == "张志军什么时候来广州考察"
    follow = FollowUp("ellipsis", slot="person-anaphor")
    assert merge(person, follow, "他还去了哪里？", vocabulary) == "宋涛还去了哪里"
    item = Frame(question="宋涛什么时候来广州考察", item_id="visits-02")
    follow = FollowUp("ellipsis", slot="item-anaphor")
    assert merge(item, follow, "这个活动有多少人参加？", vocabulary) == (
        "宋涛考察汇龙科技园有多少人参加"
    )


def test_merge_needs_the_part_it_changes(vocabulary: Vocabulary) -> None:
    no_month = Frame(question="宋涛什么时候来广州考察", person="宋涛")
    assert (
        merge(no_month, FollowUp("ellipsis", slot="month", value="11"), "那11月呢", vocabulary)
        is None
    )
    no_person = Frame(question="5月有哪些活动", months=(5,))
    follow = FollowUp("ellipsis", slot="person-anaphor")
    assert merge(no_person, follow, "他还去了哪里", vocabulary) is None


# ------------------------------------------------------------------------------ state


def test_context_expires_after_silence_and_each_key_has_its_own() -> None:
    store: dict[object, Conversation] = {}
    first = current(store, 1, T0)
    first.frame = Frame(question="5月有哪些活动")
    first.touch(T0)
    assert current(store, 1, T0 + CONTEXT_TTL) is first  # exactly the limit: still alive
    later = current(store, 1, T0 + CONTEXT_TTL + timedelta(seconds=1))
    assert later is not first and later.frame is None
    assert current(store, 2, T0).frame is None  # another person, another context


def test_reset_forgets_everything(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "5月有哪些活动")
    conversation.reset()
    assert dialogue.respond("还有吗", conversation).kind == "no_context"
    assert dialogue.respond("第二条", conversation).kind == "no_context"


# ------------------------------------------------------------------------------ replies


def test_month_ellipsis_then_pick_then_details(dialogue: Dialogue) -> None:
    conversation = Conversation()
    may = answer_ids(ask(dialogue, conversation, "5月有哪些活动"))
    assert "visits-01" in may
    november = answer_ids(ask(dialogue, conversation, "那11月呢？"))
    assert "visits-04" in november and "visits-01" not in november
    picked = ask(dialogue, conversation, "第二条")
    assert picked.kind == "item" and picked.item is not None
    assert picked.item.id == november[1]
    details = ask(dialogue, conversation, "详细说说")
    assert details.kind == "item" and details.item == picked.item


def test_pick_counts_in_the_list_not_in_editions(dialogue: Dialogue, kb: KnowledgeBase) -> None:
    conversation = Conversation()
    conversation.saw_section(kb.sections["awards"], 1)
    reply = ask(dialogue, conversation, "第三条")
    assert reply.kind == "item" and reply.item is not None
    assert reply.item.id == "awards-03"  # not awards-02, the 第三届 one
    assert ask(dialogue, conversation, "第九条") == Reply(
        "out_of_range", total=7, follow_up=FollowUp("pick", 9)
    )


def test_more_pages_through_a_topic_then_says_it_is_the_end(
    dialogue: Dialogue, kb: KnowledgeBase
) -> None:
    conversation = Conversation()
    conversation.saw_section(kb.sections["awards"], 1)  # 7 items, 5 a page
    page = ask(dialogue, conversation, "更多")
    assert page.kind == "section_page" and page.page == 2
    end = ask(dialogue, conversation, "還有嗎")
    assert end.kind == "end" and end.total == 7


def test_more_continues_a_long_search_list_then_picks_count_on(
    dialogue: Dialogue, kb: KnowledgeBase
) -> None:
    conversation = Conversation()
    ids = tuple(sorted(kb.items))[:13]
    conversation.listing = ShownList(ids, 10)  # a search list of 13 shown 10 at a time
    conversation.last_was_list = True
    page = ask(dialogue, conversation, "更多")
    assert page.kind == "page" and (page.start, page.total) == (11, 13)
    assert [i.id for i in page.items] == list(ids[10:])
    assert ask(dialogue, conversation, "more").kind == "end"
    picked = ask(dialogue, conversation, "第十二条")
    assert picked.item is not None and picked.item.id == ids[11]


def test_more_after_a_single_answer_continues_with_its_topic(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "宋涛什么时候来广州考察")
    more = ask(dialogue, conversation, "还有吗")
    assert more.kind == "section_page" and more.section is not None
    assert more.section.id == "visits" and more.page == 1


def test_bare_number_is_a_pick_only_right_after_a_list(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "5月有哪些活动")
    assert ask(dialogue, conversation, "2").kind == "item"
    assert ask(dialogue, conversation, "第3条").kind == "item"  # the list is still there
    assert ask(dialogue, conversation, "2").kind == "answer"  # after an item: a search


def test_person_ellipsis_and_pronoun(dialogue: Dialogue) -> None:
    conversation = Conversation()
    assert answer_ids(ask(dialogue, conversation, "宋涛什么时候来广州考察")) == ["visits-02"]
    assert answer_ids(ask(dialogue, conversation, "那张志军呢？")) == ["visits-03"]
    again = ask(dialogue, conversation, "他还去了哪里？")
    assert again.kind == "nothing_more" and again.subject == "张志军"


def test_item_anaphor_is_answered_by_that_item_or_not_at_all(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "宋涛什么时候来广州考察")
    reply = ask(dialogue, conversation, "这个活动有多少人参加？")
    assert reply.kind == "answer" and reply.result is not None
    assert reply.result.kind == "none"  # the item has no attendance figure: honest "no"
    assert reply.question == "宋涛考察汇龙科技园有多少人参加"
    assert [h.item.id for h in reply.result.near_misses] == ["visits-02"]
    conversation = Conversation()
    ask(dialogue, conversation, "妇女会成立几周年")
    reply = ask(dialogue, conversation, "这个活动有多少人参加？")
    assert answer_ids(reply) == ["economy-05"]


def test_a_new_question_wins_over_the_context(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "5月有哪些活动")
    reply = ask(dialogue, conversation, "台青创业基地入驻了多少团队")
    assert reply.follow_up is None and answer_ids(reply) == ["youth-05"]
    conversation.saw_section(dialogue.kb.sections["awards"], 1)
    edition = ask(dialogue, conversation, "第十届台湾青年岭南行有多少人参加")
    assert edition.kind == "answer" and edition.follow_up is None


def test_follow_up_phrases_without_context(dialogue: Dialogue) -> None:
    for text in ("还有吗", "第二条", "详细说说", "原文", "the second one"):
        assert dialogue.respond(text, Conversation()).kind == "no_context", text
    # Elliptic questions without a frame are searched as they are.
    assert answer_ids(dialogue.respond("那11月呢？", Conversation()))[0] == "visits-04"


def test_after_not_in_the_report_there_is_nothing_to_continue(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "5月有哪些活动")
    assert ask(dialogue, conversation, "深圳台办2023年做了什么").result.kind == "none"  # type: ignore[union-attr]
    assert ask(dialogue, conversation, "更多").kind == "no_context"
    assert ask(dialogue, conversation, "详细说说").kind == "no_context"


def test_details_after_a_list_asks_which_one(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "5月有哪些活动")
    assert ask(dialogue, conversation, "详细说说").kind == "which"


def test_english_follow_ups(dialogue: Dialogue) -> None:
    conversation = Conversation()
    assert answer_ids(ask(dialogue, conversation, "When did Song Tao visit Guangzhou?")) == [
        "visits-02"
    ]
    assert answer_ids(ask(dialogue, conversation, "and Zhang Zhijun?")) == ["visits-03"]
    november = answer_ids(ask(dialogue, conversation, "What happened in November?"))
    december = answer_ids(ask(dialogue, conversation, "what about December?"))
    assert "visits-04" in november and december == ["visits-03"]
    picked = ask(dialogue, conversation, "the first one")
    assert picked.kind == "item" and picked.item is not None and picked.item.id == "visits-03"


def test_a_bare_figure_question_is_about_the_last_item(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "台协33周年庆典")
    assert answer_ids(ask(dialogue, conversation, "签了多少钱")) == ["economy-04"]
    conversation = Conversation()
    ask(dialogue, conversation, "广州台商大讲堂是什么")
    assert answer_ids(ask(dialogue, conversation, "一年辦幾期")) == ["integration-02"]


def test_how_many_people_needs_a_count_of_people(dialogue: Dialogue) -> None:
    conversation = Conversation()
    ask(dialogue, conversation, "第九届穗台青年论坛")  # its only figure is the edition, 9届
    reply = ask(dialogue, conversation, "这个活动有多少人参加？")
    assert reply.result is not None and reply.result.kind == "none"
    conversation = Conversation()
    ask(dialogue, conversation, "产业融合湾区聚力经贸论坛")  # about 200 people
    assert answer_ids(ask(dialogue, conversation, "这个活动有多少人参加？")) == ["economy-03"]
