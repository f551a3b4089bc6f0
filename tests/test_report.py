"""Validation of broken data: every problem names the file, the line and the fix, and a report
with errors is never loaded, not even in part."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands import BUILTIN_NAMES
from bot.config import DEFAULT_DATA_DIR
from bot.report import load_knowledge_base, validate_data
from bot.yamlsource import DataError, DataValidationError

REPORT = "data/reports/gz2023.yaml"
LEXICON = "data/lexicon.yaml"

SECOND_REPORT = """\
schema: 1
report:
  id: gz2024
  title: 第二份报告
  year: 2024
  source: source/2023-guangzhou-taiwan-work-highlights.txt
topics:
- id: extra
  number: 1
  command: {command}
  title: 另一个专题
  description_zh: 另一个专题
  description_en: Another topic
  items:
  - id: {item_id}
    number: 1
    text: 召开全市对台工作会议。
    title: 全市对台工作会议
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the real data folder to break."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def edit(data: Path, old: str, new: str, file: str = "reports/gz2023.yaml") -> int:
    """Replace `old` (which must occur once) by `new`; the 1-based line where `new` starts."""
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def line_of(data: Path, needle: str, file: str = "reports/gz2023.yaml") -> int:
    text = (data / file).read_text(encoding="utf-8")
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


DATE_ANCHOR = "Song Tao inspects the Huilong tech park\n    date: {year: 2023, month: 7}\n"


def edit_date(data: Path, new_date: str) -> int:
    """Give visits-02 another date; the line of the date."""
    new = DATE_ANCHOR.replace("{year: 2023, month: 7}", new_date)
    return edit(data, DATE_ANCHOR, new) + 1


def add_second_report(data: Path, item_id: str = "extra-01", command: str = "extra") -> None:
    (data / "reports" / "gz2024.yaml").write_text(
        SECOND_REPORT.format(item_id=item_id, command=command), encoding="utf-8"
    )


def errors_of(data: Path, reserved: frozenset[str] = BUILTIN_NAMES) -> list[DataError]:
    kb, errors = validate_data(data, reserved)
    assert kb is None, "broken data must not load"
    assert errors
    return errors


def the_error(errors: list[DataError], file: str, line: int, *fix: str) -> DataError:
    """The one error of `errors`; it names `file`:`line` and contains every text of `fix`."""
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    message = str(error)
    assert error.file == file
    assert error.line == line, message
    assert message.startswith(f"{file}:{line}: "), message
    for text in fix:
        assert text in message, message
    return error


# --------------------------------------------------------------------------- the real data


def test_real_data_validates() -> None:
    kb, errors = validate_data(DEFAULT_DATA_DIR, BUILTIN_NAMES)
    assert errors == []
    assert kb is not None
    assert len(kb.items) == 47


def test_copied_data_validates(data: Path) -> None:
    """The baseline of every test below: the copy is clean before it is broken."""
    kb, errors = validate_data(data, BUILTIN_NAMES)
    assert errors == [] and kb is not None


def test_a_valid_second_report_loads_next_to_the_first(data: Path) -> None:
    add_second_report(data)
    kb = load_knowledge_base(data, BUILTIN_NAMES)
    assert [r.id for r in kb.reports] == ["gz2023", "gz2024"]
    assert "extra-01" in kb.items and "extra" in kb.commands


# --------------------------------------------------------------------------- one kind each


def test_yaml_syntax_error(data: Path) -> None:
    line = edit(data, "  - id: visits-02\n    number: 2\n", "  - id: visits-02\n    number: 2: 3\n")
    the_error(errors_of(data), REPORT, line + 1, "YAML syntax error", "check indentation")


def test_duplicate_key(data: Path) -> None:
    line = edit(
        data,
        "    title: 宋涛考察汇龙科技园\n",
        "    title: 宋涛考察汇龙科技园\n    title: 宋涛考察\n",
    )
    the_error(errors_of(data), REPORT, line + 1, "'title' appears twice", "keep one")


def test_unknown_key(data: Path) -> None:
    line = edit(
        data, "    title: 宋涛考察汇龙科技园\n", "    title: 宋涛考察汇龙科技园\n    colour: red\n"
    )
    the_error(errors_of(data), REPORT, line + 1, "unknown key 'colour'", "allowed keys: id")


