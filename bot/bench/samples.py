"""What the benchmarks share: the sample questions, the fake token, the chat ids, percentiles.

Kept apart (and free of heavy imports) so the search, whole-bot and broadcast benchmarks and
the child processes they start can all use it without importing one another.
"""

from __future__ import annotations

SAMPLE_QUESTIONS = (
    "宋涛什么时候来广州考察",
    "台青创业基地入驻了多少团队",
    "11月有哪些活动",
    "臺灣大學生去廣州實習的活動是什麼時候",
    "穗台经茂论坛",
    "Taiwan youth internship",
    "深圳台办2023年做了什么",
    "黎建南",
    "广州台湾青年个人所得税优惠",
    "台湾调解员",
)

TOKEN = "123456:benchmark-token-for-the-local-emulator"
ADMIN = 999
FIRST_CHAT = 10_000
USERS = 50  # people asking several questions each, as in real use


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
