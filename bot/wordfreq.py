"""How informative a word is in Chinese at large, for weighing the words of a question.

A question's filler (了解, 一下, 可以, 给我讲讲) should count for little and its content words
(台商, 大讲堂, 深圳) for much, whatever the report contains. A hand list of stop words grows with
every failure; general-language frequencies do not need to. The table `resources/wordfreq.tsv`
is derived from jieba's dictionary (MIT licence, see `resources/WORDFREQ-LICENSE`): every word
seen at least `MIN_COUNT` times, with its count. Rarer words are absent on purpose: a word the
table does not know is, by definition, not common, so it weighs fully. Regenerate the table with
`python -m bot wordfreq` (needs the `dev` extra, which installs jieba).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).parent / "resources" / "wordfreq.tsv"
# English, for questions matched through the dictionary bridge: the stems of words at least as
# common as EN_RARE_ZIPF (zipf = log10 of uses per billion words), from the wordfreq package.
ENGLISH_TABLE = Path(__file__).parent / "resources" / "english-frequency.tsv"
EN_RARE_ZIPF = 4.5  # curious, journalist: content, weigh fully
EN_COMMON_ZIPF = 5.5  # thinking, whether, people: filler, weigh FILLER_WEIGHT
MIN_COUNT = 100
MAX_WORD = 6
# Information (in nats) at or below which a word is filler, and at or above which it is content.
COMMON_INFO = 8.0
RARE_INFO = 10.0
FILLER_WEIGHT = 0.1


@dataclass(frozen=True)
class WordFrequencies:
    counts: dict[str, int]
    total: int

    def info(self, word: str) -> float:
        """-log P(word); words the table does not know are as rare as it can tell."""
        return math.log(self.total / self.counts.get(word, MIN_COUNT / 2))

    def segment(self, text: str, domain: Set[str] = frozenset()) -> list[str]:
        """The most probable split of `text` into known words (unknown characters alone), by
        dynamic programming over log-probabilities, as jieba does without its HMM. Words of
        the report's own vocabulary (`domain`) are taken whole."""
        n = len(text)
        domain_log = math.log(self.total / 1000)
        best = [0.0] + [-math.inf] * n
        back = [0] * (n + 1)
        log_total = math.log(self.total)
        unknown = math.log(MIN_COUNT / 20) - log_total
        for end in range(1, n + 1):
            for start in range(max(0, end - MAX_WORD), end):
                word = text[start:end]
                count = self.counts.get(word)
                if word in domain and end - start > 1:
                    score = best[start] + domain_log - log_total
                elif count is None and end - start > 1:
                    continue
                else:
                    score = best[start] + (math.log(count) - log_total if count else unknown)
                if score > best[end]:
                    best[end], back[end] = score, start
        words: list[str] = []
        end = n
        while end > 0:
            words.append(text[back[end] : end])
            end = back[end]
        return words[::-1]

    def weights(self, units: Iterable[str], domain: Set[str] = frozenset()) -> list[float]:
        """A weight in [FILLER_WEIGHT, 1] for each matching unit (a CJK character or an
        ASCII run): the weight of the word the unit belongs to. ASCII runs and words of the
        report's own vocabulary weigh fully (the report's idf says how much they matter)."""
        return self.analyse(units, domain)[0]

    def analyse(
        self, units: Iterable[str], domain: Set[str] = frozenset()
    ) -> tuple[list[float], list[int]]:
        """Each unit's weight (see `weights`) and the number of the word it belongs to."""
        units = list(units)
        weights = [1.0] * len(units)
        words = list(range(len(units)))
        word_number = len(units)
        start = 0
        while start < len(units):
            if len(units[start]) != 1 or units[start].isascii():
                start += 1
                continue
            end = start
            while end < len(units) and len(units[end]) == 1 and not units[end].isascii():
                end += 1
            position = start
            for word in self.segment("".join(units[start:end]), domain):
                weight = 1.0 if word in domain and len(word) > 1 else self.weight(word)
                word_number += 1
                for offset in range(len(word)):
                    weights[position + offset] = weight
                    words[position + offset] = word_number
                position += len(word)
            start = end
        return weights, words

    def weight(self, word: str) -> float:
        share = (self.info(word) - COMMON_INFO) / (RARE_INFO - COMMON_INFO)
        return min(1.0, max(FILLER_WEIGHT, share))


def parse_table(text: str) -> WordFrequencies:
    lines = text.splitlines()
    total = int(lines[0].split("\t")[1])
    counts = {}
    for line in lines[1:]:
        word, count = line.split("\t")
        counts[word] = int(count)
    return WordFrequencies(counts, total)


@lru_cache(maxsize=1)
def general_frequencies() -> WordFrequencies:
    return parse_table(TABLE.read_text(encoding="utf-8"))


def build_table(dictionary: Iterable[str]) -> str:
    """The compact table from jieba's `dict.txt` lines (word, count, part of speech)."""
    total = 0
    kept: list[tuple[str, int]] = []
    for line in dictionary:
        parts = line.split()
        if len(parts) < 2:
            continue
        count = int(parts[1])
        total += count
        if count >= MIN_COUNT and len(parts[0]) <= MAX_WORD:
            kept.append((parts[0], count))
    kept.sort()
    return "".join([f"#total\t{total}\n", *(f"{w}\t{c}\n" for w, c in kept)])


def jieba_dictionary() -> Path:
    import jieba  # only the generator needs it (dev extra)

    return Path(jieba.__file__).parent / "dict.txt"


@lru_cache(maxsize=1)
def english_frequencies() -> dict[str, float]:
    """Zipf frequency by English stem (see `english_stem`); absent stems are rare."""
    lines = ENGLISH_TABLE.read_text(encoding="utf-8").splitlines()
    return {stem: float(zipf) for stem, zipf in (line.split("\t") for line in lines)}


def english_weight(stem: str) -> float:
    """How informative an English word is at large, in [FILLER_WEIGHT, 1], as `weight` is
    for Chinese: "thinking", "whether" count little, "journalist", "Lingnan" fully."""
    zipf = english_frequencies().get(stem, 0.0)
    share = (EN_COMMON_ZIPF - zipf) / (EN_COMMON_ZIPF - EN_RARE_ZIPF)
    return min(1.0, max(FILLER_WEIGHT, share))


def build_english_table(frequencies: Iterable[tuple[str, float]]) -> str:
    """The compact English table from (word, zipf) pairs: each stem with its most common
    word's zipf, for the words at least as common as EN_RARE_ZIPF."""
    from bot.normalize import english_stem

    best: dict[str, float] = {}
    for word, zipf in frequencies:
        if zipf >= EN_RARE_ZIPF and word.isascii() and word.replace("'", "").isalpha():
            stem = english_stem(word)
            best[stem] = max(best.get(stem, 0.0), zipf)
    return "".join(f"{stem}\t{zipf:.2f}\n" for stem, zipf in sorted(best.items()))


def wordfreq_english() -> list[tuple[str, float]]:
    from wordfreq import top_n_list, zipf_frequency  # only the generator needs it

    return [(w, zipf_frequency(w, "en")) for w in top_n_list("en", 50_000)]
