"""Emulator: HTTP, routing, tokens and raw error bodies."""

from __future__ import annotations

import httpx
from telegram import Bot

from bot.emulator import BotApiEmulator
from tests.emulator import TOKEN, USER


async def test_get_me_and_token_recorded(emulator: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "gz_report_bot"
    assert me.is_bot
    assert bot.username == "gz_report_bot"
    assert emulator.last_token == TOKEN
    assert emulator.method_counts["getMe"] >= 1


async def test_raw_http_errors_and_json_body(emulator: BotApiEmulator) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{emulator.port}") as client:
        response = await client.post(f"/bot{TOKEN}/noSuchMethod")
        assert response.status_code == 404
        assert response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
        response = await client.get("/nowhere")
        assert response.status_code == 404
        assert response.json()["ok"] is False
        response = await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": USER})
        assert response.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message text is empty",
        }
        response = await client.post(
            f"/bot{TOKEN}/sendMessage", json={"chat_id": str(USER), "text": 123}
        )
        assert response.json()["result"]["text"] == "123"
        # form fields: text stays a string even if it looks like JSON
        response = await client.post(
            f"/bot{TOKEN}/sendMessage", data={"chat_id": str(USER), "text": "[1, 2]"}
        )
        assert response.json()["result"]["text"] == "[1, 2]"