def test_missing_required_key(data: Path) -> None:
    item_line = line_of(data, "  - id: visits-02\n")
    edit(data, "    title: 宋涛考察汇龙科技园\n", "")
    the_error(errors_of(data), REPORT, item_line, "missing required key 'title'", "add it")


def test_wrong_type(data: Path) -> None:
    line = edit(data, "  - id: visits-02\n    number: 2\n", "  - id: visits-02\n    number: two\n")
    the_error(errors_of(data), REPORT, line + 1, "'number' must be a whole number")


def test_wrong_type_of_a_list(data: Path) -> None:
    line = edit(data, "    organizations: [全国政协]\n", "    organizations: 全国政协\n")
    the_error(errors_of(data), REPORT, line, "'organizations' must be a list of texts")


def test_duplicate_item_id_within_a_file(data: Path) -> None:
    first = line_of(data, "  - id: visits-02\n")
    line = edit(data, "  - id: visits-03\n", "  - id: visits-02\n")
    the_error(
        errors_of(data),
        REPORT,
        line,
        "duplicate item id 'visits-02'",
        f"also in {REPORT}:{first}",
        "give each item its own id",
    )


def test_duplicate_item_id_across_two_reports(data: Path) -> None:
    first = line_of(data, "  - id: visits-02\n")
    add_second_report(data, item_id="visits-02")
    second = "data/reports/gz2024.yaml"
    line = line_of(data, "  - id: visits-02\n", "reports/gz2024.yaml")
    the_error(
        errors_of(data),
        second,
        line,
        "duplicate item id 'visits-02'",
        f"also in {REPORT}:{first}",
        "give each item its own id",
    )


def test_duplicate_command_across_reports(data: Path) -> None:
    first = line_of(data, "  command: visits\n")
    add_second_report(data, command="visits")
    line = line_of(data, "  command: visits\n", "reports/gz2024.yaml")
    the_error(
        errors_of(data),
        "data/reports/gz2024.yaml",
        line,
        "duplicate command '/visits'",
        f"also in {REPORT}:{first}",
        "must be unique",
    )


def test_builtin_command_name_clash(data: Path) -> None:
    line = edit(data, "  command: visits\n", "  command: help\n")
    the_error(errors_of(data), REPORT, line, "'/help' is a built-in command", "choose another")


def test_reserved_commands_come_from_the_caller(data: Path) -> None:
    line = line_of(data, "    command: youth\n")
    the_error(errors_of(data, frozenset({"youth"})), REPORT, line, "'/youth' is a built-in command")


def test_invalid_command_name(data: Path) -> None:
    line = edit(data, "    command: youth\n", "    command: Youth-Topic\n")
    the_error(errors_of(data), REPORT, line, "'Youth-Topic' is invalid", "a-z, 0-9 and _")


def test_bad_month(data: Path) -> None:
    line = edit_date(data, "{year: 2023, month: 13}")
    the_error(errors_of(data), REPORT, line, "month 13 is not a month", "use 1-12")


def test_impossible_day(data: Path) -> None:
    line = edit_date(data, "{year: 2023, month: 2, day: 30}")
    the_error(errors_of(data), REPORT, line, "day 30 does not exist in month 2", "use 1-28")


def test_a_day_without_month(data: Path) -> None:
    line = edit_date(data, "{year: 2023, day: 3}")
    the_error(errors_of(data), REPORT, line, "a day needs a month", "add 'month'")


def test_title_over_20_characters(data: Path) -> None:
    long_title = "宋涛考察汇龙科技园" * 3
    line = edit(data, "    title: 宋涛考察汇龙科技园\n", f"    title: {long_title}\n")
    the_error(errors_of(data), REPORT, line, "title has 27 characters", "keep ≤ 20")


def test_text_not_verbatim_in_the_source(data: Path) -> None:
    line = edit(data, "宋涛到海峡两岸青年就业创业基地", "宋涛到海峡两岸青年创业基地")
    the_error(errors_of(data), REPORT, line, "not found verbatim in the report's source", "copy it")


def test_empty_file(data: Path) -> None:
    (data / "reports" / "gz2023.yaml").write_text("", encoding="utf-8")
    the_error(errors_of(data), REPORT, 1, "the file is empty", "must hold a YAML mapping")


