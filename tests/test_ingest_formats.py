"""Ingest from .txt, .docx, .html and .pdf: the same report gives the same items, verbatim.

The fixtures are generated here from a fictional report (tests/ingest_samples.py): python-docx
writes the .docx, the HTML page is a handwritten string full of navigation, scripts and share
bars, and reportlab writes the PDF with its built-in CJK font (STSong-Light), so no font file
has to be fetched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands import BUILTIN_NAMES
from bot.ingest import (
    Block,
    Document,
    IngestError,
    ParsedReport,
    Position,
    parse_blocks,
    parse_file,
    parse_source,
    read_source,
    source_text,
)
from bot.ingest.read_html import read_html_text
from bot.ingest.read_pdf import join_paragraphs, pdf_lines
from bot.report import validate_data
from tests.ingest_samples import (
    PDF_HEADER,
    SAMPLE_TXT,
    SAMPLE_VARIANTS,
    write_docx,
    write_html,
    write_pdf,
)

WRITERS = {
    "txt": lambda path, text: path.write_text(text, encoding="utf-8") and path,
    "docx": write_docx,
    "html": write_html,
    "pdf": write_pdf,
}
FORMATS = list(WRITERS)


def sample(tmp_path: Path, fmt: str, text: str = SAMPLE_TXT, name: str = "sz2024") -> Path:
    path = tmp_path / f"{name}.{fmt}"
    WRITERS[fmt](path, text)
    return path


def shape(parsed: ParsedReport) -> list[tuple]:
    """Everything the structure holds, positions aside."""
    found: list[tuple] = [("title", parsed.title), ("intro", parsed.intro)]
    for topic in parsed.topics:
        found.append(("topic", topic.number, topic.title))
        found.extend(("item", i["number"], i["text"]) for i in topic.items)
        for highlight in topic.highlights:
            found.append(("highlight", highlight.number, highlight.title))
            found.extend(("item", i["number"], i["text"]) for i in highlight.items)
    return found


@pytest.fixture(scope="module")
def reference() -> ParsedReport:
    return parse_source(SAMPLE_TXT, "sz2024.txt")


def test_the_sample_has_every_item(reference: ParsedReport) -> None:
    numbered = [line for line in SAMPLE_TXT.splitlines() if re.match(r"\d{1,3}\.", line)]
    assert len(reference.items()) == len(numbered) == 10
    assert [t.number for t in reference.topics] == [1, 2, 3]
    assert [h.title for h in reference.topics[2].highlights] == ["深台青年交流", "经贸合作"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ingests_to_the_same_report_verbatim(
    tmp_path: Path, fmt: str, reference: ParsedReport
) -> None:
    parsed = parse_file(sample(tmp_path, fmt))
    # Same title, intro, headings and items, in the same order, none lost, none added.
    assert shape(parsed) == shape(reference)
    # Every item is verbatim in the text the validator checks it against.
    text = source_text(sample(tmp_path, fmt))
    for item in parsed.items():
        assert item["text"] in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_the_same_enriched_yaml(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    (data / "source").mkdir(parents=True)
    source = sample(data / "source", fmt)
    output = data / "reports" / "sz2024.yaml"
    assert main(["ingest", str(source), "-o", str(output)]) == 0
    assert "10 items" in capsys.readouterr().out
    kb, errors = validate_data(data, BUILTIN_NAMES)
    assert [str(e) for e in errors] == []
    assert kb is not None
    reference_dir = tmp_path / "ref"
    (reference_dir / "source").mkdir(parents=True)
    reference = sample(reference_dir / "source", "txt")
    main(["ingest", str(reference), "-o", str(reference_dir / "reports" / "sz2024.yaml")])
    strip_source = [line for line in output.read_text(encoding="utf-8").splitlines()]
    expected = (reference_dir / "reports" / "sz2024.yaml").read_text(encoding="utf-8")
    assert [line for line in strip_source if "source:" not in line] == [
        line for line in expected.splitlines() if "source:" not in line
    ]


def test_positions_per_format(tmp_path: Path) -> None:
    blocks = {fmt: read_source(sample(tmp_path, fmt)).blocks for fmt in FORMATS}
    assert blocks["txt"][2].position == Position("line", 3)
    assert {b.position.kind for b in blocks["docx"]} == {"paragraph"}
    # The empty paragraph after the intro still counts.
    assert blocks["docx"][2].position == Position("paragraph", 4)
    assert {b.position.kind for b in blocks["html"]} == {"line"}
    assert {b.position.kind for b in blocks["pdf"]} == {"page"}
    assert blocks["pdf"][-1].position.number == 2


# --------------------------------------------------------------------------- what is left out


def test_docx_tables_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    document = read_source(sample(tmp_path, "docx"))
    assert any("table 1" in str(w) for w in document.warnings)


def test_docx_automatic_numbering_is_read_as_typed_numbers(
    tmp_path: Path, reference: ParsedReport
) -> None:
    """Items numbered by Word's list style (no number in their text) ingest the same."""
    import docx

    document = docx.Document()
    for line in SAMPLE_TXT.splitlines():
        match = re.match(r"\d{1,3}\.(.*)", line)
        if match:
            document.add_paragraph(match[1], style="List Number")
        elif line:
            document.add_paragraph(line)
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    assert shape(parse_file(path)) == shape(reference)


