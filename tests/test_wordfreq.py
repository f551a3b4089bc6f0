"""General-language word weights: filler counts little, content words count fully."""

from __future__ import annotations

import pytest

from bot.wordfreq import FILLER_WEIGHT, build_table, general_frequencies, parse_table


def test_filler_weighs_little_and_content_fully() -> None:
    freq = general_frequencies()
    assert freq.weight("了解") < 0.3
    assert freq.weight("可以") == FILLER_WEIGHT
    assert freq.weight("深圳") > 0.8
    assert freq.weight("大讲堂") == 1.0  # unknown to the table: not common


def test_segment_prefers_known_words() -> None:
    freq = general_frequencies()
    assert freq.segment("想了解一下") == ["想", "了解", "一下"]


def test_weights_follow_units_and_keep_ascii_runs_whole() -> None:
    freq = general_frequencies()
    weights = freq.weights(["可", "以", "tvbs", "深", "圳"])
    assert weights[0] == weights[1] == FILLER_WEIGHT
    assert weights[2] == 1.0
    assert weights[3] > 0.8


def test_table_round_trip() -> None:
    table = build_table(["的 1000 uj", "了解 200 v", "罕见 5 a", "bad"])
    parsed = parse_table(table)
    assert parsed.total == 1205
    assert parsed.counts == {"的": 1000, "了解": 200}


def test_shipped_table_matches_jieba_when_installed() -> None:
    jieba = pytest.importorskip("jieba")
    from pathlib import Path

    from bot.wordfreq import TABLE

    source = Path(jieba.__file__).parent / "dict.txt"
    expected = build_table(source.read_text(encoding="utf-8").splitlines())
    assert TABLE.read_text(encoding="utf-8") == expected
