"""Answer quality measured through the real bot (`python -m bot eval --through-bot`).

The real Application polls the local Bot API emulator over HTTP on 127.0.0.1, as in the
console and the end-to-end tests. Every question is a private text message from a fresh user
(no language setting, so the bot answers in the script the question is written in); the bot's
reply is read back into an `Answer` (its kind and the item ids it quotes, in order) and judged
by `bot.evaluation.judge` like a search result.

Reading a reply: an item counts as given when its text is quoted (Simplified or Traditional,
or its English translation); English replies that quote no text fall back to item titles. The
kind comes from the bot's own words in `bot/locales`: "not in the report" (`not_found`, or
the greeting for small talk, `smalltalk_reply`), "the closest the report has"
(`answer_closest`), a list header (`answer_list_header`, `answer_topic_header`); otherwise a
reply quoting an item is a single answer. The bot's error
notice (`error_generic`) is kind "error"; any other reply that quotes nothing is "other" (the
prompt for a question with no words, e.g. only emoji), which declines like a refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import build_application, start_application, stop_application
from bot.config import Settings
from bot.emulator import BotApiEmulator, Call
from bot.evaluation import Answer, EvalQuestion, EvalReport, judge
from bot.normalize import to_traditional
from bot.render import to_plain
from bot.report import KnowledgeBase
from bot.storage import Storage
from bot.texts import LANGUAGES, texts_for

TOKEN = "1000000:eval-token-for-the-local-emulator-only-xx"
FIRST_USER = 600_000_000  # question n comes from user FIRST_USER + n, in a private chat
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_BOLD = re.compile(r"<b>(.*?)</b>", re.DOTALL)


def _pattern(template: str) -> str:
    """A locale template as a regular expression on the reply's plain text."""
    parts = _PLACEHOLDER.split(template)
    return ".*?".join(re.escape(to_plain(part)) for part in parts)


@dataclass(frozen=True)
class ReplyReader:
    """Turns the bot's messages (HTML, as sent) into an `Answer`."""

    not_found: re.Pattern[str]
    error: re.Pattern[str]
    closest: re.Pattern[str]
    list_header: re.Pattern[str]
    related_header: re.Pattern[str]
    texts: tuple[tuple[str, str], ...]  # (quoted text, item id), longest first
    titles: dict[str, str]  # title as shown (any language) -> item id
    titles_en: dict[str, str]  # English title -> item id

    @classmethod
    def for_kb(cls, kb: KnowledgeBase) -> ReplyReader:
        def either(*keys: str, anchored: bool = False) -> re.Pattern[str]:
            options = {_pattern(str(texts_for(lang).raw(k))) for lang in LANGUAGES for k in keys}
            prefix = "^" if anchored else ""
            return re.compile(
                prefix + "(?:" + "|".join(sorted(options)) + ")", re.DOTALL | re.MULTILINE
            )

        texts: dict[str, str] = {}
        titles: dict[str, str] = {}
        for item in kb.items.values():
            for variant in (item.text, to_traditional(item.text), item.text_en):
                if variant:
                    texts[variant.strip()] = item.id
            for title in (item.title, to_traditional(item.title), item.title_en):
                if title:
                    titles[title.strip()] = item.id
        return cls(
            not_found=either("not_found", "smalltalk_reply"),  # both decline
            error=either("error_generic"),
            closest=either("answer_closest"),
            list_header=either("answer_list_header", "answer_topic_header", anchored=True),
            related_header=either("answer_related", anchored=True),
            texts=tuple(sorted(texts.items(), key=lambda kv: -len(kv[0]))),
            titles=titles,
            titles_en={i.title_en.strip(): i.id for i in kb.items.values() if i.title_en},
        )

    def quoted(self, plain: str) -> list[str]:
        """Ids of the items whose text the reply quotes, in the order they appear."""
        spans: list[tuple[int, int, str]] = []
        for text, item_id in self.texts:  # longest first: a quote inside a longer one is not
            start = plain.find(text)
            while start >= 0:
                end = start + len(text)
                if not any(s <= start and end <= e for s, e, _ in spans):
                    spans.append((start, end, item_id))
                start = plain.find(text, start + 1)
        return list(dict.fromkeys(item_id for _, _, item_id in sorted(spans)))

    def read(self, messages: Sequence[str]) -> Answer:
        """The answer given by the bot's messages (HTML, in order) to one question."""
        if not messages:
            return Answer("silent", detail="no reply")
        markup = "\n".join(messages)
        plain = to_plain(markup)
        first_line = next((line for line in plain.splitlines() if line.strip()), "")
        detail = f"reply {first_line[:60]!r}"
        if self.not_found.search(plain):
            return Answer("none", detail=detail)
        if self.error.search(plain):
            return Answer("error", detail=detail)
        ids = self.quoted(plain)
        if not ids:  # an English reply that shows no text: go by the English titles in bold
            bold = (html.unescape(b).strip() for b in _BOLD.findall(markup))
            ids = list(dict.fromkeys(self.titles_en[b] for b in bold if b in self.titles_en))
        related: list[str] = []
        if match := self.related_header.search(plain):
            for line in plain[match.end() :].splitlines():
                title = line.removeprefix("• ").strip()
                if line.startswith("• ") and title in self.titles:
                    related.append(self.titles[title])
        if self.closest.search(plain):
            kind = "closest"
        elif self.list_header.search(plain):
            kind = "list"
        else:
            kind = "single" if ids else "other"
        detail = f"{', '.join(ids) or '-'}" + (f" related {', '.join(related)}" if related else "")
        if kind == "other":
            detail += f" reply {first_line[:60]!r}"
        return Answer(kind, tuple(ids), tuple(related), detail)


