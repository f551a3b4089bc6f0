"""Starting the bot in the configured mode: console, polling or webhook."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.app import build_application, start_application, stop_application
from bot.commands import BUILTIN_NAMES
from bot.config import Settings, configure_logging
from bot.report import load_knowledge_base
from bot.storage import Storage
from bot.webhook import make_server

log = logging.getLogger(__name__)


def open_storage(settings: Settings) -> Storage:
    settings.database_path.parent.mkdir(parents=True, exist_ok=True)
    return Storage(settings.database_path)


def run(settings: Settings | None = None) -> int:
    settings = settings or Settings.from_env()
    if settings.mode == "console" and "LOG_LEVEL" not in os.environ:
        # The terminal is the chat: only problems go to stderr.
        settings = replace(settings, log_level="WARNING")
    configure_logging(settings)
    kb = load_knowledge_base(settings.data_dir, BUILTIN_NAMES)
    if settings.mode == "console":
        from bot.console import run_console

        return asyncio.run(run_console(settings, kb, sys.stdin, sys.stdout))
    storage = open_storage(settings)
    application = build_application(settings, kb, storage)
    # `python -m bot add` finds the running bot here to make it reload (SIGHUP).
    pid_file = pid_path(settings)
    pid_file.write_text(str(os.getpid()), encoding="utf-8")
    try:
        if settings.mode == "webhook":
            asyncio.run(serve_webhook(application, settings))
            return 0
        log.info("starting in polling mode")
        # run_polling stops on SIGINT/SIGTERM: no new updates, in-flight handlers finish,
        # post_stop ends broadcasts after their current message, post_shutdown closes the DB.
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
        return 0
    finally:
        pid_file.unlink(missing_ok=True)


def pid_path(settings: Settings) -> Path:
    return settings.database_path.parent / "bot.pid"


async def start_webhook(
    application: Application[Any, Any, Any, Any, Any, Any], settings: Settings
) -> HTTPServer:
    """Initialise and start the Application, register the webhook, open the HTTP server."""
    assert settings.webhook_url and settings.webhook_secret
    server = make_server(application, settings.webhook_url, settings.webhook_secret)
    await start_application(application)
    await application.bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=Update.ALL_TYPES,
    )
    server.listen(settings.port, address=settings.webhook_listen)
    log.info("webhook server listening on %s:%s", settings.webhook_listen, settings.port)
    return server


async def stop_webhook(
    application: Application[Any, Any, Any, Any, Any, Any], server: HTTPServer
) -> None:
    """Stop taking updates, let the ones in flight finish, then close everything."""
    server.stop()
    await stop_application(application)


async def serve_webhook(
    application: Application[Any, Any, Any, Any, Any, Any], settings: Settings
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = await start_webhook(application, settings)
    await stop.wait()
    log.info("stopping: no new updates; finishing what is in flight")
    await stop_webhook(application, server)
