"""Real files made from plain text — PDF, EPUB 3, DOCX, ODT — for the demo library, tests and
benchmarks. Pure Python, no Django.

The PDF writer lays text out itself on a reportlab canvas (greedy line filling with cached
word widths) because platypus is several times slower on whole novels. The text is set in
DejaVu Serif, embedded and subset, so Cyrillic and Uzbek letters (oʻ gʻ ʼ ў қ ғ ҳ) come out
right and the text layer extracts back exactly. Output is deterministic: the same text and
metadata give the same bytes, so stored copies deduplicate.
"""

from __future__ import annotations

import html
import io
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)
REGULAR, BOLD = "JavonSerif", "JavonSerif-Bold"

PAGE_W, PAGE_H = 419.53, 595.28  # A5 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 46.0, 52.0, 56.0
FONT_SIZE, LEADING = 10.5, 14.0
HEADING_SIZE, HEADING_LEADING = 13.0, 18.0
VERSE_MEAN, VERSE_MAX = 52, 80  # a paragraph of lines this short keeps its line breaks (poetry, plays)

_HEADING = re.compile(
    r"^(chapter|stave|book|part|act|scene|section|глава|часть|книга|действие|явление|bob|qism|kitob|fasl)\b"
    r"|^[IVXLCDM]+\.?$|^\d{1,3}\.?$|^[IVXLCDM]+\.\s+\S",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------- text shape


@dataclass
class Block:
    kind: str  # "heading", "verse" or "prose"
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines) if self.kind == "prose" else "\n".join(self.lines)


def is_heading(lines: list[str]) -> bool:
    if len(lines) != 1:
        return False
    line = lines[0].strip()
    if not line or len(line) > 70:
        return False
    if _HEADING.match(line):
        return True
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and len(line.split()) <= 8


def _verse(lines: list[str]) -> bool:
    lengths = [len(line) for line in lines]
    return max(lengths) <= VERSE_MAX and sum(lengths) / len(lengths) <= VERSE_MEAN


