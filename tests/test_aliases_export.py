"""`python -m bot aliases export`: learned aliases go into the reports' YAML, validated."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.aliases import export_aliases
from bot.cli import main
from bot.config import DEFAULT_DATA_DIR
from bot.report import load_knowledge_base
from bot.search import ReportIndex, learned_key
from bot.storage import LearnedAlias, Storage

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def alias(question: str, item_id: str) -> LearnedAlias:
    return LearnedAlias(learned_key(question), question, item_id, 777, NOW)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    for part in ("reports", "source"):
        shutil.copytree(DEFAULT_DATA_DIR / part, folder / part)
    shutil.copy(DEFAULT_DATA_DIR / "lexicon.yaml", folder / "lexicon.yaml")
    return folder


def item_aliases(data_dir: Path, item_id: str) -> dict[str, list[str]]:
    kb = load_knowledge_base(data_dir)
    item = kb.items[item_id]
    return {"zh": list(item.aliases_zh), "en": list(item.aliases_en)}


def test_export_appends_to_each_items_aliases_and_keeps_the_rest(data_dir: Path) -> None:
    path = data_dir / "reports" / "gz2023.yaml"
    before = path.read_text(encoding="utf-8")
    result = export_aliases(
        data_dir,
        [
            alias("台湾生意人学习班在哪报名", "integration-02"),
            alias("seminars for Taiwanese bosses", "integration-02"),
            alias("宋涛来广州", "visits-02"),  # already an alias of visits-02
            alias("旧问题", "gone-01"),
        ],
    )
    assert result.written == {path: 2} and result.already == 1 and result.unknown == ["gone-01"]
    learned = item_aliases(data_dir, "integration-02")
    assert learned["zh"][-1] == "台湾生意人学习班在哪报名"
    assert learned["en"][-1] == "seminars for Taiwanese bosses"
    after = path.read_text(encoding="utf-8")
    assert after.count("\n") == before.count("\n")  # two list lines changed, nothing else
    assert after.startswith(before.split("\n")[0])  # the comment header is kept
    # The exported alias now answers through the index built from the data alone.
    index = ReportIndex(load_knowledge_base(data_dir))
    assert index.search("台湾生意人学习班在哪报名").hits[0].item.id == "integration-02"


def test_an_item_without_aliases_gets_a_block(data_dir: Path) -> None:
    path = data_dir / "reports" / "gz2023.yaml"
    text = path.read_text(encoding="utf-8")
    block = "    aliases:\n      zh: ["
    start = text.index("  - id: visits-01")
    cut_from = text.index(block, start)
    cut_to = text.index("\n", text.index("\n      en: [", cut_from) + 1)
    path.write_text(text[:cut_from] + text[cut_to:], encoding="utf-8")
    assert item_aliases(data_dir, "visits-01") == {"zh": [], "en": []}
    export_aliases(data_dir, [alias("梁振英采访", "visits-01")])
    assert item_aliases(data_dir, "visits-01")["zh"] == ["梁振英采访"]


def test_cli_export_reads_the_database(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = tmp_path / "bot.sqlite3"
    with Storage(database) as storage:
        storage.learn_alias(
            learned_key("台湾生意人学习班"), "台湾生意人学习班", "integration-02", 777
        )
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    assert main(["aliases", "list", "--database", str(database)]) == 0
    assert "integration-02\t台湾生意人学习班" in capsys.readouterr().out
    assert main(["aliases", "export", "--database", str(database)]) == 0
    assert "1 added" in capsys.readouterr().out
    assert "台湾生意人学习班" in item_aliases(data_dir, "integration-02")["zh"]