def test_lexicon_error(data: Path) -> None:
    line = edit(
        data, "  台湾同胞: [台胞, 台湾乡亲, 台湾老乡]\n", "  台湾同胞: 台胞\n", "lexicon.yaml"
    )
    the_error(errors_of(data), LEXICON, line, "aliases.台湾同胞", "must be a list of texts")


def test_lexicon_english_names_error(data: Path) -> None:
    line = edit(
        data,
        "  台办: [Taiwan Affairs Office, Taiwan Affairs Offices, TAO]\n",
        "  台办: Taiwan Affairs Office\n",
        "lexicon.yaml",
    )
    the_error(errors_of(data), LEXICON, line, "english.台办", "must be a list of texts")


def test_lexicon_everyday_words_error(data: Path) -> None:
    line = edit(data, "  片子: [纪录片,", "  片子: 纪录片\n  x: [纪录片,", "lexicon.yaml")
    the_error(errors_of(data), LEXICON, line, "everyday.片子", "must be a list of texts")


def test_lexicon_unknown_key(data: Path) -> None:
    line = edit(data, "set_words: [", "set_wrods: [", "lexicon.yaml")
    the_error(errors_of(data), LEXICON, line, "unknown key 'set_wrods'", "allowed keys")


# --------------------------------------------------------------------------- translations

TRANSLATED_REPORT = """\
schema: 1
report:
  id: gz2024
  title: 第二份报告
  year: 2024
  source: source/2023-guangzhou-taiwan-work-highlights.txt
topics:
- id: extra
  number: 1
  command: extra
  title: 另一个专题
  title_en: Another topic
  description_zh: 另一个专题
  description_en: Another topic
  highlights:
  - id: extra_one
    number: 1
    command: extra_one
    title: 一个亮点
{highlight_title_en}    description_zh: 一个亮点
    description_en: One highlight
    items:
    - id: extra-01
      number: 1
      text: 召开全市对台工作会议。
{first_text_en}      title: 全市对台工作会议
    - id: extra-02
      number: 2
      text: 召开“七台”单位协调工作会议。
{second_text_en}      title: 七台单位协调工作会议
"""
SECOND = "data/reports/gz2024.yaml"


def add_translated_report(
    data: Path, highlight: bool = False, first: bool = True, second: bool = False
) -> None:
    """The second report, with the English fields asked for (each `False` leaves one out)."""
    text = TRANSLATED_REPORT.format(
        highlight_title_en="    title_en: One highlight\n" if highlight else "",
        first_text_en="      text_en: A citywide conference on Taiwan work was held.\n"
        if first
        else "",
        second_text_en="      text_en: A coordination meeting of the seven units was held.\n"
        if second
        else "",
    )
    (data / "reports" / "gz2024.yaml").write_text(text, encoding="utf-8")


def test_a_partly_translated_report_names_every_missing_translation(data: Path) -> None:
    """One item with text_en makes text_en required on every item, title_en on every section."""
    add_translated_report(data, highlight=False, first=True, second=False)
    item_line = line_of(data, "    - id: extra-02\n", "reports/gz2024.yaml")
    highlight_line = line_of(data, "  - id: extra_one\n", "reports/gz2024.yaml")
    first_line = line_of(data, "      text_en: A citywide", "reports/gz2024.yaml")
    errors = errors_of(data)
    assert [(e.file, e.line, e.path) for e in errors] == [
        (SECOND, item_line, "topics[0].highlights[0].items[1]"),
        (SECOND, highlight_line, "topics[0].highlights[0]"),
    ], [str(e) for e in errors]
    item_error, highlight_error = (str(e) for e in errors)
    assert item_error.startswith(f"{SECOND}:{item_line}: ")
    assert "missing 'text_en'" in item_error
    assert "add text_en: an English translation of text" in item_error
    assert f"topics[0].highlights[0].items[0].text_en on line {first_line}" in item_error
    assert "missing 'title_en'" in highlight_error
    assert "add title_en: an English translation of title" in highlight_error
    # The broken report is not loaded at all; the clean one next to it does not rescue it.
    with pytest.raises(DataValidationError):
        load_knowledge_base(data, BUILTIN_NAMES)


def test_one_missing_text_en_in_a_translated_report(data: Path) -> None:
    add_translated_report(data, highlight=True, first=False, second=True)
    line = line_of(data, "    - id: extra-01\n", "reports/gz2024.yaml")
    the_error(
        errors_of(data),
        SECOND,
        line,
        "topics[0].highlights[0].items[0]: missing 'text_en'",
        "add text_en: an English translation of text",
    )


