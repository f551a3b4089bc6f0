"""A small fictional report (深圳, 2024) and writers for it in every format ingest reads.

Nothing here comes from the Guangzhou report: the names, figures and events are made up, so the
ingest and enrichment tests cannot pass by knowing the real data.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from bot.ingest.markers import classify

SAMPLE_TXT = "\n".join(
    (
        "2024年深圳市对台工作成果及亮点",
        "2024年，深圳市台办坚持以服务台胞台企为中心，推动深台经济文化交流合作走深走实"
        "，持续深化深台融合发展，用心用情讲好两岸同胞共建湾区的深圳故事。",
        "专题一：各级领导关心深圳对台工作",
        "1.2024年4月，全国政协副主席王小明在深圳应邀出席两岸企业家峰会并致辞。",
        "2.2024年6月18日，海峡两岸关系协会副会长李建国到前海深港青年梦工场考察。",
        "3.中秋前后，深圳市副市长陈丽华走访慰问台资企业和台胞家庭。",
        "4.2024年9月，市委常委、统战部部长张三出席“深台青年创新创业大赛”颁奖典礼。",
        "专题二：荣誉与获奖",
        "1.市委台办获评全国对台宣传工作先进集体。",
        "2.市委台办选送的纪录片《湾区有我》获第五届海峡两岸短视频大赛一等奖。",
        "专题三：重点工作",
        "亮点一：深台青年交流",
        "1.2024年7月，举办“第三届深台青年夏令营”，来自台湾30余所高校的学生约2"
        "60人参加，活动期间走访了南山区、福田区的科技企业和社区服务中心，学员们表示收获"
        "很大。",
        "2.南山区海峡两岸青年创业基地累计入驻台青创业团队156家，2024年举办创业培"
        "训45场次、参加台青980余人次。",
        "亮点二：经贸合作",
        "1.2024年5月，深圳市台资企业协会举办成立30周年庆典，8家台资企业完成15亿多元的项目签约。",
        "2.年底，在福田区举办深台经贸合作论坛，The China Daily Shen"
        "zhen bureau 等近20家媒体报道，两岸评论家赵一鸣、钱二宝等在论坛发言"
        "，论坛成果在境内外新媒体平台广泛传播并获得台湾工商界人士的积极评价。",
        "",
    )
)

# The same report with other heading variants, in Traditional script: 一、 topics, （一）
# highlights, 1、 items.
SAMPLE_VARIANTS = "\n".join(
    (
        "2024年深圳市對臺工作成果及亮點",
        "2024年，深圳市臺辦堅持以服務臺胞臺企為中心。",
        "一、各級領導關心深圳對臺工作",
        "1、2024年4月，全國政協副主席王小明在深圳應邀出席兩岸企業家峰會並致辭。",
        "2、中秋前後，深圳市副市長陳麗華走訪慰問臺資企業。",
        "二、重點工作",
        "（一）深臺青年交流",
        "1、2024年7月，舉辦“第三屆深臺青年夏令營”。",
        "（二）經貿合作",
        "1、2024年5月，深圳市臺資企業協會舉辦成立30週年慶典。",
        "2、年底，在福田區舉辦深臺經貿合作論壇。",
        "",
    )
)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- .docx


def write_docx(path: Path, text: str = SAMPLE_TXT) -> Path:
    """Headings as Word headings, items as indented body paragraphs, plus an empty paragraph
    and a table (which ingest reports as not read)."""
    import docx

    document = docx.Document()
    for index, line in enumerate(lines(text)):
        marker = classify(line)
        if index == 0:
            document.add_heading(line, level=0)
        elif marker and marker.family.rank <= 3:
            document.add_heading(line, level=1 if marker.family.rank <= 1 else 2)
        else:
            document.add_paragraph("\u3000\u3000" + line)  # full-width indent, as offices type
        if index == 1:
            document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "附表"
    document.save(str(path))
    return path


# --------------------------------------------------------------------------- .html

HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title} - 深圳市人民政府台湾事务办公室</title>
<style>.nav {{ color: red; }} p {{ text-indent: 2em; }}</style>
<script>var _hmt = _hmt || []; document.write("专题九：脚本里的假标题");</script>
</head>
<body>
<header class="site-header"><div class="logo">深圳市台办</div>
  <nav class="main-nav"><ul><li><a href="/">首页</a></li><li><a href="/news">工作动态</a></li>
  <li><a href="/policy">1.惠台政策</a></li></ul></nav></header>
<div class="breadcrumb">当前位置：首页 &gt; 工作动态</div>
<div class="wrapper">
  <div class="article-head"><h1>{title}</h1>
    <div class="info">发布时间：2025-01-10 来源：深圳市台办</div></div>
  <div class="share-bar">分享到：<a>微信</a><a>微博</a></div>
  <div class="content" id="article">
    <p>发布时间：2025-01-10 10:00</p>
{paragraphs}
  </div>
  <div class="print-tools">【打印本页】【关闭窗口】</div>
  <aside class="sidebar"><h3>相关新闻</h3><p>1.另一篇文章的标题</p></aside>
</div>
<footer class="site-footer"><p>版权所有：深圳市台办 粤ICP备12345678号</p></footer>
<script>console.log("2.footer script")</script>
</body>
</html>
"""


