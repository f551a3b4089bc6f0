"""The bot's own texts in Traditional Chinese, converted in a short-lived helper process.

Everything the bot converts to Traditional is its own text: the report (titles, item texts,
date labels), the lexicon's places, the locale texts. OpenCC's s2twp tables need about 43 MB
in memory once loaded, more than the rest of the bot's data together, so a helper process
converts those texts at start-up (while the search index is being built) and exits; the bot
keeps only the results (`bot.normalize.TRADITIONAL`). A text that was not converted ahead is
converted in-process as before, so the output never depends on this step.

    python -m bot.traditional    a JSON list of texts on stdin, their conversions on stdout
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.normalize import TRADITIONAL, normalize, to_traditional

if TYPE_CHECKING:  # the helper process imports no more than it needs
    from bot.report import KnowledgeBase

log = logging.getLogger(__name__)
LOCALES = Path(__file__).parent / "locales"
TIMEOUT = 60.0


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for element in value:
            yield from _strings(element)
    elif isinstance(value, dict):
        for element in value.values():
            yield from _strings(element)


def own_texts(kb: KnowledgeBase) -> set[str]:
    """Every text the renderer and the locale may convert to Traditional."""
    import yaml

    texts: set[str] = {report.title for report in kb.reports}
    texts.update(report.city for report in kb.reports if report.city)
    texts.update(section.title for section in kb.sections.values())
    texts.update(section.description_zh for section in kb.sections.values())
    for item in kb.items.values():
        texts.update((item.title, item.text))
        if item.date is not None:
            texts.add(item.date.label)
    places = kb.lexicon.other_places
    texts.update(places)
    texts.update(normalize(place) for place in places)  # as the search names them
    text = (LOCALES / "zh-hans.yaml").read_text(encoding="utf-8")
    locale = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    texts.update(_strings(locale))
    return texts


class Conversion:
    """A conversion running in a helper process; `finish` stores the results."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = sorted({t for t in texts if t not in TRADITIONAL})
        self.process: subprocess.Popen[str] | None = None
        if not self.texts:
            return
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.traditional"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        except OSError as exc:
            log.warning("Traditional texts will be converted in-process: %s", exc)

    def finish(self) -> int:
        """Wait for the helper; the number of texts it converted (0 if it failed)."""
        if self.process is None:
            return 0
        try:
            out, err = self.process.communicate(json.dumps(self.texts), timeout=TIMEOUT)
            converted = json.loads(out) if self.process.returncode == 0 else None
        except (subprocess.TimeoutExpired, ValueError) as exc:
            self.process.kill()
            self.process.communicate()
            converted, err = None, str(exc)
        if not isinstance(converted, list) or len(converted) != len(self.texts):
            log.warning("Traditional texts will be converted in-process: %s", err.strip()[-500:])
            return 0
        TRADITIONAL.update(zip(self.texts, map(str, converted), strict=True))
        return len(self.texts)


def main() -> int:
    texts = json.loads(sys.stdin.read())
    json.dump([to_traditional(str(text)) for text in texts], sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
