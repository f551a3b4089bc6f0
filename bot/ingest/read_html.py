"""Web pages (.html) saved from a government site, through BeautifulSoup's built-in parser.

A saved page is mostly not the report: navigation, the site header and footer, scripts and
styles, share bars, breadcrumbs, "print / close" links. The reader drops those elements, finds
the article body (the usual content containers of government sites, else the element holding
the most paragraph text) and turns each block element of it (p, div, li, h1-h6, br-separated
lines …) into one block, positioned by its line in the HTML file. The title is the page's <h1>
(or its <title>). Metadata lines inside the body (发布时间, 来源, 字号, 分享到, 打印 …) are
dropped with a warning each, so the CLI shows what was left out.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.ingest.model import Block, Document, IngestWarning, Position

NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "input",
    "svg",
    "link",
    "meta",
    "object",
    "embed",
)
NOISE_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|header|head|footer|foot|breadcrumbs?|crumbs?|share|"
    r"bdshare|sharebar|social|sidebar|side|toolbar|tools|print|related|recommend|comments?|"
    r"copyright|ads?|banner|search|login|location|position|pager|pagination|qrcode)(?:[-_\s]|$)",
    re.IGNORECASE,
)
CONTENT_SELECTORS = (
    "#zoom",
    ".TRS_Editor",
    ".trs_editor_view",
    "#UCAP-CONTENT",
    ".article-content",
    ".article_content",
    ".content",
    "#content",
    ".article",
    "article",
    "main",
)
BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "li", "ul", "ol", "blockquote", "pre", "center"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "dd", "dt", "dl"}
    | {"figure", "figcaption"}
)
META_LINE = re.compile(
    r"^[【\[]?\s*(?:发布时间|發佈時間|发布日期|發布日期|来源|來源|作者|编辑|編輯|责任编辑|責任編輯|"
    r"字号|字號|字体|字體|浏览次数|瀏覽次數|点击数|點擊數|阅读数|分享到|分享|打印|列印|关闭|關閉|"
    r"扫一扫|掃一掃|上一篇|下一篇|返回顶部|返回頂部|当前位置|當前位置)"
)
CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》]"
BREAK_BETWEEN_CJK = re.compile(rf"(?<={CJK})\s*\n\s*(?={CJK})")
SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    """Collapse the HTML source's line breaks the way a browser shows the text."""
    text = text.replace("\xa0", " ")
    text = BREAK_BETWEEN_CJK.sub("", text)  # a source line break between Chinese: no space
    return SPACES.sub(" ", text).strip()


def _is_noise(tag: object) -> bool:
    from bs4 import Tag

    if not isinstance(tag, Tag) or tag.attrs is None:
        return False
    names = " ".join([*(tag.get_attribute_list("class") or []), str(tag.get("id") or "")])
    return bool(names.strip()) and bool(NOISE_NAMES.search(names))


def _paragraph_chars(tag: object) -> int:
    from bs4 import Tag

    if not isinstance(tag, Tag):
        return 0
    return sum(len(p.get_text(strip=True)) for p in tag.find_all(["p", "li"], recursive=False))


def read_html_text(html: str, path: str = "<source>") -> Document:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment

    soup = BeautifulSoup(html, "html.parser")
    # The article's <h1>: not the site's logo in the page header or the navigation.
    heading = next(
        (
            h
            for h in soup.find_all("h1")
            if isinstance(h, Tag)
            and _clean(h.get_text())
            and not h.find_parent(["header", "nav", "footer"])
            and not re.search(r"logo", " ".join(h.get_attribute_list("class") or []), re.I)
        ),
        None,
    )
    title: Block | None = None
    if isinstance(heading, Tag):
        title = Block(_clean(heading.get_text()), Position("line", heading.sourceline or 1))
    elif soup.title and soup.title.string:
        text = re.split(r"\s[-|_—]+\s|[|_]", soup.title.string)[0]
        title = Block(_clean(text), Position("line", soup.title.sourceline or 1))

    for tag in soup.find_all(NOISE_TAGS):
        tag.decompose()
    # A class or id that sounds like navigation (menu, share, print …) marks noise, unless the
    # element holds most of the page's text: then it is the article, oddly named.
    total = len((soup.body or soup).get_text(strip=True)) or 1
    for tag in soup.find_all(_is_noise):
        if not isinstance(tag, Tag) or tag.decomposed:
            continue
        if len(tag.get_text(strip=True)) < total / 2:
            tag.decompose()

    body = soup.body or soup
    # The site's own content container when it has one (the longest, if several match);
    # otherwise the element whose own paragraphs hold the most text.
    candidates = [tag for selector in CONTENT_SELECTORS for tag in soup.select(selector)]
    if candidates:
        container = max(candidates, key=lambda tag: len(tag.get_text(strip=True)))
    else:
        containers = [t for t in soup.find_all(["div", "td", "section"]) if isinstance(t, Tag)]
        container = max(containers, key=_paragraph_chars, default=body)
        if _paragraph_chars(container) == 0:
            container = body

    blocks: list[Block] = []
    buffer: list[str] = []
    start: list[int] = []

    def flush() -> None:
        text = _clean("".join(buffer))
        if text:
            blocks.append(Block(text, Position("line", start[0] if start else 1)))
        buffer.clear()
        start.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip() and not start:
                    start.append(node.sourceline or 1)
                buffer.append(str(child))
            elif isinstance(child, Tag):
                if child.name == "br":
                    flush()
                elif child.name in BLOCK_TAGS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)

    walk(container)
    flush()

    warnings: list[IngestWarning] = []
    kept: list[Block] = []
    for block in blocks:
        if META_LINE.match(block.text):
            warnings.append(
                IngestWarning(path, block.position, f"dropped page metadata: {block.text[:40]!r}")
            )
        else:
            kept.append(block)
    if title is not None and (not kept or kept[0].text != title.text):
        kept.insert(0, title)
    return Document(path, kept, warnings)


def read_html(path: Path) -> Document:
    raw = path.read_bytes()
    match = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:4096])
    encoding = match[1].decode("ascii") if match else "utf-8"
    try:
        text = raw.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return read_html_text(text, str(path))
