"""bot/crosslingual.py: English words reach the reports' Chinese through CC-CEDICT and names."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.crosslingual import EnglishBridge, cedict_path, english_key, parallel_pairs
from bot.normalize import normalize

REPORT = Path(__file__).resolve().parent.parent / "data" / "reports" / "gz2023.yaml"


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


@pytest.fixture(scope="module")
def vocabulary() -> str:
    data = yaml.safe_load(REPORT.read_text(encoding="utf-8"))
    return "\n".join(normalize(s) for s in _strings(data))


@pytest.fixture(scope="module")
def bridge(vocabulary: str) -> EnglishBridge:
    return EnglishBridge.from_reports(vocabulary, [REPORT])


def test_the_dictionary_ships_with_the_dependency() -> None:
    path = cedict_path()
    assert path is not None and path.stat().st_size > 1_000_000


@pytest.mark.parametrize(
    ("word", "wanted"),
    [
        ("measure", {"措施"}),
        ("compatriot", {"同胞"}),
        ("youth", {"青年"}),
        ("award", {"奖", "奖项"}),
        ("documentary", {"纪录片", "纪实片"}),
        ("media", {"媒体"}),
        ("entrepreneurship", {"创业"}),
        ("startup", {"创业"}),
        ("innovation", {"创新"}),
        ("park", {"园区"}),
    ],
)
def test_typical_words(bridge: EnglishBridge, word: str, wanted: set[str]) -> None:
    (found,) = bridge.chinese_for([word])
    assert wanted & set(found[:2]), (word, found)


def test_at_most_a_few_candidates_and_unknown_words_map_to_nothing(
    bridge: EnglishBridge,
) -> None:
    results = bridge.chinese_for(["xyzzy", "measure", "", "qwertyuiop"])
    assert results[0] == [] and results[2] == [] and results[3] == []
    assert all(len(r) <= 4 for r in bridge.chinese_for(["taiwan", "team", "youth"]))


def test_only_chinese_in_the_vocabulary(bridge: EnglishBridge, vocabulary: str) -> None:
    for found in bridge.chinese_for(["measure", "youth", "award", "media", "taiwan"]):
        assert all(c in vocabulary for c in found)
    small = EnglishBridge("广州措施")
    assert small.chinese_for(["measure", "youth"]) == [["措施"], []]


def test_names_and_phrases_from_the_parallel_data(bridge: EnglishBridge) -> None:
    assert ("宋涛", "Song Tao") in parallel_pairs([REPORT])
    assert bridge.chinese_for(["song tao"]) == [["宋涛"]]
    assert bridge.chinese_for(["taiwan compatriot"])[0][0] == "台胞"
    assert (5, 7, ["宋涛"]) in bridge.phrases(
        ["taiwan", "compatriot", "x", "y", "z", "song", "tao"]
    )


def test_a_word_glossed_only_in_another_form_is_found_by_that_form(
    bridge: EnglishBridge,
) -> None:
    # CC-CEDICT glosses 调解 as "to mediate", never "mediator"; nor 两岸 as "cross-strait".
    (mediator,) = bridge.chinese_for(["mediator"])
    assert "调解" in mediator
    (cross_strait,) = bridge.chinese_for(["cross-strait"])
    assert "两岸" in cross_strait
    # A word with an entry of its own keeps it: no guessing from its ending.
    assert bridge.chinese_for(["forum"])[0][0] == "论坛"


def test_parallel_data_alone_without_the_dictionary(vocabulary: str) -> None:
    only = EnglishBridge(vocabulary, use_cedict=False, parallel=parallel_pairs([REPORT]))
    assert only.entries == 0
    assert only.chinese_for(["leung chun-ying", "measure"]) == [["梁振英"], []]


def test_english_key_matches_the_caller_form() -> None:
    assert english_key("Start-ups") == "startup"
    assert english_key("Taiwan compatriots") == "taiwan compatriot"
    # Irregular past forms meet the dictionary's infinitives ("to take part": 参加).
    assert english_key("took part") == "take part"
    assert english_key("held") == "hold"


def test_memory_and_build_time_stay_small(vocabulary: str) -> None:
    tracemalloc.start()
    try:
        started = time.perf_counter()
        built = EnglishBridge.from_reports(vocabulary, [REPORT])
        elapsed = time.perf_counter() - started
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 1_000 < len(built) < 20_000
    assert current < 4_000_000  # bytes kept (about 0.7 MB measured)
    assert peak < 8_000_000  # bytes at the build's peak (about 2 MB measured)
    assert elapsed < 30  # seconds, under tracemalloc on a shared core (about 2 s plain)