def _han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _html_paragraph(line: str) -> str:
    marker = classify(line)
    if marker and marker.family.rank <= 3:
        # The marker in bold, the title after it: inline tags join back into one block.
        head = line[: len(line) - len(marker.rest)]
        return f"    <p><strong>{html.escape(head)}</strong>{html.escape(marker.rest)}</p>"
    if len(line) > 40:
        # A source line break inside the paragraph, between two Chinese characters (a browser
        # shows no space there).
        cut = next(i for i in range(30, len(line)) if _han(line[i - 1]) and _han(line[i]))
        return f"    <p>{html.escape(line[:cut])}\n      {html.escape(line[cut:])}</p>"
    return f"    <p>{html.escape(line)}</p>"


def write_html(path: Path, text: str = SAMPLE_TXT) -> Path:
    title, *body = lines(text)
    page = HTML_PAGE.format(
        title=html.escape(title), paragraphs="\n".join(_html_paragraph(line) for line in body)
    )
    path.write_text(page, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- .pdf

PDF_FONT = "STSong-Light"  # one of reportlab's built-in CJK fonts: no font file needed
PDF_HEADER = "深圳市台办 · 工作简报"


def _wrap(line: str, width: float, font_size: float) -> list[str]:
    """Break a paragraph at the page width as a typesetter would (never inside a Latin word)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    tokens = re.findall(r"[A-Za-z0-9.%]+ ?|.", line)
    result, current = [], ""
    for token in tokens:
        if current and stringWidth(current + token.rstrip(), PDF_FONT, font_size) > width:
            result.append(current)
            current = ""
        current += token
    result.append(current)
    return result


def write_pdf(path: Path, text: str = SAMPLE_TXT) -> Path:
    """A small page, so the text runs over several pages, with a running header and page
    numbers, so lines break inside paragraphs and a paragraph runs over a page break."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    page_width, page_height, margin, size, leading = 420.0, 360.0, 40.0, 11.0, 18.0
    pdf = canvas.Canvas(str(path), pagesize=(page_width, page_height))
    page = 1
    y = page_height - margin - 20

    def new_page() -> None:
        nonlocal page, y
        pdf.setFont(PDF_FONT, 9)
        pdf.drawString(margin, page_height - margin + 10, PDF_HEADER)
        pdf.drawCentredString(page_width / 2, margin - 20, f"- {page} -")
        pdf.setFont(PDF_FONT, size)

    new_page()
    for line in lines(text):
        for piece in _wrap(line, page_width - 2 * margin, size):
            if y < margin:
                pdf.showPage()
                page += 1
                y = page_height - margin - 20
                new_page()
            pdf.drawString(margin, y, piece)
            y -= leading
    pdf.showPage()
    pdf.save()
    return path


def display_width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)