def blocks(text: str) -> list[Block]:
    """Paragraphs (blank-line separated) classified as heading, verse or prose."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[Block] = []
    for raw in re.split(r"\n[ \t]*\n", text):
        lines = [line.strip() for line in raw.split("\n") if line.strip()]
        if not lines:
            continue
        if is_heading(lines):
            out.append(Block("heading", lines))
        elif len(lines) > 1 and _verse(lines):
            out.append(Block("verse", lines))
        else:
            out.append(Block("prose", [" ".join(lines)]))
    return out


# ---------------------------------------------------------------------------- PDF


def _font_file(name: str) -> str:
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return str(path)
    raise RuntimeError(
        f"font {name} not found in {', '.join(FONT_DIRS)}; install the DejaVu fonts (Debian: fonts-dejavu-core)"
    )


@cache
def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(REGULAR, _font_file("DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, _font_file("DejaVuSerif-Bold.ttf")))


class _Measure:
    """Word widths, cached: most of the time of laying out a novel is measuring words."""

    def __init__(self, font: str, size: float) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self._width = stringWidth
        self.font, self.size = font, size
        self.cache: dict[str, float] = {}
        self.space = stringWidth(" ", font, size)

    def __call__(self, word: str) -> float:
        width = self.cache.get(word)
        if width is None:
            width = self.cache[word] = self._width(word, self.font, self.size)
        return width


def wrap(text: str, measure: _Measure, width: float) -> Iterator[str]:
    """Greedy line filling; a word wider than the line is cut."""
    line: list[str] = []
    used = 0.0
    for word in text.split():
        w = measure(word)
        if w > width:  # a very long token (URL, run of symbols): cut it
            if line:
                yield " ".join(line)
                line, used = [], 0.0
            piece = ""
            for char in word:
                if measure(piece + char) > width and piece:
                    yield piece
                    piece = ""
                piece += char
            line, used = [piece], measure(piece)
            continue
        extra = w + (measure.space if line else 0.0)
        if line and used + extra > width:
            yield " ".join(line)
            line, used = [word], w
        else:
            line.append(word)
            used += extra
    if line:
        yield " ".join(line)


def text_to_pdf(text: str, *, title: str, author: str, language: str = "en", max_pages: int | None = None) -> bytes:
    """An A5 PDF with a title page and the text in wrapped paragraphs, a real text layer,
    and Title/Author/Creator and /Lang embedded. ``max_pages`` counts the title page."""
    from reportlab import rl_config

    was = rl_config.useA85
    rl_config.useA85 = 0  # binary streams: ASCII85 in pure Python was a third of the time
    try:
        return _layout_pdf(text, title=title, author=author, language=language, max_pages=max_pages)
    finally:
        rl_config.useA85 = was


def _layout_pdf(text: str, *, title: str, author: str, language: str, max_pages: int | None) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=True, lang=language, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject("")
    canvas.setCreator("Javon")
    body, heading = _Measure(REGULAR, FONT_SIZE), _Measure(BOLD, HEADING_SIZE)
    line_width = PAGE_W - 2 * MARGIN_X
    top, bottom = PAGE_H - MARGIN_TOP, MARGIN_BOTTOM

    # Title page
    big = _Measure(BOLD, 18)
    y = PAGE_H * 0.62
    for line in wrap(title, big, line_width):
        canvas.setFont(BOLD, 18)
        canvas.drawCentredString(PAGE_W / 2, y, line)
        y -= 24
    canvas.setFont(REGULAR, 12)
    for line in wrap(author, _Measure(REGULAR, 12), line_width):
        y -= 8
        canvas.drawCentredString(PAGE_W / 2, y, line)
        y -= 16
    pages = 1
    if max_pages is not None and pages >= max_pages:
        canvas.save()
        return out.getvalue()
    canvas.showPage()

    page_text = canvas.beginText(MARGIN_X, top)
    y = top
    page_has_text = False

    def new_page() -> bool:
        nonlocal page_text, y, pages, page_has_text
        canvas.drawText(page_text)
        pages += 1
        if max_pages is not None and pages >= max_pages:
            return False
        canvas.showPage()
        page_text = canvas.beginText(MARGIN_X, top)
        y = top
        page_has_text = False
        return True

    for block in blocks(text):
        if block.kind == "heading":
            measure, size, leading = heading, HEADING_SIZE, HEADING_LEADING
            lines = list(wrap(block.lines[0], measure, line_width))
            keep_with_next = leading * (len(lines) + 3)  # a heading never ends a page
            if page_has_text and y - keep_with_next < bottom and not new_page():
                break
            font = BOLD
        else:
            measure, size, leading, font = body, FONT_SIZE, LEADING, REGULAR
            if block.kind == "verse":
                lines = [piece for line in block.lines for piece in wrap(line, measure, line_width)]
            else:
                lines = list(wrap(block.lines[0], measure, line_width))
        if page_has_text:
            y -= leading * 0.5
        page_text.setTextOrigin(MARGIN_X, y)
        page_text.setFont(font, size, leading)
        stop = False
        for line in lines:
            if y - leading < bottom and page_has_text:
                if not new_page():
                    stop = True
                    break
                page_text.setFont(font, size, leading)
            page_text.textLine(line)
            y -= leading
            page_has_text = True
        if stop:
            break
    else:
        canvas.drawText(page_text)
        pages += 1
    canvas.save()
    return out.getvalue()


# ---------------------------------------------------------------------------- chapters


def chapters(text: str, every: int = 40) -> list[tuple[str, list[Block]]]:
    """(title, blocks) per chapter: split at headings when there are at least two, else
    every ``every`` paragraphs."""
    parts = blocks(text)
    headings = [i for i, b in enumerate(parts) if b.kind == "heading"]
    out: list[tuple[str, list[Block]]] = []
    if len(headings) >= 2:
        if headings[0] > 0:
            out.append(("—", parts[: headings[0]]))
        pending: list[Block] = []  # headings with nothing under them ("ACT I" before "SCENE I") join the next
        for start, end in zip(headings, [*headings[1:], len(parts)], strict=True):
            pending.extend(parts[start:end])
            if end - start > 1 or end == len(parts):
                out.append((pending[0].lines[0], pending))
                pending = []
    else:
        for n, start in enumerate(range(0, max(len(parts), 1), every), start=1):
            out.append((str(n), parts[start : start + every]))
    return out


# ---------------------------------------------------------------------------- EPUB

FIXED_DATE = (2000, 1, 1, 0, 0, 0)


def _zip_add(archive: zipfile.ZipFile, name: str, data: str | bytes, *, store: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = zipfile.ZIP_STORED if store else zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def _xhtml(title: str, language: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'xml:lang="{language}" lang="{language}">\n<head><meta charset="utf-8"/>'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _block_html(block: Block) -> str:
    if block.kind == "heading":
        return f"<h2>{html.escape(block.lines[0])}</h2>"
    if block.kind == "verse":
        return "<p>" + "<br/>".join(html.escape(line) for line in block.lines) + "</p>"
    return f"<p>{html.escape(block.lines[0])}</p>"


def text_to_epub(text: str, *, title: str, author: str, language: str = "en", identifier: str | None = None) -> bytes:
    """An EPUB 3 (with an EPUB 2 NCX for old readers): a title page, chapters split at
    headings or every 40 paragraphs, a nav document and Dublin Core metadata."""
    identifier = identifier or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'javon:{title}:{author}')}"
    parts = chapters(text)
    esc = html.escape
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        _zip_add(archive, "mimetype", "application/epub+zip", store=True)
        _zip_add(
            archive,
            "META-INF/container.xml",
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>\n",
        )
        title_page = f'<section epub:type="titlepage"><h1>{esc(title)}</h1><p>{esc(author)}</p></section>'
        _zip_add(archive, "OEBPS/title.xhtml", _xhtml(title, language, title_page))
        names = []
        for n, (heading, chapter_blocks) in enumerate(parts, start=1):
            name = f"chapter-{n:03d}.xhtml"
            names.append((name, heading))
            body = "\n".join(_block_html(b) for b in chapter_blocks)
            _zip_add(archive, f"OEBPS/{name}", _xhtml(heading, language, f"<section>\n{body}\n</section>"))
        nav_items = "\n".join(f'<li><a href="{name}">{esc(heading)}</a></li>' for name, heading in names)
        nav = f'<nav epub:type="toc" id="toc"><h1>{esc(title)}</h1><ol>\n{nav_items}\n</ol></nav>'
        _zip_add(archive, "OEBPS/nav.xhtml", _xhtml(title, language, nav))
        points = "\n".join(
            f'<navPoint id="p{n}" playOrder="{n}"><navLabel><text>{esc(heading)}</text></navLabel>'
            f'<content src="{name}"/></navPoint>'
            for n, (name, heading) in enumerate(names, start=1)
        )
        _zip_add(
            archive,
            "OEBPS/toc.ncx",
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
            f'<head><meta name="dtb:uid" content="{esc(identifier)}"/></head>'
            f"<docTitle><text>{esc(title)}</text></docTitle><navMap>\n{points}\n</navMap></ncx>\n",
        )
        items = "\n".join(
            f'<item id="c{n}" href="{name}" media-type="application/xhtml+xml"/>'
            for n, (name, _) in enumerate(names, start=1)
        )
        spine = "\n".join(f'<itemref idref="c{n}"/>' for n in range(1, len(names) + 1))
        _zip_add(
            archive,
            "OEBPS/content.opf",
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" '
            f'xml:lang="{esc(language)}">\n'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            f'<dc:identifier id="uid">{esc(identifier)}</dc:identifier>\n'
            f"<dc:title>{esc(title)}</dc:title>\n<dc:creator>{esc(author)}</dc:creator>\n"
            f"<dc:language>{esc(language)}</dc:language>\n"
            '<meta property="dcterms:modified">2000-01-01T00:00:00Z</meta>\n</metadata>\n'
            "<manifest>\n"
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>\n'
            '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>\n'
            '<item id="title" href="title.xhtml" media-type="application/xhtml+xml"/>\n'
            f"{items}\n</manifest>\n"
            f'<spine toc="ncx">\n<itemref idref="title"/>\n{spine}\n</spine>\n</package>\n',
        )
    return out.getvalue()


# ---------------------------------------------------------------------------- DOCX, ODT


def text_to_docx(text: str, *, title: str, author: str) -> bytes:
    """A DOCX with headings and paragraphs (verse keeps its line breaks) and core properties."""
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title, props.author = title, author
    props.created = props.modified = datetime(2000, 1, 1)  # noqa: DTZ001 - OOXML stores naive UTC
    props.last_modified_by = "Javon"
    document.add_heading(title, level=0)
    for block in blocks(text):
        if block.kind == "heading":
            document.add_heading(block.lines[0], level=1)
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def text_to_odt(text: str, *, title: str, author: str) -> bytes:
    """An ODT with headings, paragraphs (verse keeps its line breaks) and meta.xml."""
    from odf import dc, meta, teletype
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=title))
    document.meta.addElement(dc.Creator(text=author))
    document.meta.addElement(meta.InitialCreator(text=author))
    heading = H(outlinelevel=1)
    teletype.addTextToElement(heading, title)
    document.text.addElement(heading)
    for block in blocks(text):
        element = H(outlinelevel=2) if block.kind == "heading" else P()
        teletype.addTextToElement(element, block.text)
        document.text.addElement(element)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
