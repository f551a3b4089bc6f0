"""Inline mode: "@bot words" in any chat offers matching items; "#<id>" shares one item."""

from __future__ import annotations

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.ext import InlineQueryHandler

from bot.normalize import clean_text
from bot.render import item_title, render_item
from bot.report import Item, KnowledgeBase
from bot.texts import Texts
from handlers.common import App, Context, services, texts_of

SNIPPET = 60


def _article(item: Item, texts: Texts, kb: KnowledgeBase) -> InlineQueryResultArticle:
    text = texts.convert(item.text)
    return InlineQueryResultArticle(
        id=item.id,
        title=item_title(item, texts),
        description=text[:SNIPPET] + ("…" if len(text) > SNIPPET else ""),
        input_message_content=InputTextMessageContent(render_item(kb, item, texts)),
    )


def featured(kb: KnowledgeBase) -> list[Item]:
    """The first item of every topic and highlight: a tour of the report for an empty query."""
    return [s.items[0] for r in kb.reports for s in r.sections() if s.items]


async def inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    text = clean_text(query.query)
    texts = texts_of(update, context, text or None)
    if text.startswith("#") and svc.kb.item(text[1:]):
        items = [svc.kb.items[text[1:]]]
    elif not text:
        items = featured(svc.kb)
    else:
        result = svc.index.search(text, limit=50)
        items = [h.item for h in (*result.hits, *result.related)] if result.kind != "none" else []
    results = [_article(item, texts, svc.kb) for item in items]
    button = InlineQueryResultsButton(text=texts.plain("inline_open_bot"), start_parameter="inline")
    await query.answer(results, auto_pagination=True, cache_time=60, button=button)


def register(application: App) -> None:
    application.add_handler(InlineQueryHandler(inline_query))
