"""Telegram handlers, one module per feature, wired here in one visible order.

Handler groups (lower runs first; in each group only the first matching handler runs):
    LOGGING  (-2)  one log line per update
    TRACKING (-1)  chat membership, group migrations, private chats seen
    FEATURES  (0)  commands, buttons, inline queries; questions last, as the catch-all for
                   messages, and the "button expired" answer as the catch-all for buttons
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import TypeHandler

from handlers import (
    admin,
    announce,
    chats,
    errors,
    feedback,
    inline,
    language,
    questions,
    start,
    subscriptions,
    timeline,
    topics,
)
from handlers.common import App, Context, app_services

log = logging.getLogger(__name__)

LOGGING = -2
TRACKING = -1
FEATURES = 0


async def log_update(update: Update, context: Context) -> None:
    chat = update.effective_chat
    user = update.effective_user
    kind = next((name for name in ("message", "edited_message", "callback_query", "inline_query",
                                   "my_chat_member", "channel_post", "chosen_inline_result")
                 if getattr(update, name, None) is not None), "other")  # fmt: skip
    log.info(
        "update=%s chat=%s user=%s kind=%s",
        update.update_id,
        chat.id if chat else None,
        user.id if user else None,
        kind,
    )


def register(application: App) -> None:
    application.add_handler(TypeHandler(Update, log_update), group=LOGGING)
    chats.register(application, group=TRACKING)
    topics.register_dataless(application)  # first for buttons: a press without data
    start.register(application)
    language.register(application)
    topics.register(application)
    timeline.register(application)
    subscriptions.register(application)
    announce.register(application)
    admin.register(application)
    feedback.register(application)
    inline.register(application)
    questions.register(application)  # last for messages: any text and unknown commands
    topics.register_expired(application)  # last for buttons: data nothing above took
    application.add_error_handler(errors.error_handler)


QUESTION_FLUSH_SECONDS = 5


async def flush_questions_job(context: Context) -> None:
    await app_services(context.application).flush_questions()


def start_background(application: App) -> None:
    """At start: digest schedules from the database, interrupted broadcasts, the question log."""
    subscriptions.schedule_all(application)
    announce.resume_broadcasts(application)
    if app_services(application).settings.mode != "console":
        admin.install_reload_signal(application)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            flush_questions_job, QUESTION_FLUSH_SECONDS, name="flush-questions"
        )


async def stop_background(application: App) -> None:
    await announce.stop_broadcasts(application)
    await app_services(application).flush_questions()