def test_docx_lines_of_one_paragraph_are_blocks_of_their_own(tmp_path: Path) -> None:
    """Items typed one per line with Shift+Enter in one paragraph are not merged."""
    import docx

    document = docx.Document()
    document.add_paragraph("2024年某市工作总结")
    document.add_paragraph("引言。")
    document.add_paragraph("专题一：甲\n1.第一条。\n2.第二条。")
    path = tmp_path / "lines.docx"
    document.save(str(path))
    read = read_source(path)
    assert read.blocks[-1].position == Position("paragraph", 3, 3)
    assert str(read.blocks[-1].position) == "paragraph 3 line 3"
    assert parse_file(path).item_texts() == ["第一条。", "第二条。"]


@pytest.mark.parametrize(
    ("number", "fmt", "shown"),
    [
        (3, "decimal", "3"),
        (3, "chineseCounting", "三"),
        (12, "chineseCountingThousand", "十二"),
        (21, "taiwaneseCounting", "二十一"),
        (2, "ideographTraditional", "乙"),
        (2, "decimalEnclosedCircle", "②"),
    ],
)
def test_docx_number_formats(number: int, fmt: str, shown: str) -> None:
    from bot.ingest.read_docx import _format

    assert _format(number, fmt) == shown


def test_html_drops_navigation_scripts_footer_and_share_bars(tmp_path: Path) -> None:
    document = read_source(sample(tmp_path, "html"))
    text = document.text()
    for noise in (
        "首页",
        "当前位置",
        "分享到",
        "打印",
        "版权所有",
        "专题九",
        "footer script",
        "另一篇文章",
        "_hmt",
        "color: red",
    ):
        assert noise not in text, noise
    # The metadata line inside the article body is dropped with a warning naming its line.
    warnings = [str(w) for w in document.warnings]
    assert any("发布时间" in w and ".html:" in w for w in warnings)


def test_html_without_a_known_content_container_uses_the_paragraph_rich_element() -> None:
    page = """<html><body><header><h1 class="logo">某市台办</h1></header>
    <div id="menu"><p>1.菜单</p></div>
    <div class="x"><h1>2024年某市工作总结</h1><p>引言。</p><p>专题一：甲</p>
    <p>1.第一条，<b>加粗</b>部分<br>2.第二条</p></div>
    <div class="footer">页脚</div></body></html>"""
    parsed = parse_blocks(read_html_text(page, "page.html"))
    assert parsed.title == "2024年某市工作总结"
    assert parsed.item_texts() == ["第一条，加粗部分", "第二条"]


def test_pdf_drops_page_numbers_and_running_headers(tmp_path: Path) -> None:
    document = read_source(sample(tmp_path, "pdf"))
    assert PDF_HEADER not in document.text()
    assert "- 1 -" not in document.text()
    warnings = [str(w) for w in document.warnings]
    assert any("page number" in w and ":page 2" in w for w in warnings)
    assert any("running header" in w for w in warnings)


def test_pdf_lines_are_joined_back_into_paragraphs() -> None:
    full = "很长" * 10  # every full line below is 22 characters wide ("1." counts as one)
    pages = [
        f"页眉\n标题\n引言{full}\n第二行。\n专题一：甲\n"
        f"1.第一条{full[:18]}\n长{full[:16]}，English\nwords here。\n3\n",
        f"页眉\n2.第二条{full[:17]}。\n接着第二条\n3.第三条。\n4\n",
    ]
    lines, warnings = pdf_lines(pages, "x.pdf")
    texts = [b.text for b in join_paragraphs(lines)]
    assert texts == [
        "标题",
        f"引言{full}第二行。",
        "专题一：甲",
        f"1.第一条{full[:18]}长{full[:16]}，English words here。",
        # A full line ending a sentence goes on when the next line is no new item.
        f"2.第二条{full[:17]}。接着第二条",
        "3.第三条。",
    ]
    assert len(warnings) == 4  # two headers, two page numbers


