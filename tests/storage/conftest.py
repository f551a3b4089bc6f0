"""An in-memory Storage (``db``) and a path for a file database (``db_path``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Storage


@pytest.fixture
def db() -> Iterator[Storage]:
    with Storage(":memory:") as storage:
        yield storage


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"
