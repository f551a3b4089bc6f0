"""Automatic enrichment at ingest (bot/ingest/enrich.py), on sentences that are not the
Guangzhou report's: a fictional 2024 深圳 report (tests/ingest_samples.py) and made-up lines."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.commands import BUILTIN_NAMES
from bot.config import DEFAULT_DATA_DIR
from bot.ingest import parse_source
from bot.ingest.enrich import (
    TITLE_MAX,
    choose_command,
    draft_title,
    enrich_item,
    extract_date,
    extract_figures,
    extract_organizations,
    extract_people,
    extract_places,
)
from bot.report import load_knowledge_base, validate_data
from bot.search import ReportIndex, pinyin_name
from tests.ingest_samples import SAMPLE_TXT, SAMPLE_VARIANTS

# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年4月，某某出席活动。", {"year": 2024, "month": 4}),
        ("2024年6月18日，某某到前海考察。", {"year": 2024, "month": 6, "day": 18}),
        ("3月，举办交流会。", {"year": 2024, "month": 3}),
        ("中秋前后，副市长走访台胞家庭。", {"year": 2024, "label": "中秋前后"}),
        ("春节前夕，走访慰问台资企业。", {"year": 2024, "label": "春节前夕"}),
        ("年底，在福田区举办论坛。", {"year": 2024, "label": "年底"}),
        ("2022年，开展调研。", {"year": 2022}),
        ("累计入驻团队156家，2024年举办培训45场次。", {"year": 2024}),
        ("2月30日，不可能的日子。", {"year": 2024, "month": 2}),
        # Years that are not the time of the item: 2024年度 (an award's year), 自1990年.
        ("市委台办获评2024年度先进集体。", None),
        ("是自1990年以来最大规模的团组。", None),
        ("市委台办获评先进集体。", None),
    ],
)
def test_dates(text: str, expected: dict[str, Any] | None) -> None:
    assert extract_date(text, 2024) == expected


# --------------------------------------------------------------------------- people


def test_people_with_surnames_written_in_simplified_only() -> None:
    # 萧 and 赖 are surnames in Simplified too (蕭, 賴 in Traditional).
    found = extract_people("2024年4月，深圳市副市长萧惠敏出席交流会。")
    assert [(p["name"], p["role"]) for p in found] == [("萧惠敏", "深圳市副市长")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024年4月，全国政协副主席王小明在深圳应邀出席峰会。",
            [("王小明", "全国政协副主席")],
        ),
        ("2024年9月，市委常委、统战部部长张三出席颁奖典礼。", [("张三", "市委常委、统战部部长")]),
        ("中秋前后，深圳市副市长陈丽华走访慰问台胞。", [("陈丽华", "深圳市副市长")]),
        ("海峡两岸关系协会副会长李建国到前海考察。", [("李建国", "海峡两岸关系协会副会长")]),
        (
            "两岸评论家赵一鸣、钱二宝等在论坛发言。",
            [("赵一鸣", "两岸评论家"), ("钱二宝", "两岸评论家")],
        ),
        ("市台办主任欧阳明会见参访团。", [("欧阳明", "市台办主任")]),
        ("市台商协会會長陳大文出席活動。", [("陳大文", "市台商协会會長")]),
        # No title, no person; a title followed by no name, no person.
        ("邀请台湾青年代表参加活动。", []),
        ("张三出席活动。", []),
        ("宫庙代表参访团来深交流。", []),
    ],
)
def test_people(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(p["name"], p.get("role", "")) for p in extract_people(text)] == expected


# --------------------------------------------------------------------------- organizations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年4月，全国政协副主席王小明出席活动。", ["全国政协"]),
        ("市委常委、统战部部长张三出席典礼。", ["统战部"]),
        ("深圳市台资企业协会举办成立30周年庆典。", ["深圳市台资企业协会"]),
        (
            "市委台办与深圳广播电视台联合制作纪录片《湾区有我》。",
            ["市委台办", "深圳广播电视台", "《湾区有我》"],
        ),
        ("南山区海峡两岸青年创业基地累计入驻团队156家。", ["南山区海峡两岸青年创业基地"]),
        ("联合香港商报开展巡展。", ["香港商报"]),
        ("到宝安台湾青年创新园考察。", ["宝安台湾青年创新园"]),
        # Meetings, forums and words that merely end like offices are no organizations.
        ("举办两岸企业家峰会和经贸论坛。", []),
        ("为台湾青年回馈社会搭建平台。", []),
        ("市委书记出席了大会。", []),
        # A one-character suffix that goes on as another word: 办理, 部门, 社区, 部署, 格局.
        ("整合社保、公积金等事项，全年累计办件1.2万件。", []),
        ("协调有关部门解决问题，在6个社区试点。", []),
        ("研究部署年度任务，形成工作格局。", []),
        ("两岸企业代表约350人参会。", []),
        ("帮助企业完善公司治理结构，获得银行授信。", []),
    ],
)
def test_organizations(text: str, expected: list[str]) -> None:
    assert extract_organizations(text, extract_people(text)) == expected


# --------------------------------------------------------------------------- places


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年3月，分别在厦门、福州举办推介会。", ["厦门", "福州"]),
        ("在福田区举办论坛。", ["福田区"]),
        ("邀请媒体深入深圳市、南山区采访。", ["深圳市", "南山区"]),
        ("活动期间走访了南山区、福田区的企业。", ["南山区", "福田区"]),
        # Quoted event names, 以来, 来自 and listings (上市) place nothing.
        ("以“食在深圳”为主题。", []),
        ("是开放以来深圳最大规模的团组。", []),
        ("来自台湾的学生参加。", []),
        ("有意向在大陆上市的台资企业。", []),
    ],
)
def test_places(text: str, expected: list[str]) -> None:
    assert extract_places(text) == expected


# --------------------------------------------------------------------------- figures


def figures(text: str) -> list[tuple[Any, str, str]]:
    return [(f["value"], f["unit"], f.get("qualifier", "")) for f in extract_figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("累计入驻台青创业团队156家。", [(156, "家", "累计")]),
        ("参加台青980余人次。", [(980, "人次", "余")]),
        ("8家台资企业完成15亿多元的项目签约。", [(8, "家", ""), (15, "亿元", "多")]),
        ("举办成立30周年庆典，约260人参加。", [(30, "周年", ""), (260, "人", "约")]),
        ("近20家媒体报道，其中70%涉及深圳。", [(20, "家", "近"), (70, "%", "")]),
        ("举办第五届海峡两岸短视频大赛。", [(5, "届", "")]),
        ("共举办12期讲堂，投入2.5亿元。", [(12, "期", ""), (2.5, "亿元", "")]),
        # Years and dates are no figures; nor are Chinese numerals inside words.
        ("2024年5月，获评2024年度先进。", []),
        ("是全省唯一一部获奖作品，形成新十条。", []),
    ],
)
def test_figures(text: str, expected: list[tuple[Any, str, str]]) -> None:
    assert figures(text) == expected


def test_figures_say_what_they_count() -> None:
    found = extract_figures("累计入驻台青创业团队156家，举办创业培训45场次、参加台青980余人次。")
    assert [f["counts"] for f in found] == ["台青创业团队", "创业培训", "台青"]
    assert extract_figures("8家台资企业完成15亿多元的项目签约。")[1]["counts"] == "项目签约"


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024年4月，全国政协副主席王小明在深圳应邀出席两岸企业家峰会。",
            "王小明在深圳应邀出席两岸企业家峰会",
        ),
        (
            "中秋前后，深圳市副市长陈丽华走访慰问台资企业和台胞家庭。",
            "陈丽华走访慰问台资企业和台胞家庭",
        ),
        (
            "2024年7月，举办“第三届深台青年夏令营”，来自台湾的学生参加。",
            "举办“第三届深台青年夏令营”",
        ),
        ("市委台办获评全国对台宣传工作先进集体。", "市委台办获评全国对台宣传工作先进集体"),
        # Too long: brackets, quotation marks, then what follows a dash go first.
        (
            "2024年6月，海峡两岸关系协会副会长李建国到海峡两岸青年创业基地——前海深港青年梦工场考察。",
            "李建国到海峡两岸青年创业基地",
        ),
    ],
)
def test_titles(text: str, expected: str) -> None:
    assert draft_title(text, extract_people(text)) == expected


def test_a_long_title_is_cut_between_words_not_inside_one() -> None:
    text = "市委台办获第十届台湾青年岭南行优秀组织奖和优秀交流成果一等奖。"
    title = draft_title(text)
    assert len(title) <= TITLE_MAX
    assert title == "获第十届台湾青年岭南行优秀组织奖"


def test_every_title_is_short_and_made_of_the_text() -> None:
    for item in parse_source(SAMPLE_TXT).items():
        title = enrich_item(item["text"], 2024)["title"]
        assert 0 < len(title) <= TITLE_MAX
        assert set(title) <= set(item["text"])


# --------------------------------------------------------------------------- commands


@pytest.mark.parametrize(
    ("heading", "command"),
    [
        ("深台青年交流", "youth"),
        ("经贸合作", "economy"),
        ("惠台政策落地见效", "policy"),
        ("荣誉与获奖", "awards"),
        ("各级领导关心深圳对台工作", "visits"),
        ("坚持党的全面领导", "party"),
        ("讲好湾区故事", "story"),
        ("两岸同胞心灵契合", "exchange"),
        ("其他工作", "t9"),
    ],
)
def test_commands_from_themes(heading: str, command: str) -> None:
    assert choose_command(heading, "t9", set())[0] == command


def test_commands_stay_unique_and_never_take_a_builtin() -> None:
    taken = {"youth"} | set(BUILTIN_NAMES)
    # The next theme the heading mentions, then the report's suffix, then the fallback.
    assert choose_command("青年创业服务", "t1", taken)[0] == "services"
    assert choose_command("青年交流", "t1", taken | {"exchange"}, "sz2024")[0] == "youth_sz2024"
    assert choose_command("其他", "t1", {"t1"}, "sz2024")[0] == "t1_sz2024"
    assert choose_command("其他", "t1", {"t1"})[0] == "t1_2"


# --------------------------------------------------------------------------- the whole report


def sample_document(tmp_path: Path) -> dict[str, Any]:
    source = tmp_path / "source" / "sz2024.txt"
    source.parent.mkdir(parents=True)
    source.write_text(SAMPLE_TXT, encoding="utf-8")
    output = tmp_path / "reports" / "sz2024.yaml"
    assert main(["ingest", str(source), "-o", str(output)]) == 0
    return yaml.safe_load(output.read_text(encoding="utf-8"))


def test_sections_get_commands_and_descriptions(tmp_path: Path) -> None:
    document = sample_document(tmp_path)
    assert document["report"]["year"] == 2024
    assert document["report"]["city"] == "深圳"
    topics = document["topics"]
    assert [t["command"] for t in topics] == ["visits", "awards", "priorities"]
    assert [h["command"] for h in topics[2]["highlights"]] == ["youth", "economy"]
    assert topics[0]["description_zh"] == "专题一·各级领导关心深圳对台工作"
    assert topics[2]["highlights"][0]["description_en"] == "Highlight 1 · Taiwan youth"
    assert topics[2]["highlights"][0]["items"][0]["id"] == "youth-01"


def test_a_traditional_report_gets_traditional_menu_texts(tmp_path: Path) -> None:
    source = tmp_path / "source" / "sz2024t.txt"
    source.parent.mkdir(parents=True)
    source.write_text(SAMPLE_VARIANTS, encoding="utf-8")
    output = tmp_path / "reports" / "sz2024t.yaml"
    assert main(["ingest", str(source), "-o", str(output)]) == 0
    topics = yaml.safe_load(output.read_text(encoding="utf-8"))["topics"]
    assert [t["command"] for t in topics] == ["visits", "priorities"]
    assert topics[0]["description_zh"] == "專題一·各級領導關心深圳對臺工作"
    assert [h["command"] for h in topics[1]["highlights"]] == ["youth", "economy"]
    assert topics[1]["highlights"][0]["description_zh"] == "亮點一·深臺青年交流"
    people = topics[0]["items"][1]["people"]
    assert people == [{"name": "陳麗華", "role": "深圳市副市長"}]


def test_ingest_next_to_the_real_report_keeps_commands_and_ids_unique(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR / "source", data / "source")
    shutil.copytree(DEFAULT_DATA_DIR / "reports", data / "reports")
    shutil.copy(DEFAULT_DATA_DIR / "lexicon.yaml", data / "lexicon.yaml")
    source = data / "source" / "sz2024.txt"
    source.write_text(SAMPLE_TXT, encoding="utf-8")
    output = data / "reports" / "sz2024.yaml"
    assert main(["ingest", str(source), "-o", str(output)]) == 0
    document = yaml.safe_load(output.read_text(encoding="utf-8"))
    highlights = document["topics"][2]["highlights"]
    # gz2023 has /visits, /awards, /youth and /economy already.
    assert [t["command"] for t in document["topics"]] == [
        "visits_sz2024",
        "awards_sz2024",
        "priorities",
    ]
    assert [h["command"] for h in highlights] == ["youth_sz2024", "economy_sz2024"]
    kb, errors = validate_data(data, BUILTIN_NAMES)
    assert [str(e) for e in errors] == []
    assert kb is not None
    assert len(kb.reports) == 2


# --------------------------------------------------------------------------- precision

# What a person would write for the fictional report, item by item: (date, people with roles,
# organizations, places, figures as value+unit).
GOLD: list[dict[str, Any]] = [
    {
        "date": {"year": 2024, "month": 4},
        "people": {("王小明", "全国政协副主席")},
        "organizations": {"全国政协"},
        "places": {"深圳"},
        "figures": set(),
    },
    {
        "date": {"year": 2024, "month": 6, "day": 18},
        "people": {("李建国", "海峡两岸关系协会副会长")},
        "organizations": {"海峡两岸关系协会", "前海深港青年梦工场"},
        "places": {"前海"},
        "figures": set(),
    },
    {
        "date": {"year": 2024, "label": "中秋前后"},
        "people": {("陈丽华", "深圳市副市长")},
        "organizations": set(),
        "places": set(),
        "figures": set(),
    },
    {
        "date": {"year": 2024, "month": 9},
        "people": {("张三", "市委常委、统战部部长")},
        "organizations": {"统战部"},
        "places": set(),
        "figures": set(),
    },
    {
        "date": None,
        "people": set(),
        "organizations": {"市委台办"},
        "places": set(),
        "figures": set(),
    },
    {
        "date": None,
        "people": set(),
        "organizations": {"市委台办", "《湾区有我》"},
        "places": set(),
        "figures": {(5, "届")},
    },
    {
        "date": {"year": 2024, "month": 7},
        "people": set(),
        "organizations": set(),
        "places": {"南山区", "福田区"},
        "figures": {(3, "届"), (30, "所"), (260, "人")},
    },
    {
        "date": {"year": 2024},
        "people": set(),
        "organizations": {"南山区海峡两岸青年创业基地"},
        "places": {"南山区"},
        "figures": {(156, "家"), (45, "场次"), (980, "人次")},
    },
    {
        "date": {"year": 2024, "month": 5},
        "people": set(),
        "organizations": {"深圳市台资企业协会"},
        "places": set(),
        "figures": {(30, "周年"), (8, "家"), (15, "亿元")},
    },
    {
        "date": {"year": 2024, "label": "年底"},
        "people": {("赵一鸣", "两岸评论家"), ("钱二宝", "两岸评论家")},
        "organizations": set(),
        "places": {"福田区"},
        "figures": {(20, "家")},
    },
]


def found_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": fields.get("date"),
        "people": {(p["name"], p.get("role", "")) for p in fields.get("people", [])},
        "organizations": set(fields.get("organizations", [])),
        "places": set(fields.get("places", [])),
        "figures": {(f["value"], f["unit"]) for f in fields.get("figures", [])},
    }


def test_precision_and_recall_on_the_fictional_report() -> None:
    items = parse_source(SAMPLE_TXT).items()
    assert len(items) == len(GOLD)
    found = [found_fields(enrich_item(item["text"], 2024)) for item in items]
    dates_right = sum(f["date"] == g["date"] for f, g in zip(found, GOLD, strict=True))
    assert dates_right == len(GOLD)
    scores: dict[str, tuple[float, float]] = {}
    for field in ("people", "organizations", "places", "figures"):
        hits = sum(len(f[field] & g[field]) for f, g in zip(found, GOLD, strict=True))
        produced = sum(len(f[field]) for f in found)
        expected = sum(len(g[field]) for g in GOLD)
        scores[field] = (hits / produced if produced else 1.0, hits / expected)
    print(
        "enrichment on the fictional report: "
        + ", ".join(f"{k} P={p:.2f} R={r:.2f}" for k, (p, r) in scores.items())
    )
    # People and figures are exact; organizations and places may miss some (recall), but
    # what they find must be right.
    assert scores["people"] == (1.0, 1.0)
    assert scores["figures"] == (1.0, 1.0)
    assert scores["organizations"][0] >= 0.85
    assert scores["places"][0] == 1.0
    assert min(recall for _, recall in scores.values()) >= 0.7


@pytest.fixture(scope="module")
def raw_guangzhou(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], ReportIndex]:
    """The Guangzhou report ingested as published, with no hand enrichment, and its index."""
    folder = tmp_path_factory.mktemp("raw")
    (folder / "reports").mkdir()
    shutil.copy(DEFAULT_DATA_DIR / "lexicon.yaml", folder)
    source = next((DEFAULT_DATA_DIR / "source").glob("*.txt"))
    assert main(["ingest", str(source), "-o", str(folder / "reports" / "raw.yaml")]) == 0
    document = yaml.safe_load((folder / "reports" / "raw.yaml").read_text(encoding="utf-8"))
    return document, ReportIndex(load_knowledge_base(folder))


def test_topics_get_their_own_words_so_a_set_question_finds_the_topic(
    raw_guangzhou: tuple[dict[str, Any], ReportIndex],
) -> None:
    # The awards topic is titled 工作亮点盘点, with no 奖 in it: it learns 奖 from its items.
    document, index = raw_guangzhou
    awards = document["topics"][1]
    assert awards["title"] == "工作亮点盘点"
    assert "奖" in awards["aliases"]["zh"]
    # A heading's word stays with its own topic: 台青 is not given to the exchanges.
    words = [w for t in document["topics"] for s in t.get("highlights", []) for w in
             s.get("aliases", {}).get("zh", []) if "台青" not in s["title"]]  # fmt: skip
    assert "台青" not in words
    # Its items speak of awards (获评, 奖), so the theme's words come too: 荣誉, "honours".
    assert "荣誉" in awards["aliases"]["zh"] and "honours" in awards["aliases"]["en"]
    assert index.search("市台办拿过哪些荣誉").section is not None
    result = index.search("市台办获得过哪些奖项")
    assert result.kind == "list"
    assert result.section is not None and result.section.title == "工作亮点盘点"
    assert len(result.hits) == len(awards["items"])


def test_a_name_with_no_english_is_found_by_its_pinyin(
    raw_guangzhou: tuple[dict[str, Any], ReportIndex],
) -> None:
    _, index = raw_guangzhou
    result = index.search("When did Song Tao visit Guangzhou?")
    assert result.kind == "single"
    assert "宋涛" in result.hits[0].item.text
    # A homophone typo of an input method finds the person too, with no alias for it.
    typo = index.search("宋滔来广州考察")
    assert typo.kind == "single" and "宋涛" in typo.hits[0].item.text
    # An unknown hyphenated word is its parts (micro-documentary: 纪实片 for "documentary").
    assert index.parse("the micro-documentary").english == ("micro", "documentary")
    assert "纪实片" in index.search("What award did the micro-documentary win?").hits[0].item.text
    assert index.parse("cross-strait").english == ("cross-strait",)
    assert pinyin_name("张志军") == "zhang zhijun"
    assert pinyin_name("欧阳") == "ou yang" and pinyin_name("司马相如") == ""


def test_a_person_in_another_romanisation_is_not_a_stranger(
    raw_guangzhou: tuple[dict[str, Any], ReportIndex],
) -> None:
    # The ingested report has no English: 梁振英 is only "liang zhen ying" to it.
    _, index = raw_guangzhou
    hits = index.search("Leung Chun-ying interview with Taiwan media").hits
    assert hits and "梁振英" in hits[0].item.text
    # A quoted title is no person, whatever its capitals (哩贺 "Lei Ho").
    assert index.search('What award did the documentary "Lei Ho, Friend" win?').kind != "none"
    # Someone the report never names is refused.
    stranger = index.search("Did Terry Gou attend the business association's anniversary?")
    assert stranger.reason == "unmentioned person: Terry Gou"


def test_english_phrases_of_the_dictionary_and_the_lexicon_match_the_chinese(
    raw_guangzhou: tuple[dict[str, Any], ReportIndex],
) -> None:
    # The lexicon's English (Taiwan business association → 台资企业协会), an ordinal (33rd →
    # 33周年) and an irregular past (took part → 参加) reach an ingested report's Chinese.
    _, index = raw_guangzhou
    result = index.search(
        "How many people took part in the Guangzhou Taiwan business association's 33rd"
        " anniversary celebration?"
    )
    assert result.kind == "single" and "33周年" in result.hits[0].item.text
    # A long candidate counts only whole: ARATS is 海峡两岸关系协会, not any 协会.
    arats = index.search("When did the ARATS president come to Guangzhou?")
    assert "张志军" in arats.hits[0].item.text


def test_the_items_own_phrase_answers_without_hand_aliases(
    raw_guangzhou: tuple[dict[str, Any], ReportIndex],
) -> None:
    _, index = raw_guangzhou
    # Common words, but the item's own name for the thing.
    assert "今日头条" in index.search("今日头条").hits[0].item.text
    # A word of Chinese and Latin (the lexicon's 大V, for 网红) stays one word of the question.
    assert "大V" in index.search("臺灣網紅在網路上幫廣州宣傳").hits[0].item.text
    # A phrase only one item has, making most of the question: that item is the closest.
    mediators = index.search("台湾调解员咋回事")
    assert mediators.kind in ("single", "closest") and "调解员" in mediators.hits[0].item.text


def ingested_alone(folder: Path, fiction: str, name: str) -> ReportIndex:
    """A fictional report of data/eval/<fiction>, ingested alone into `folder`."""
    (folder / "reports").mkdir()
    (folder / "source").mkdir()
    shutil.copy(DEFAULT_DATA_DIR / "lexicon.yaml", folder)
    source = folder / "source" / name
    shutil.copy(DEFAULT_DATA_DIR / "eval" / fiction / name, source)
    assert main(["ingest", str(source), "-o", str(folder / "reports" / "report.yaml")]) == 0
    return ReportIndex(load_knowledge_base(folder))


@pytest.fixture(scope="module")
def raw_shenzhen(tmp_path_factory: pytest.TempPathFactory) -> ReportIndex:
    return ingested_alone(tmp_path_factory.mktemp("sz"), "fiction", "2024-shenzhen-report.txt")


@pytest.fixture(scope="module")
def raw_zhuhai(tmp_path_factory: pytest.TempPathFactory) -> ReportIndex:
    return ingested_alone(tmp_path_factory.mktemp("zh"), "fiction3", "2025-zhuhai-report.txt")


@pytest.fixture(scope="module")
def raw_fuzhou(tmp_path_factory: pytest.TempPathFactory) -> ReportIndex:
    return ingested_alone(tmp_path_factory.mktemp("fz"), "fiction4", "2025-fuzhou-report.txt")


def test_an_english_question_may_write_a_name_as_it_sounds(raw_shenzhen: ReportIndex) -> None:
    # "Mazu" is no English word, but it is how 妈祖 sounds (两岸妈祖文化交流活动).
    result = raw_shenzhen.search("Was there a Mazu culture exchange event in Shenzhen in 2024?")
    assert result.kind == "single" and "妈祖" in result.hits[0].item.text


def test_the_number_a_question_gives_picks_the_item_that_has_it(
    raw_shenzhen: ReportIndex,
) -> None:
    result = raw_shenzhen.search("深圳哪个涉台活动有约1200人参加")
    assert result.kind in ("single", "closest") and "约1200人" in result.hits[0].item.text


def test_a_question_that_names_nobody_asks_about_the_event_not_its_visitor(
    raw_shenzhen: ReportIndex,
) -> None:
    # Both items say 深台经贸合作交流会; one is the vice mayor attending it.
    result = raw_shenzhen.search("深台经贸合作交流会的主题是什么")
    assert result.hits and "32个项目现场签约" in result.hits[0].item.text
    visit = raw_shenzhen.search("萧惠敏出席深台经贸合作交流会")
    assert visit.hits and "萧惠敏" in visit.hits[0].item.text


def test_a_wordy_english_question_is_answered_despite_its_filler(
    raw_shenzhen: ReportIndex,
) -> None:
    # "wondering", "whether", "thanks a lot" have no Chinese in the report: common English,
    # they count little, as 了解一下 does in Chinese.
    result = raw_shenzhen.search(
        "Hello there, I was wondering whether Shenzhen opened a one-stop service center "
        "for Taiwan compatriots, thanks a lot"
    )
    assert result.kind == "single" and "一站式" in result.hits[0].item.text


def test_a_festival_however_said_asks_for_the_items_dated_by_it(
    raw_shenzhen: ReportIndex,
) -> None:
    # The items say 中秋前夕; people say 中秋节前后, or "the Mid-Autumn Festival".
    for question in (
        "2024年中秋节前后深圳有哪些关心台胞的活动",
        "What did Shenzhen do for the Mid-Autumn Festival?",
    ):
        result = raw_shenzhen.search(question)
        assert result.kind == "list"
        assert {h.item.id for h in result.hits} == {"visits-09", "exchange-03"}
    assert raw_shenzhen.parse("spring 2024").labels == ()  # a season, not the Spring Festival
    # A wordy question about one of them picks it, the date having narrowed the choice.
    result = raw_shenzhen.search(
        "中秋节的时候深圳会不会给在深圳生活的台湾同胞和他们的家属办一些联谊团圆之类的活动，"
        "2024年大概来了多少人？"
    )
    assert result.kind == "single" and result.hits[0].item.id == "exchange-03"


def test_an_edition_is_no_holiday() -> None:
    from bot.ingest.enrich import extract_date

    assert (extract_date("第十一届台湾青年岭南行", 2024) or {}).get("label") is None
    assert (extract_date("十一假期期间，组织台胞参访", 2024) or {}).get("label") == "十一假期"


def test_english_keeps_acronyms_and_pinyin_names_as_written(
    raw_guangzhou: tuple[dict[str, Any], ReportIndex],
) -> None:
    _, index = raw_guangzhou
    # TVBS is no plural of "tvb", Zhenying no -ing form of "zheny".
    assert "tvbs" in index.parse("TVBS special report on Guangzhou").english
    result = index.search("TVBS special report on Guangzhou")
    assert result.hits and "TVBS" in result.hits[0].item.text
    result = index.search("Liang Zhenying interview when?")
    assert result.kind == "single" and "梁振英" in result.hits[0].item.text


def test_a_slip_that_is_a_word_of_its_own_is_read_by_sound_without_aliases(
    raw_guangzhou: tuple[dict[str, Any], ReportIndex],
) -> None:
    # 调节 is a common word; here a slip for 调解 (讲解员 shares only 解员).
    result = raw_guangzhou[1].search("台湾调节员")
    assert result.hits and "调解员" in result.hits[0].item.text


def test_an_english_word_may_sound_out_a_word_of_an_items_title(
    raw_shenzhen: ReportIndex,
) -> None:
    # "Lingnan" is no English word: it is how 岭南 sounds, in the award item's long title.
    query = raw_shenzhen.parse("award for the Taiwan Youth Lingnan Tour")
    best = int(raw_shenzhen.content_scores(query).argmax())
    assert "岭南" in raw_shenzhen.items[best].text


def test_a_set_question_finds_the_topic_clearly_ahead_of_the_others(
    raw_shenzhen: ReportIndex,
) -> None:
    # Other topics share some of its words (交流 of 经济交流合作), but the exchanges' topic
    # leads by a clear gap.
    result = raw_shenzhen.search("兩岸民間交流方面，深圳辦了哪些聯誼或文化活動？")
    assert result.kind == "list" and result.section is not None
    assert result.section.title == "深化两岸同胞交流"


def test_an_area_named_as_such_is_asked_whole(raw_shenzhen: ReportIndex) -> None:
    # Two awards items say 宣传 and 成果 too, but "宣传方面" names the publicity topic.
    result = raw_shenzhen.search("宣传方面有哪些成果？")
    assert result.section is not None and "深圳故事" in result.section.title


def test_a_place_of_the_report_is_no_other_place_that_sounds_the_same(
    raw_shenzhen: ReportIndex,
) -> None:
    # Futian is 福田 (in the report), though 莆田 can be read "futian" too.
    result = raw_shenzhen.search(
        "How many inquiries did the one-stop service center in Futian handle?"
    )
    assert result.kind == "single" and "福田" in result.hits[0].item.text


def test_an_english_set_question_finds_an_untranslated_topic(raw_shenzhen: ReportIndex) -> None:
    # The ingested topics have no English: "economic and trade" reach 经贸/经济 through the
    # dictionary, as the items' words do.
    result = raw_shenzhen.search(
        "What economic and trade cooperation events with Taiwan did Shenzhen organize in 2024?"
    )
    assert result.kind == "list" and result.section is not None
    assert result.section.title == "深台经济交流合作"
    # "which" alone asks for one thing, not a set.
    single = raw_shenzhen.parse("Which documentary won the Best Documentary Short award?")
    assert not single.wants_set


def test_how_people_say_find_work_and_sign_reaches_the_reports_words(
    raw_shenzhen: ReportIndex,
) -> None:
    # 找工作 is 就业, 签合同 is 签约, 征才 is 招聘: the lexicon's, not any item's, words.
    read = raw_shenzhen.parse
    assert read("台湾年轻人找工作").content == read("台湾青年就业").content
    assert read("台胞看病").content == read("台胞就医").content
    assert read("台胞啲仔女").content == read("台胞的子女").content
    assert "签约" in read("签合同").content and "招聘" in read("征才活动").content


def test_a_phrase_only_one_item_has_does_not_outrank_a_much_better_match(
    raw_guangzhou: tuple[dict[str, Any], ReportIndex],
) -> None:
    # Only the incubator park's award item says 台湾青年来广州创业 whole, but the bases that
    # count their teams (入驻团队) answer the question far better.
    result = raw_guangzhou[1].search("台青来广州创业的那几个基地现在进了多少团队了")
    assert result.hits and "团队" in result.hits[0].item.text
    assert "基地" in result.hits[0].item.text


def test_a_festival_day_labels_every_event_of_that_day(raw_fuzhou: ReportIndex) -> None:
    # The 端午 visit (5月31日) says 端午; the dragon-boat race the same day does not. Its text
    # says who won in its own words (夺得…冠军), which answers 谁赢.
    result = raw_fuzhou.search("端午那个龙舟赛最后谁赢了")
    assert result.hits and any("冠军" in hit.item.text for hit in result.hits)
    assert raw_fuzhou.search("Who won the dragon boat race?").best is not None


def test_a_detail_word_is_answered_in_the_items_own_words(raw_fuzhou: ReportIndex) -> None:
    result = raw_fuzhou.search("端午那个龙舟赛最后谁赢了")
    assert not result.reason.startswith("detail")
    # The item on the visit that day says nothing of a winner.
    visit = raw_fuzhou.search("苏美玲观摩的龙舟赛谁赢了")
    assert visit.kind == "none" and visit.reason == "detail: 谁赢"


def test_colloquial_and_cantonese_shapes_of_a_name_question(raw_fuzhou: ReportIndex) -> None:
    # 啥玩意 names nothing; 多少万 counts fans, not money; 在哪些平台 asks no place;
    # 拎咗奖 is 获奖.
    named = raw_fuzhou.search("那个榕台e家是个啥玩意")
    assert named.hits and all("榕台e家" in hit.item.text for hit in named.hits)
    fans = raw_fuzhou.search("榕台e家粉丝有多少万？")
    assert fans.best is not None and "45万" in fans.best.item.text
    platforms = raw_fuzhou.search("市委臺辦的新媒體帳號在哪些平臺上可以看到？")
    assert platforms.reason != "detail: place" and platforms.best is not None
    prize = raw_fuzhou.search("《闽江潮起》系唔系拎咗奖？")
    assert prize.best is not None and "荣获" in prize.best.item.text


def test_a_long_question_with_strong_evidence_is_answered_without_a_lead(
    raw_zhuhai: ReportIndex,
) -> None:
    # Two items tell of the water wedding; the question is wordy, and neither leads the other
    # by much, but it names the event so plainly that a refusal would be wrong. Writing one's
    # own article (在写一篇) is no task for the bot.
    result = raw_zhuhai.search(
        "您好，打扰一下，我最近在写一篇关于两岸民俗文化交流的小文章，想麻烦您帮我查一下，"
        "就是那个珠海斗门那边办的水上婚嫁的活动，大概是怎么回事，有多少台湾的朋友过来参加呀，"
        "谢谢您啦！"
    )
    assert result.best is not None and "水上婚嫁" in result.best.item.text
    assert raw_zhuhai.search("帮我写一篇关于水上婚嫁的文章").reason == "smalltalk"


def test_the_lead_is_over_the_next_thing_not_another_telling_of_the_same(
    raw_fuzhou: ReportIndex,
) -> None:
    # The race and the visit to it both quote “榕台龙舟邀请赛”: close scores, one event. The
    # question's closest answer is the race's item, which counts the teams.
    result = raw_fuzhou.search("兩岸龍舟賽有幾支臺灣隊伍參加？")
    assert result.best is not None and "台湾队伍5支" in result.best.item.text
    assert raw_fuzhou.twins[raw_fuzhou.positions[result.best.item.id]]


def test_courtesy_clauses_around_a_wordy_question_are_no_part_of_it(
    raw_fuzhou: ReportIndex,
) -> None:
    question = (
        "您好您好，我是一名实习记者，想了解一下2025年福州给台湾年轻人创业的基地一共有几个、"
        "里面入驻了多少团队、一年办了多少场活动这些情况，如果方便的话请您帮我整理一下，辛苦了"
    )
    content = raw_fuzhou.parse(question).content
    assert "辛苦" not in content and "您好" not in content
    assert "感谢" not in raw_fuzhou.parse("台胞看病有什么便利，麻烦帮忙查一下，感谢感谢").content
    # Thanks alone is small talk, not an empty question.
    assert raw_fuzhou.search("谢谢").reason == "smalltalk"
    result = raw_fuzhou.search(question)
    assert result.best is not None and "217个" in result.best.item.text


def test_the_askers_own_plans_ask_nothing_of_the_future(raw_fuzhou: ReportIndex) -> None:
    result = raw_fuzhou.search(
        "你好呀，打扰一下哈，我女儿明年想在福州读初中，我们是台胞家庭，不知道你们那边有没有"
        "提到台胞孩子上学的相关规定，还有看病方面有没有什么便利，麻烦帮忙查一下，感谢感谢"
    )
    assert result.best is not None and "就医" in result.best.item.text
    assert raw_fuzhou.search("创客松明年什么时候报名？").kind == "none"


def test_a_hotline_answers_whom_to_call(raw_fuzhou: ReportIndex) -> None:
    result = raw_fuzhou.search(
        "您好，请问在福州生活的台胞如果遇到法律上的麻烦或者想咨询政策，有没有一个统一的地方"
        "可以去或者打电话问？不知道有没有类似的服务机构，谢谢您耐心解答"
    )
    assert result.best is not None and "热线" in result.best.item.text


def test_english_award_winner_and_british_spelling(raw_shenzhen: ReportIndex) -> None:
    # The award's item names who got it (获…奖): "winner" is no detail it lacks.
    award = raw_shenzhen.search("Best Documentary Short award winner?")
    assert award.best is not None and "最佳纪录短片奖" in award.best.item.text
    centre = raw_shenzhen.search(
        "Hi, I'm a Taiwanese student thinking of moving to Shenzhen, could you tell me whether "
        "the city has any kind of one-stop service centre for people like me?"
    )
    assert centre.best is not None and "一站式" in centre.best.item.text


def test_which_leaders_came_asks_for_the_topic_of_visits(raw_zhuhai: ReportIndex) -> None:
    # No item explains 领导来关心过 well; the topic whose items name people is the one asked.
    result = raw_zhuhai.search("2025年有哪些领导来关心过珠海的对台工作？")
    assert result.kind == "list" and result.section is not None
    assert result.section.title.startswith("各级领导")
    # Leaders at one named event are that event's, not the whole topic.
    event = raw_zhuhai.search("第六届珠台青年论坛有哪些领导出席？")
    assert event.section is None


def test_two_lone_characters_the_report_has_together_are_its_word(
    raw_zhuhai: ReportIndex, raw_fuzhou: ReportIndex
) -> None:
    # A general dictionary splits 新设 and the name 黄建勋 into common characters; side by side
    # in one item, they are that item's words.
    new_firms = raw_zhuhai.search("2025年珠海新设了多少家台资企业？")
    assert new_firms.best is not None and "新设台资企业42家" in new_firms.best.item.text
    named = raw_fuzhou.search("黄建勋是谁")
    assert named.best is not None and "黄建勋" in named.best.item.text
    # His company's products are no detail of the item that names him.
    assert raw_fuzhou.search("黄建勋的公司是做什么产品的？").kind == "none"


@pytest.fixture(scope="module")
def raw_dongguan(tmp_path_factory: pytest.TempPathFactory) -> ReportIndex:
    return ingested_alone(tmp_path_factory.mktemp("dg"), "fiction5", "2024-dongguan-report.txt")


def test_a_role_named_by_its_kind_is_the_items_organisations(raw_dongguan: ReportIndex) -> None:
    # 协会会长蔡明谦 in the item on 东莞台商协会: the report names that association's president.
    result = raw_dongguan.search("东莞台商协会会长系边个？")
    assert result.best is not None and "蔡明谦" in result.best.item.text


def test_an_item_that_says_where_answers_where_without_a_known_place(
    raw_dongguan: ReportIndex,
) -> None:
    # 在松山湖举办: no administrative name, but a place all the same; so is 长安镇.
    held = raw_dongguan.search("第五届莞台智能制造产业对接会在哪里举办？")
    assert held.best is not None and "松山湖" in held.best.item.text
    town = raw_dongguan.search("莞台青创汇在哪个镇")
    assert town.best is not None and "长安镇" in town.best.item.text


def test_the_items_own_long_phrase_is_content_however_common_its_words(
    raw_dongguan: ReportIndex,
) -> None:
    # 对台工作会议: every word common in Chinese at large, but six characters of the item's.
    result = raw_dongguan.search("東莞對台工作會議是什麼時候開的？")
    assert result.best is not None and "全市对台工作会议" in result.best.item.text


def test_a_themes_words_belong_to_the_topic_of_that_theme(raw_dongguan: ReportIndex) -> None:
    # Publicity items often say 台青, but 台青 names the youth topic, not the publicity one:
    # "支持台湾青年的举措有哪些" must not list the publicity topic.
    sections = {section.id: section for section in raw_dongguan.section_list}
    assert "台青" in sections["youth"].aliases_zh
    assert "台青" not in sections["story"].aliases_zh
    result = raw_dongguan.search("东莞支持台湾青年的举措有哪些，全部列出")
    assert result.section is None or result.section.id != "story"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("东莞有没有做台湾人能用的手机软件", "莞台通"),  # 手机软件: the item's App
        ("东莞拍过台商的片子没，叫啥", "纪录片"),  # 片子: its 纪录片
    ],
)
def test_everyday_words_meet_the_words_reports_use(
    raw_dongguan: ReportIndex, question: str, said: str
) -> None:
    result = raw_dongguan.search(question)
    assert result.kind == "single" and result.best is not None
    assert said in result.best.item.text


def test_the_reports_city_is_said_by_every_item_of_it(raw_dongguan: ReportIndex) -> None:
    # The subsidy item never says 东莞; the mayor's visit does, and mentions 设备更新 too.
    result = raw_dongguan.search("去年东莞有没有给台企发钱换机器")
    assert result.best is not None and "技改补贴" in result.best.item.text
    assert "东莞" not in result.best.item.text


@pytest.fixture(scope="module")
def raw_foshan(tmp_path_factory: pytest.TempPathFactory) -> ReportIndex:
    return ingested_alone(tmp_path_factory.mktemp("fs"), "fiction6", "2025-foshan-report.txt")


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # 在顺德职业技术学院设立 says where, as 在…举办 does.
        ("佛台青年技能学堂设在哪所学校，教些什么课？", "顺德职业技术学院"),
        # 1篇获评…，1篇获…: the item names the awards one by one, with no 、 between them.
        ("市委台办的对台调研成果拿了哪几个奖？", "3篇对台调研成果获奖"),
        # 補助 (补贴) meets the item's 资助; 幾年 asks for a figure (30周年); 管道 is 渠道/通道.
        ("請問佛山對臺灣青年創業有沒有補助？最多可以拿多少？", "创业资助"),
        ("佛山的台商協會成立幾年了？有沒有辦慶祝活動？", "成立30周年庆典"),
        ("請問在佛山的臺胞看病有沒有比較方便的管道？", "绿色通道"),
        # Cantonese 后生仔 is 青年 and 俾 is 给; 开公司 is what the report calls 创办企业.
        ("台湾后生仔喺佛山开公司，政府有冇资助俾㗎？", "创业资助"),
        # The visit to the anniversary quotes its name; the anniversary's own item, scoring
        # almost as well, counts the guests asked for.
        ("台商协会30周年那个庆典啥时候搞的？来了多少人？", "近1200人出席"),
        # 舞狮 is the 醒狮 of Guangdong, 片子 its 纪录片; 求职对接会 meets 招聘会.
        ("讲台湾年轻人学舞狮的那部片子一共拍了几集？", "4集纪录片"),
        ("面向台湾年轻人的求职对接会办了几场？", "专场招聘会4场"),
        ("给台商上政策课的讲座一年搞了多少次？", "佛山台商大讲堂"),
        # 流程 is in what the asker tells, not in what she asks.
        (
            "您好，我从台湾嫁到顺德已经八年了，平时看病不太懂这边的流程，挂号缴费经常搞不清楚，"
            "请问佛山的医院有没有专门照顾台胞的服务？是哪几家医院？",
            "绿色通道",
        ),
        # The award of the film does not count its viewers; the film's own item does.
        ("那个台湾仔学醒狮的纪录片咋样，多少人看了？", "播放量超过1500万次"),
    ],
)
def test_details_and_words_of_the_foshan_report(
    raw_foshan: ReportIndex, question: str, said: str
) -> None:
    result = raw_foshan.search(question)
    assert result.kind in ("single", "closest") and result.best is not None, result.reason
    assert said in result.best.item.text


def test_a_contracted_question_word_is_filler(raw_foshan: ReportIndex) -> None:
    assert "what" not in raw_foshan.parse("What's the weather like in Taipei today?").english


def test_a_theme_another_heading_is_about_is_that_sections(raw_foshan: ReportIndex) -> None:
    # The party items say 领导小组 and 市领导, but 各级领导… is the visits topic's heading.
    sections = {section.id: section for section in raw_foshan.section_list}
    assert "考察" in sections["visits"].aliases_zh
    assert "考察" not in sections["party"].aliases_zh
    result = raw_foshan.search("各级领导来佛山考察过哪些地方？")
    assert result.section is not None and result.section.id == "visits"


def test_news_of_a_month_asks_for_the_months_items(raw_foshan: ReportIndex) -> None:
    # 动态 and 大事 name nothing; the party item that says 对台工作 is one of three.
    result = raw_foshan.search("12月佛山对台方面有什么大事？")
    assert result.kind == "list" and len(result.hits) == 3
    assert all(hit.item.date and hit.item.date.month == 12 for hit in result.hits)


def test_a_city_in_english_is_read_in_any_reading_of_its_characters(
    raw_foshan: ReportIndex,
) -> None:
    # 佛 alone reads fu first; the city is Foshan, and a count of its people is no figure
    # of the hospital item's (5家医院).
    result = raw_foshan.search("How many Taiwanese people live in Foshan?")
    assert result.kind == "none" and result.reason == "detail: number"


def test_the_home_city_is_another_place_when_none_of_its_reports_is_loaded(
    raw_foshan: ReportIndex,
) -> None:
    assert raw_foshan.search("广州出台了哪些惠台政策").reason == "other place: 广州"


def test_a_question_that_says_a_topics_heading_asks_for_the_topic(
    raw_foshan: ReportIndex,
) -> None:
    # The policy item covers every word too, but the words are the heading 惠及台胞政策措施.
    result = raw_foshan.search("佛山出台了哪些惠及台胞的政策措施？")
    assert result.section is not None and result.section.id == "policy"
    assert len(result.hits) == len(result.section.items)


def test_the_city_in_english_is_said_by_every_item_of_its_report(
    raw_shenzhen: ReportIndex,
) -> None:
    # The park's item never says 深圳 alone; "Shenzhen" is no reason to prefer a visit that does.
    result = raw_shenzhen.search(
        "How many Taiwanese youth startup teams are based in the Shenzhen-Taiwan youth "
        "innovation park?"
    )
    assert result.best is not None and result.best.item.id == "youth-03"


def test_what_is_it_called_names_nothing_the_item_must_have(raw_fuzhou: ReportIndex) -> None:
    # 叫什么名字 asks for a name (a quoted one, which the policy item has), not for 名字.
    result = raw_fuzhou.search("2025年福州出台的惠台政策叫什么名字？")
    assert result.kind == "single" and result.best is not None
    assert result.best.item.id == "policy-01"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("台湾老乡在福州住宿有没有资助？", "policy-03"),  # 住宿, 资助: the item's 租房, 补贴
        ("台胞可以当居委会干部吗？", "integration-03"),  # 居委会: 社区
        ("岛内新闻从业者来榕参访后出了多少篇稿件？", "story-01"),  # 新闻从业者: 记者
    ],
)
def test_everyday_words_of_the_fuzhou_questions(
    raw_fuzhou: ReportIndex, question: str, expected: str
) -> None:
    result = raw_fuzhou.search(question)
    assert result.best is not None and result.best.item.id == expected


def test_an_english_closest_answer_stands_on_two_words_of_the_question(
    raw_foshan: ReportIndex,
) -> None:
    # weather is 夏令 of the summer camp's 夏令营: one word of three, no closest answer.
    assert raw_foshan.search("What's the weather like in Taipei today?").kind == "none"


def test_the_home_city_written_out_is_another_place_without_its_report(
    raw_foshan: ReportIndex,
) -> None:
    # The lexicon's Guangzhou aliases (广州南沙 → 南沙, 广州市台办 → 市委台办) must not hide that
    # Guangzhou is asked, when only 佛山's report is loaded.
    for question in ("广州南沙的惠台措施一共有多少条？", "广州市台办获得了哪些奖项？"):
        assert raw_foshan.search(question).reason == "other place: 广州", question
    # 市长春节 holds 长春 (a city) only across two words.
    assert raw_foshan.parse("请问市长春节前夕看望了哪些台胞？").other_place is None


def test_an_office_holder_is_looked_for_beside_whose_office_it_is(
    raw_dongguan: ReportIndex,
) -> None:
    # The report says 台湾老板 once, in a video series' name; never who runs 鸿钜精密.
    assert raw_dongguan.search("鸿钜精密的老板是谁？").reason.startswith("unmentioned person")
    assert raw_dongguan.search("东莞台商协会会长是谁？").kind != "none"


def test_a_fee_or_a_sign_up_is_a_detail_the_item_must_give(raw_fuzhou: ReportIndex) -> None:
    # The association's item counts its donations in 元; what members pay it never says.
    assert raw_fuzhou.search("福州台协的会费一年多少？").reason == "detail: 会费"
    assert raw_fuzhou.search("台胞服务一件事平台怎么注册账号？").reason.startswith("detail: ")


def test_a_detail_word_inside_an_everyday_word_is_not_asked(raw_zhuhai: ReportIndex) -> None:
    # 办手续 is the service the hall gives: the question asks whether there is one.
    result = raw_zhuhai.search("珠海有没有给台胞台商专门办手续的办事大厅？")
    assert result.best is not None and "服务驿站" in result.best.item.text


def test_an_english_closest_answer_on_a_report_without_english(raw_fuzhou: ReportIndex) -> None:
    # Matched word by word through the dictionary, the ferry item leads the rest clearly, if
    # below the floor a Chinese question's closest answer needs.
    result = raw_fuzhou.search("How many passengers took the Mawei–Matsu ferry last year?")
    assert result.kind == "closest" and result.best is not None
    assert "马祖" in result.best.item.text


def test_a_set_question_about_one_named_item_is_not_its_topic(raw_foshan: ReportIndex) -> None:
    # 第二批…采认目录 is one item's phrase; 哪些领域 asks what it lists, not the whole topic.
    result = raw_foshan.search("第二批台湾同胞职业资格采认目录新增了哪些领域？")
    assert result.section is None
    assert result.best is not None and "第二批" in result.best.item.text


@pytest.fixture(scope="module")
def raw_zhongshan(tmp_path_factory: pytest.TempPathFactory) -> ReportIndex:
    return ingested_alone(tmp_path_factory.mktemp("zs"), "fiction7", "2025-zhongshan-report.txt")


def test_awards_said_in_other_words_make_an_awards_topic(
    raw_zhongshan: ReportIndex,
) -> None:
    # Only four of the nine awards say 获评 or 荣誉; the rest are 评为, 入选, 金奖, 称号.
    sections = {section.id: section for section in raw_zhongshan.section_list}
    assert "荣誉" in sections["highlights"].aliases_zh
    asked = ("今年获得了哪些荣誉？全部列一下", "What awards did Zhongshan's Taiwan work receive?")
    for question in asked:
        result = raw_zhongshan.search(question)
        assert result.section is not None and result.section.id == "highlights", question


def test_taiwan_and_the_city_name_no_topic_in_english(raw_zhongshan: ReportIndex) -> None:
    # Every item is about Taiwan and the report's city: "Taiwan youth" is no reason to take
    # "Taiwan" for the youth topic, nor 中山 of 各级领导高度重视中山对台工作 for the visits.
    sections = {section.id: section for section in raw_zhongshan.section_list}
    assert "taiwan" not in sections["youth"].aliases_en


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # Whom an item invited may be a group or outlets, not people by name.
        ("“咸水歌里话乡情”活动邀请了哪些人演出？", "宜兰民谣团体"),
        ("“伟人故里行”采访活动邀请了哪些台湾媒体？", "TVBS"),
        # 多少项目 counts 项目 (in 个), not 项.
        (
            "你好，我是大学老师，正在研究两岸青年交流，想知道中山去年办的“香山杯”创新创业大赛"
            "有多少项目参赛，台湾青年项目占多少，能告诉我吗？",
            "参赛项目146个",
        ),
        # The office asked is the last clause's (新会长), which the report names.
        (
            "您好，我是台商协会的会员，去年年底的年会因为出差没能参加，想了解一下年会上有哪位"
            "市领导出席、新会长是谁？",
            "张振邦",
        ),
        # 是怎么做的 asks what was done, which the item tells.
        (
            "您好，我爷爷当年是从中山沙溪去的台湾，我们家一直想回来寻根，请问去年是不是有组织"
            "台湾乡亲回来寻根的活动？具体是怎么做的？",
            "寻根",
        ),
        ("台湾老板在中山借钱有什么门路？", "台企易贷"),  # 借钱 is 贷款, 门路 渠道
        ("台胞办事的窗口在哪里？", "服务中心"),  # 窗口 is a service centre's
        ("台湾老板的商会去年拿了什么荣誉？", "台商投资企业协会"),  # 商会 is a 协会
        # CC-CEDICT glosses 孙中山 "Dr Sun Yat-sen (1866-1925), first president … 国民党": the
        # name before the comma is a sense, and no stranger to the report.
        ("Who visited the Sun Yat-sen former residence memorial museum in February?", "孙中山"),
        # Taiwan-funded is 台资 (the lexicon's English), kept whole.
        ("What loan product is available for Taiwan-funded enterprises in Zhongshan?", "台企易贷"),
        # 想写一篇…报道 is what the asker will write, not a task for the bot.
        (
            "你好，我是记者，想写一篇关于在中山工作的台湾护理师的报道，听说有一位获得了最美"
            "志愿者称号，请问她的情况是怎样的？",
            "林佩君",
        ),
        # 去深圳拓展市场 is the asker's plan (after 我公司在坦洲), not the place asked about.
        (
            "您好，我公司在坦洲，想借着深中通道去深圳拓展市场，听说国台办的领导来调研过这方面"
            "的情况，能否介绍一下？",
            "深中通道",
        ),
    ],
)
def test_questions_of_the_zhongshan_report(
    raw_zhongshan: ReportIndex, question: str, said: str
) -> None:
    result = raw_zhongshan.search(question)
    assert result.best is not None and said in result.best.item.text, result.reason


def test_what_happened_in_a_month_lists_the_month(raw_zhongshan: ReportIndex) -> None:
    # 发生 names nothing: every item happened.
    result = raw_zhongshan.search("2025年5月发生了什么？")
    assert result.kind == "list" and len(result.hits) == 3
    assert all(hit.item.date is not None and hit.item.date.month == 5 for hit in result.hits)


def test_a_heading_named_as_an_area_is_its_topic(raw_zhongshan: ReportIndex) -> None:
    result = raw_zhongshan.search("坚持党的全面领导这一块是怎么落实的？")
    assert result.section is not None and result.section.id == "party"
    # A heading's words inside a document's name are the document's.
    named = raw_zhongshan.search("《中山市促进中台融合发展若干措施》主要包括哪些方面的内容？")
    assert named.section is None
    assert named.best is not None and "若干措施" in named.best.item.text


def test_a_toll_is_a_detail_the_item_must_give(raw_zhongshan: ReportIndex) -> None:
    assert raw_zhongshan.search("深中通道过路费怎么收？").reason == "detail: 过路费"


def test_a_traditional_question_keeps_the_reports_own_words(raw_zhongshan: ReportIndex) -> None:
    # tw2sp would make 線上 the mainland's 在线; the report says 线上, as the characters do.
    asked = "請問中山有什麼手機App可以讓臺胞線上辦事嗎？"
    result = raw_zhongshan.search(asked)
    assert result.best is not None and "台胞通" in result.best.item.text
    assert result.query.cleaned.startswith("請問中山有什麼手機App")  # echoed as asked


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("你是谁开发的？", "smalltalk"),  # about the bot
        ("两岸什么时候统一？", "opinion"),  # a forecast
        ("台胞证怎么办理？", "detail: 怎么办理"),  # the residence permits' item counts them
        ("台企易贷的利率是多少？", "detail: 利率"),  # the loan's item gives no rate
    ],
)
def test_questions_the_zhongshan_report_does_not_answer(
    raw_zhongshan: ReportIndex, question: str, reason: str
) -> None:
    assert raw_zhongshan.search(question).reason == reason


def test_a_count_of_taiwan_as_a_whole_and_the_bot_itself_are_refused(
    raw_foshan: ReportIndex, raw_zhongshan: ReportIndex
) -> None:
    assert raw_foshan.search("台湾有几个县市？").kind == "none"
    assert raw_foshan.search("台北101有多高？").kind == "none"
    assert raw_zhongshan.search("你是人工智能吗？").reason == "smalltalk"


def test_who_holds_an_office_is_answered_by_the_item_naming_them(
    raw_zhongshan: ReportIndex,
) -> None:
    # The awards say 中山 and 市委台办 more often; the item naming its 主任 is the answer, and
    # a person's name needs no quotes to be a name.
    result = raw_zhongshan.search("中山市委台办主任叫什么名字？")
    assert result.best is not None and "苏婉清" in result.best.item.text, result.reason
