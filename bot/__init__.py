"""Telegram bot answering questions about the 2023 Guangzhou Taiwan-affairs report.

`bot` is the application core (report model, search, rendering, storage) and the wiring of the
python-telegram-bot Application; the Telegram handlers live in the sibling package `handlers`.
"""

__version__ = "0.1.0"
