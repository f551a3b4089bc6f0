"""Webhook mode: a small tornado server in front of the Application.

Telegram POSTs updates to `WEBHOOK_URL`'s path; each request must carry the secret we gave
Telegram in `X-Telegram-Bot-Api-Secret-Token`, anything else is refused with 403. `GET /healthz`
answers 200 while the Application runs, for the reverse proxy and Docker's HEALTHCHECK.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import urlparse

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20


class UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application[Any, Any, Any, Any, Any, Any], secret: str) -> None:
        self.bot_app = bot_app
        self.secret = secret

    def check_xsrf_cookie(self) -> None:  # Telegram sends no cookies
        return

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request with a wrong secret from %s", self.request.remote_ip)
            self.set_status(HTTPStatus.FORBIDDEN)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.bot_app.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        await self.bot_app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.bot_app = bot_app

    def get(self) -> None:
        running = self.bot_app.running
        self.set_status(HTTPStatus.OK if running else HTTPStatus.SERVICE_UNAVAILABLE)
        self.write({"status": "ok" if running else "stopped"})


def webhook_path(webhook_url: str) -> str:
    return urlparse(webhook_url).path or "/"


def make_server(
    application: Application[Any, Any, Any, Any, Any, Any], webhook_url: str, secret: str
) -> HTTPServer:
    routes: list[Any] = [
        (r"/healthz", HealthHandler, {"bot_app": application}),
        (
            re.escape(webhook_path(webhook_url)),
            UpdateHandler,
            {"bot_app": application, "secret": secret},
        ),
    ]
    return HTTPServer(tornado.web.Application(routes), max_body_size=MAX_BODY)
