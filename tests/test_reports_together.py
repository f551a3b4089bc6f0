"""Several reports served together: years and cities route a question to its report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.render import render_answer, render_item
from bot.report import KnowledgeBase, load_knowledge_base
from bot.search import ReportIndex
from bot.texts import texts_for

DATA = Path(__file__).resolve().parent.parent / "data"

SECOND_REPORT = """\
schema: 1
report:
  id: sz2024
  title: 2024年深圳市对台工作成果及亮点
  title_en: Shenzhen's Taiwan work in 2024
  year: 2024
  city: 深圳
topics:
- id: sz_youth
  number: 1
  command: sz_youth
  title: 深台青年交流
  description_zh: 专题一·深台青年交流
  description_en: Topic 1 · Shenzhen-Taiwan youth exchange
  items:
  - id: sz2024-youth-01
    number: 1
    text: 2024年7月，举办第十届深台青年论坛，两岸青年300余人参加。
    title: 第十届深台青年论坛
    date: {year: 2024, month: 7}
  - id: sz2024-youth-02
    number: 2
    text: 2024年9月，前海台湾青年创业基地新入驻台青团队25家。
    title: 前海台青创业基地新入驻25家
    date: {year: 2024, month: 9}
  - id: sz2024-youth-03
    number: 3
    text: 2024年10月，深圳市台资企业协会会长林志强出席台商座谈会。
    title: 深圳台协会长林志强出席台商座谈会
    date: {year: 2024, month: 10}
    people:
    - {name: 林志强, role: 深圳市台资企业协会会长}
"""


def copy_of_the_data(folder: Path) -> Path:
    """The shipped reports, sources and lexicon, in `folder` to add another report to."""
    shutil.copytree(DATA / "reports", folder / "reports")
    shutil.copytree(DATA / "source", folder / "source")
    shutil.copy(DATA / "lexicon.yaml", folder / "lexicon.yaml")
    return folder


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    folder = copy_of_the_data(tmp_path_factory.mktemp("data"))
    (folder / "reports" / "sz2024.yaml").write_text(SECOND_REPORT, encoding="utf-8")
    return load_knowledge_base(folder)


@pytest.fixture(scope="module")
def index(two_reports: KnowledgeBase) -> ReportIndex:
    return ReportIndex(two_reports)


def top(index: ReportIndex, question: str) -> str | None:
    result = index.search(question)
    return result.hits[0].item.id if result.hits and result.kind != "none" else None


def test_a_city_of_a_loaded_report_is_not_another_place(index: ReportIndex) -> None:
    assert top(index, "深圳的台青创业基地新入驻了多少团队") == "sz2024-youth-02"


def test_a_year_or_city_routes_the_question_to_its_report(index: ReportIndex) -> None:
    assert top(index, "2024年青年论坛是第几届") == "sz2024-youth-01"
    assert top(index, "深圳青年论坛") == "sz2024-youth-01"
    assert top(index, "广州青年论坛") == "exchange-03"
    assert top(index, "2023年穗台青年论坛") == "exchange-03"


def test_a_city_in_a_year_no_report_covers_is_refused(index: ReportIndex) -> None:
    result = index.search("2024年广州办了哪些青年论坛")
    assert result.kind == "none"
    assert result.reason.startswith("other year")


def test_month_questions_stay_in_the_named_report(index: ReportIndex) -> None:
    result = index.search("深圳7月有哪些活动")
    assert {h.item.id for h in result.hits} == {"sz2024-youth-01"}


def test_answers_say_which_report_they_come_from(two_reports: KnowledgeBase) -> None:
    texts = texts_for("zh-hans")
    item = two_reports.items["sz2024-youth-01"]
    assert "2024年深圳市对台工作成果及亮点" in render_item(two_reports, item, texts)


def test_not_found_names_every_report(two_reports: KnowledgeBase, index: ReportIndex) -> None:
    html = render_answer(two_reports, index.search("今天天气怎么样"), texts_for("zh-hans"))
    assert "2023年广州市对台工作成果及亮点" in html
    assert "2024年深圳市对台工作成果及亮点" in html


def test_a_list_mixing_reports_says_where_each_item_is_from(
    two_reports: KnowledgeBase, index: ReportIndex
) -> None:
    html = render_answer(two_reports, index.search("广州和深圳7月有哪些活动"), texts_for("zh-hans"))
    assert "第十届深台青年论坛</b> <i>(深圳, 2024年7月)</i>" in html
    assert "(广州, 2023年7月)" in html


def test_a_question_naming_no_city_is_about_the_home_city(
    two_reports: KnowledgeBase, index: ReportIndex
) -> None:
    # lexicon.yaml's home_city is 广州: its office's awards, its July; 深圳's July is pointed to.
    awards = index.search("市台办获得过哪些奖项")
    assert awards.section is not None and awards.section.id == "awards"
    july = index.search("7月有哪些活动")
    assert {h.item.report_id for h in july.hits} == {"gz2023"}
    assert july.elsewhere == ("sz2024",)
    html = render_answer(two_reports, july, texts_for("zh-hans"))
    assert html.endswith("💡 深圳的报告里也有相关内容，在问题中加上城市名即可查看。")
    english = render_answer(two_reports, index.search("What happened in July?"), texts_for("en"))
    assert "The Shenzhen report has matching items too" in english


def test_another_citys_report_answers_what_the_home_city_has_not(index: ReportIndex) -> None:
    assert top(index, "前海的台青创业基地") == "sz2024-youth-02"
    assert not index.search("前海的台青创业基地").elsewhere


def test_the_home_city_is_answered_as_if_it_were_alone(index: ReportIndex) -> None:
    alone = ReportIndex(load_knowledge_base(DATA))
    for question in ("全市对台工作会议开了吗", "广州台青创业基地进了多少团队", "台湾调解员咋回事"):
        assert top(index, question) == top(alone, question), question


def test_an_office_is_held_only_in_the_report_the_question_names(index: ReportIndex) -> None:
    # 深圳's report names its association's president; 广州's never does.
    assert index.search("广州台协会长是谁").reason.startswith("unnamed office holder")
    assert index.search("深圳台协会长是谁").kind != "none"


def ingested_beside(folder: Path, fiction: str, name: str, report_id: str) -> ReportIndex:
    """The Guangzhou data with a fictional report ingested next to it, untouched."""
    folder = copy_of_the_data(folder)
    source = folder / "source" / name
    shutil.copy(DATA / "eval" / fiction / name, source)
    assert main(["ingest", str(source), "-o", str(folder / "reports" / f"{report_id}.yaml")]) == 0
    return ReportIndex(load_knowledge_base(folder))


@pytest.fixture(scope="module")
def beside_ingested(tmp_path_factory: pytest.TempPathFactory) -> ReportIndex:
    """The fictional 深圳 report beside Guangzhou's."""
    folder = tmp_path_factory.mktemp("beside")
    return ingested_beside(folder, "fiction", "2024-shenzhen-report.txt", "sz")