def test_a_pdf_without_text_layer_is_an_error(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(10, 10, 100, 100)
    pdf.showPage()
    pdf.save()
    with pytest.raises(IngestError, match="no text layer"):
        read_source(path)


# --------------------------------------------------------------------------- heading variants


def test_traditional_report_with_other_heading_variants(tmp_path: Path) -> None:
    for fmt in FORMATS:
        parsed = parse_file(sample(tmp_path, fmt, SAMPLE_VARIANTS, name=f"variants_{fmt}"))
        assert [t.title for t in parsed.topics] == ["各級領導關心深圳對臺工作", "重點工作"]
        assert [h.title for h in parsed.topics[1].highlights] == ["深臺青年交流", "經貿合作"]
        assert [len(h.items) for h in parsed.topics[1].highlights] == [1, 2]
        assert parsed.topics[0].items[1]["text"] == "中秋前後，深圳市副市長陳麗華走訪慰問臺資企業。"


def blocks(*texts: str) -> Document:
    return Document(
        "v.docx",
        [Block(text, Position("paragraph", n)) for n, text in enumerate(texts, start=1)],
    )


@pytest.mark.parametrize(
    ("topic", "highlight", "item"),
    [
        ("专题一：", "亮点一：", "1."),
        ("專題一：", "亮點一：", "1．"),
        ("一、", "（一）", "1、"),
        ("一、", "(一)", "（1）"),
        ("第一部分 ", "亮点一 ", "(1)"),
        ("一、", "1.", "（1）"),
        ("专题一：", "（一）", "①"),
    ],
)
def test_heading_and_numbering_variants(topic: str, highlight: str, item: str) -> None:
    second = item.replace("1", "2").replace("①", "②")
    parsed = parse_blocks(
        blocks(
            "标题", "引言。", f"{topic}甲", f"{highlight}乙", f"{item}第一条。", f"{second}第二条。"
        )
    )
    assert [t.title for t in parsed.topics] == ["甲"]
    assert [h.title for h in parsed.topics[0].highlights] == ["乙"]
    assert parsed.item_texts() == ["第一条。", "第二条。"]


def test_topics_and_items_without_highlights() -> None:
    parsed = parse_blocks(blocks("标题", "引言。", "一、甲", "1.a", "2.b", "二、乙", "1.c"))
    assert [[i["text"] for i in t.items] for t in parsed.topics] == [["a", "b"], ["c"]]


def test_a_heading_level_too_many_is_an_error_with_its_position() -> None:
    with pytest.raises(IngestError) as info:
        parse_blocks(blocks("标题", "引言。", "一、甲", "（一）乙", "1.丙", "（1）丁", "①戊"))
    # 一、 topics, （一） highlights, ① items (as many as any other): 1. and （1） are too many.
    assert str(info.value).startswith("v.docx:paragraph 5:")
    assert "level too many" in str(info.value)
    assert "1.丙" in str(info.value)


def test_an_unplaceable_paragraph_is_an_error_with_its_paragraph_number() -> None:
    with pytest.raises(IngestError) as info:
        parse_blocks(
            blocks("标题", "引言。", "专题一：甲", "1.第一条", "这一段不是条目", "2.第二条")
        )
    assert str(info.value).startswith("v.docx:paragraph 5:")
    assert "这一段不是条目" in str(info.value)


def test_an_unplaceable_pdf_line_names_its_page(tmp_path: Path) -> None:
    text = SAMPLE_TXT.replace("专题二：荣誉与获奖", "专题二：荣誉与获奖\n这一段不是条目也不是标题")
    with pytest.raises(IngestError) as info:
        parse_file(sample(tmp_path, "pdf", text))
    assert ":page 1 line" in str(info.value)
    assert "这一段不是条目" in str(info.value)


def test_an_unplaceable_html_paragraph_names_its_line(tmp_path: Path) -> None:
    text = SAMPLE_TXT.replace("专题二：荣誉与获奖", "专题二：荣誉与获奖\n这一段不是条目也不是标题")
    with pytest.raises(IngestError) as info:
        parse_file(sample(tmp_path, "html", text))
    assert ".html:" in str(info.value)
    line = int(str(info.value).split(".html:")[1].split(":")[0])
    page = (tmp_path / "sz2024.html").read_text(encoding="utf-8").splitlines()
    assert "这一段不是条目" in page[line - 1]


def test_a_multi_paragraph_intro_is_joined_with_a_warning_except_in_txt() -> None:
    parsed = parse_blocks(blocks("标题", "引言一。", "引言二。", "专题一：甲", "1.a"))
    assert parsed.intro == "引言一。\n引言二。"
    assert any("intro has 2 paragraphs" in str(w) for w in parsed.warnings)
    with pytest.raises(IngestError):
        parse_source("标题\n引言一。\n引言二。\n专题一：甲\n1.a\n")


# --------------------------------------------------------------------------- the CLI


def test_cli_prints_warnings_and_never_clobbers_an_existing_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = sample(tmp_path, "html")
    output = tmp_path / "reports" / "sz2024.yaml"
    assert main(["ingest", str(source), "-o", str(output)]) == 0
    assert "ingest warning:" in capsys.readouterr().err
    output.write_text("# enriched by hand\n", encoding="utf-8")
    assert main(["ingest", str(source), "-o", str(output)]) == 1
    assert "--force" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "# enriched by hand\n"
    assert main(["ingest", str(source), "-o", str(output), "--force"]) == 0
    assert output.read_text(encoding="utf-8") != "# enriched by hand\n"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_damaged_file_is_an_ingest_error(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / f"broken.{fmt}"
    source.write_bytes(b"not really a document")
    assert main(["ingest", str(source), "-o", str(tmp_path / "out.yaml")]) == 1
    assert f"cannot read this .{fmt} file" in capsys.readouterr().err


def test_cli_rejects_an_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "report.rtf"
    source.write_text("x", encoding="utf-8")
    assert main(["ingest", str(source), "-o", str(tmp_path / "out.yaml")]) == 1
    assert "unsupported format .rtf" in capsys.readouterr().err
