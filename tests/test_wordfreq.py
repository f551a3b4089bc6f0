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


def test_english_filler_weighs_little_and_rare_words_fully() -> None:
    from bot.normalize import english_stem
    from bot.wordfreq import english_weight

    assert english_weight(english_stem("thinking")) == FILLER_WEIGHT
    assert english_weight(english_stem("whether")) < 0.3
    assert english_weight(english_stem("journalist")) == 1.0
    assert english_weight("lingnan") == 1.0  # unknown to the table: not common


def test_english_table_keeps_each_stem_once_with_its_commonest_word() -> None:
    from bot.wordfreq import build_english_table

    table = build_english_table([("awards", 4.6), ("award", 4.9), ("rare", 3.0), ("x1", 6.0)])
    assert table == "award\t4.90\n"


def test_shipped_english_table_matches_wordfreq_when_installed() -> None:
    pytest.importorskip("wordfreq")
    from bot.wordfreq import ENGLISH_TABLE, build_english_table, wordfreq_english

    assert ENGLISH_TABLE.read_text(encoding="utf-8") == build_english_table(wordfreq_english())