def test_a_near_tie_with_another_city_is_the_home_citys(beside_ingested: ReportIndex) -> None:
    # Both cities launched a Taiwan students' internship; the question names none: Guangzhou's,
    # which 深圳's matches only a little better, is the one meant.
    result = beside_ingested.search("台湾大学生实习活动在哪启动的")
    assert result.best is not None and result.best.item.id == "youth-02"
    assert result.elsewhere


def test_a_city_inside_what_is_compared_is_not_the_city_asked(
    beside_ingested: ReportIndex,
) -> None:
    # 深圳 is asked about; 乐居广州 and 广州台商大讲堂 are only what it is compared with.
    compared = (
        "深圳有没有类似“乐居广州”的台湾青年租金补贴？",
        "深圳有冇类似广州台商大讲堂嘅活动㗎？",
    )
    for question in compared:
        result = beside_ingested.search(question)
        assert not any(hit.item.report_id == "gz2023" for hit in result.hits), question
    assert beside_ingested.search("乐居广州是什么").best is not None


@pytest.fixture(scope="module")
def beside_foshan(tmp_path_factory: pytest.TempPathFactory) -> ReportIndex:
    """The fictional 佛山 report beside Guangzhou's."""
    folder = tmp_path_factory.mktemp("foshan")
    return ingested_beside(folder, "fiction6", "2025-foshan-report.txt", "fs")


def test_a_topic_asked_with_no_city_is_the_home_citys(beside_foshan: ReportIndex) -> None:
    # 佛山's awards items match "市台办…奖项" better word for word; the office meant is still
    # the bot's own, and 佛山's report is pointed to.
    result = beside_foshan.search("市台办获得过哪些奖项")
    assert result.section is not None and result.section.id == "awards"
    assert {h.item.report_id for h in result.hits} == {"gz2023"}
    assert result.elsewhere == ("fs",)
    named = beside_foshan.search("佛山市委台办获得过哪些奖项")
    assert {h.item.report_id for h in named.hits} == {"fs"}