MAX_MORE = 5
_MORE_HINT = re.compile(
    "|".join(sorted({_pattern(str(texts_for(lang).raw("list_more_hint"))) for lang in LANGUAGES}))
)


def _asks_for_more(messages: Sequence[Any]) -> bool:
    last = [m for m in messages if m.from_bot]
    return bool(last) and bool(_MORE_HINT.search(to_plain(last[-1].text or "")))


@contextlib.asynccontextmanager
async def bot_on_emulator(kb: KnowledgeBase) -> AsyncIterator[tuple[BotApiEmulator, Any]]:
    """The real bot polling a local Bot API emulator, with a throw-away database: what the
    question and dialogue evaluations talk to."""
    with tempfile.TemporaryDirectory(prefix="gz-report-eval-") as folder:
        async with BotApiEmulator() as emulator:
            settings = Settings(
                token=TOKEN,
                api_base_url=emulator.base_url,
                database_path=Path(folder) / "eval.sqlite3",
                rate_overall=0,
                rate_group=0,
            )
            application = build_application(settings, kb, Storage(settings.database_path))
            await start_application(application, polling=True)
            try:
                yield emulator, application
            finally:
                await stop_application(application)


async def ask_bot(
    kb: KnowledgeBase, questions: Sequence[str], *, timeout: float | None = None
) -> list[list[str]]:
    """Ask the real bot every question (each from a fresh user in a private chat); return the
    HTML of the bot's replies to each, in order (empty if it did not reply in time)."""
    timeout = timeout if timeout is not None else 30.0 + 0.5 * len(questions)
    async with bot_on_emulator(kb) as (emulator, application):
        waiting = {FIRST_USER + n for n in range(len(questions))}
        since = len(emulator.calls)

        def answered(call: Call) -> bool:
            if call.method == "sendMessage":
                waiting.discard(int(call.params.get("chat_id", 0)))
            return not waiting

        for n, question in enumerate(questions):
            emulator.user_message(
                FIRST_USER + n, question, first_name=f"Asker {n}", language_code=None
            )
        # Unanswered questions are judged "silent" rather than stopping the run.
        with contextlib.suppress(TimeoutError):
            if waiting:
                await emulator.wait_for(answered, timeout, since=since)
            # Let replies in several parts finish before reading them.
            await emulator.wait_until_consumed(timeout=timeout)
            await asyncio.wait_for(application.update_queue.join(), timeout)
            # A long list ends with "还有 N 条，发送“更多”继续看": ask for the rest, as a
            # person would, so a list is judged whole.
            for _ in range(MAX_MORE):
                pending = [
                    FIRST_USER + n
                    for n in range(len(questions))
                    if _asks_for_more(emulator.sent_messages(FIRST_USER + n))
                ]
                if not pending:
                    break
                for user in pending:
                    emulator.user_message(user, "更多", language_code=None)
                await emulator.wait_until_consumed(timeout=timeout)
                await asyncio.wait_for(application.update_queue.join(), timeout)
        return [
            [m.text or "" for m in emulator.sent_messages(FIRST_USER + n) if m.from_bot]
            for n in range(len(questions))
        ]


def evaluate_through_bot(
    kb: KnowledgeBase, questions: Sequence[EvalQuestion], name: str = ""
) -> EvalReport:
    """Judge the bot's own replies; `seconds` covers starting the bot, asking and reading."""
    started = time.perf_counter()
    replies = asyncio.run(ask_bot(kb, [q.q for q in questions]))
    reader = ReplyReader.for_kb(kb)
    outcomes = [judge(q, reader.read(reply)) for q, reply in zip(questions, replies, strict=True)]
    return EvalReport(outcomes, name, "bot", time.perf_counter() - started)
