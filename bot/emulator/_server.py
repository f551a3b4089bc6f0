"""The HTTP side: tornado handlers on 127.0.0.1, request decoding, and routing each call to its
method (with faults, latency and recording applied on the way)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
from collections.abc import Callable
from typing import Any, Self

import httpx
import tornado.web
from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPServerRequest
from tornado.netutil import bind_sockets

from bot.emulator._faults import FaultsMixin
from bot.emulator._recording import RecorderMixin
from bot.emulator._records import ApiError, Call, CallResult, JSONDict, UploadedFile
from bot.emulator._updates import UpdatesMixin

# Form fields that are always plain strings.  PTB sends str values verbatim and JSON-encodes
# everything else, so a text of "123" must not be decoded into an int.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "caption_parse_mode",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "next_offset",
        "offset_str",
        "url",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "name",
        "title",
        "language_code",
        "action",
        "emoji",
        "query",
        "switch_pm_text",
        "switch_pm_parameter",
        "business_connection_id",
        "message_effect_id",
        "custom_emoji_id",
        "file_id",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "question",
        "explanation",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "payload",
        "currency",
        "provider_token",
        "start_parameter",
        "custom_title",
        "invite_link",
        "certificate",
    }
)


def _decode_field(name: str, raw: str) -> Any:
    if name in STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_request_params(request: HTTPServerRequest) -> JSONDict:
    """Decode query string, urlencoded/multipart form (JSON-encoded values) or a JSON body."""
    params: JSONDict = {}
    for key, values in request.query_arguments.items():
        params[key] = _decode_field(key, values[-1].decode("utf-8", "replace"))
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        if request.body.strip():
            data = json.loads(request.body)
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            params.update(data)
        return params
    for key, values in request.body_arguments.items():
        params[key] = _decode_field(key, values[-1].decode("utf-8", "replace"))
    for key, files in request.files.items():
        upload = files[-1]
        params[key] = UploadedFile(upload.filename, upload.body, upload.content_type)
    return params


class _ApiHandler(tornado.web.RequestHandler):
    emulator: ServerMixin

    def initialize(self, emulator: ServerMixin) -> None:
        self.emulator = emulator

    def check_xsrf_cookie(self) -> None:
        return None

    async def get(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def _handle(self, token: str, method: str) -> None:
        try:
            params = parse_request_params(self.request)
        except ValueError as exc:
            status, body = 400, ApiError(400, f"Bad Request: can't parse JSON: {exc}").body()
        else:
            status, body = await self.emulator.dispatch(token, method, params)
        self._reply(status, body)

    def _reply(self, status: int, body: JSONDict) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))


class _FileHandler(tornado.web.RequestHandler):
    emulator: ServerMixin

    def initialize(self, emulator: ServerMixin) -> None:
        self.emulator = emulator

    def get(self, token: str, path: str) -> None:
        content = self.emulator.file_content_by_path(path)
        if content is None:
            self.set_status(404)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(ApiError(404, "Not Found").body()))
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(content)


class _NotFoundHandler(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(ApiError(404, "Not Found").body()))


Handler = Callable[[JSONDict], Any]


class ServerMixin(FaultsMixin, RecorderMixin, UpdatesMixin):
    """Serves the Bot API over HTTP and dispatches each call to the handler in ``_methods``."""

    _port: int  # set by BotApiEmulator; 0 picks a free port

    def __init__(self) -> None:
        super().__init__()
        self._server: HTTPServer | None = None
        self.port: int | None = None
        self.tokens_seen: set[str] = set()
        self.last_token: str | None = None
        self._methods: dict[str, tuple[str, Handler]] = {}
        """Lower-cased method name -> (canonical name, handler); filled by BotApiEmulator."""

    async def start(self) -> Self:
        if self._server is not None:
            return self
        self._closing = False
        app = tornado.web.Application(
            [
                (r"/bot([^/]*)/([^/]*)", _ApiHandler, {"emulator": self}),
                (r"/file/bot([^/]*)/(.+)", _FileHandler, {"emulator": self}),
            ],
            default_handler_class=_NotFoundHandler,
            log_function=lambda _handler: None,
        )
        server = HTTPServer(app)
        sockets = bind_sockets(self._port, "127.0.0.1")
        server.add_sockets(sockets)
        self._server = server
        self.port = int(sockets[0].getsockname()[1])
        self._http = httpx.AsyncClient(timeout=10.0)
        return self

    async def stop(self) -> None:
        self._closing = True
        self._updates_signal.fire()
        self._calls_signal.fire()
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``; PTB appends the
        token, then ``/<method>``."""
        return f"http://127.0.0.1:{self._require_port()}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._require_port()}/file/bot"

    def _require_port(self) -> int:
        if self.port is None:
            raise RuntimeError("BotApiEmulator is not started")
        return self.port

    async def dispatch(self, token: str, method: str, params: JSONDict) -> tuple[int, JSONDict]:
        """Handle one API call (also usable without HTTP)."""
        self.tokens_seen.add(token)
        self.last_token = token
        entry = self._methods.get(method.lower())
        name = entry[0] if entry else method
        try:
            if self.require_token is not None and token != self.require_token:
                raise ApiError(401, "Unauthorized")
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            delay = self.method_delays.get(name, self.delay)
            if delay > 0:
                await asyncio.sleep(delay)
            self._check_faults(name, params)
            result = entry[1](params)
            if inspect.isawaitable(result):
                result = await result
            status, body = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, body = exc.error_code, exc.body()
        except Exception as exc:
            self.internal_errors.append(exc)
            status = 500
            body = ApiError(500, f"Internal Server Error: emulator bug: {exc!r}").body()
        self.calls.append(Call(name, params))
        self.results.append(CallResult(status, body))
        self.method_counts[name] += 1
        self._calls_signal.fire()
        return status, body
