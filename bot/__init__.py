"""Telegram bot answering questions about the 2023 Guangzhou Taiwan-affairs report.

`bot` is the application core (report model, search, rendering, storage) and the wiring of the
python-telegram-bot Application; the Telegram handlers live in the sibling package `handlers`.
"""

import os

# Opt in to python-telegram-bot's future behaviour: time periods such as RetryAfter.retry_after
# as timedelta (our code reads both), instead of a deprecation warning on every flood-control hit.
os.environ.setdefault("PTB_TIMEDELTA", "1")

__version__ = "0.1.0"
