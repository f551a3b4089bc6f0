"""Building the python-telegram-bot Application: the one place where everything is wired."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    Defaults,
)
from telegram.request import BaseRequest

import handlers
from bot.config import Settings
from bot.crosslingual import english_vocabulary
from bot.report import KnowledgeBase
from bot.search import ReportIndex
from bot.services import SERVICES_KEY, Services
from bot.storage import Storage
from bot.texts import LANGUAGES, texts_for
from bot.traditional import Conversion, own_texts
from bot.wordfreq import english_frequencies
from handlers.common import publish_command_menus

log = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 2


def build_application(
    settings: Settings,
    kb: KnowledgeBase,
    storage: Storage,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
    update_processor: BaseUpdateProcessor | None = None,
) -> Application:
    """The bot, ready for `run_polling`, `run_webhook` or the console.

    `update_processor` replaces the default one-update-at-a-time processor (the benchmark
    times each update with one)."""
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        tzinfo=settings.timezone,
    )
    limiter = AIORateLimiter(
        overall_max_rate=settings.rate_overall,
        group_max_rate=settings.rate_group,
        max_retries=RATE_LIMIT_RETRIES,
    )
    builder = ApplicationBuilder()
    if request is not None:  # tests: an in-process request instead of HTTP
        builder = builder.request(request).get_updates_request(request)
    if update_processor is not None:
        builder = builder.concurrent_updates(update_processor)
    application = (
        builder.token(token or settings.token or "")
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .defaults(defaults)
        .rate_limiter(limiter)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    # The Traditional texts are converted in a helper process while the index is built.
    traditional = Conversion(own_texts(kb))
    index = ReportIndex(kb)
    traditional.finish()
    application.bot_data[SERVICES_KEY] = Services(settings, kb, index, storage)
    handlers.register(application)
    return application


def warm_up(index: ReportIndex) -> None:
    """Read and build what the first question would otherwise pay for: OpenCC dictionaries,
    the Traditional texts (converted once), the search's regular expressions and the English
    tables, so that no file is read on a user's message."""
    for language in LANGUAGES:
        texts_for(language)
    index.search("臺灣青年 warm-up")
    english_vocabulary()  # CC-CEDICT's English words, read once (~0.4 s)
    english_frequencies()  # how common English words are (a 32 KB table)


async def post_init(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    bot = application.bot
    kb = services.kb
    await publish_command_menus(bot, kb)
    warm_up(services.index)
    handlers.start_background(application)
    log.info(
        "bot @%s ready at %s: %d items, mode %s",
        bot.username,
        datetime.now(services.settings.timezone).isoformat(timespec="seconds"),
        len(kb.items),
        services.settings.mode,
    )


async def post_stop(application: Application) -> None:
    await handlers.stop_background(application)


async def post_shutdown(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    services.storage.close()
    log.info("storage closed")


async def start_application(application: Application, *, polling: bool = False) -> None:
    """Start by hand what `run_polling`/`run_webhook` would (console, webhook server, tests,
    benchmarks): initialise, `post_init`, start, and optionally poll."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    if polling and application.updater is not None:
        await application.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )


async def stop_application(application: Application) -> None:
    """The reverse: stop taking updates, let the ones in flight finish, then close everything."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    if application.post_stop:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)