def test_a_fully_translated_report_loads(data: Path) -> None:
    add_translated_report(data, highlight=True, first=True, second=True)
    kb = load_knowledge_base(data, BUILTIN_NAMES)
    item = kb.items["extra-02"]
    assert item.text_en == "A coordination meeting of the seven units was held."
    assert kb.sections["extra_one"].title_en == "One highlight"


def test_a_report_without_any_text_en_stays_valid(data: Path) -> None:
    """No translation at all is fine, even with title_en on some sections only."""
    add_translated_report(data, highlight=False, first=False, second=False)
    kb = load_knowledge_base(data, BUILTIN_NAMES)
    assert kb.items["extra-01"].text_en == ""
    assert kb.sections["extra"].title_en == "Another topic"
    assert kb.sections["extra_one"].title_en == ""


def drop_line(data: Path, start: str, file: str = "reports/gz2023.yaml") -> None:
    """Remove the one line that starts with `start`."""
    path = data / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(start)]
    assert len(kept) == len(lines) - 1, start
    path.write_text("".join(kept), encoding="utf-8")


def test_the_real_report_is_translated_throughout() -> None:
    kb = load_knowledge_base(DEFAULT_DATA_DIR, BUILTIN_NAMES)
    assert all(item.text_en for item in kb.all_items())
    assert all(section.title_en for section in kb.sections.values())
    assert kb.reports[0].city_en == "Guangzhou"


def test_one_item_of_the_real_report_loses_its_translation(data: Path) -> None:
    item_line = line_of(data, "  - id: visits-02\n")
    drop_line(data, "    text_en: In July 2023, Song Tao,")
    the_error(
        errors_of(data),
        REPORT,
        item_line,
        "topics[0].items[1]: missing 'text_en'",
        "add text_en: an English translation of text",
    )


def test_one_section_of_the_real_report_loses_its_title_en(data: Path) -> None:
    line = line_of(data, "  - id: youth\n")
    drop_line(data, "    title_en: Supporting Young Taiwanese")
    the_error(
        errors_of(data),
        REPORT,
        line,
        "topics[2].highlights[4]: missing 'title_en'",
        "add title_en: an English translation of title",
    )


def test_the_real_report_without_its_translations_stays_valid(data: Path) -> None:
    path = data / "reports" / "gz2023.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith(("text_en:", "title_en:"))]
    path.write_text("".join(kept), encoding="utf-8")
    kb = load_knowledge_base(data, BUILTIN_NAMES)
    assert all(not item.text_en for item in kb.all_items())
    assert all(not section.title_en for section in kb.sections.values())


# --------------------------------------------------------------------------- all or nothing


def test_a_report_with_errors_is_never_half_loaded(data: Path) -> None:
    add_second_report(data)  # a clean report next to the broken one
    month_line = edit_date(data, "{year: 2023, month: 13}")
    title_line = edit(
        data, "    title: 海协会会长张志军到广州考察\n", "    title: " + "长" * 21 + "\n"
    )
    with pytest.raises(DataValidationError) as info:
        load_knowledge_base(data, BUILTIN_NAMES)
    errors = info.value.errors
    assert {(e.file, e.line) for e in errors} == {(REPORT, month_line), (REPORT, title_line)}
    # The exception's text lists every error.
    assert str(info.value).count(REPORT) == 2
    kb, returned = validate_data(data, BUILTIN_NAMES)
    assert kb is None
    assert returned == errors


def test_a_broken_lexicon_blocks_loading(data: Path) -> None:
    edit(data, "  台湾同胞: [台胞, 台湾乡亲, 台湾老乡]\n", "  台湾同胞: 台胞\n", "lexicon.yaml")
    with pytest.raises(DataValidationError):
        load_knowledge_base(data)


# --------------------------------------------------------------------------- the CLI


def test_cli_validate_prints_the_problems_and_fails(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = edit_date(data, "{year: 2023, month: 13}")
    assert main(["validate", str(data)]) != 0
    out = capsys.readouterr()
    assert f"{REPORT}:{line}: " in out.out
    assert "month 13 is not a month; use 1-12" in out.out
    assert "1 problem" in out.err


def test_cli_validate_passes_on_the_real_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DEFAULT_DATA_DIR)]) == 0
    assert "47 items" in capsys.readouterr().out
