"""HTML and XHTML: visible text without scripts and styles, plus <title>, <html lang> and the
usual meta tags (author, description, keywords, Dublin Core, citation_*). Also the text
walker the EPUB extractor uses for its chapters."""

from __future__ import annotations

import re
from typing import ClassVar

import lxml.html
from lxml import etree

from javon.ingest.extractors.base import Extracted, ExtractionError, PathLike, reading
from javon.ingest.extractors.safe import clean
from javon.ingest.extractors.text import decode, paginate, read_capped

MAX_HTML_BYTES = 50 * 1024 * 1024

SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "math", "object", "iframe"})
BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "tr", "ul", "td", "th", "caption", "body", "tbody", "thead",
    }
)  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions, unresolved entities
    return tag.rsplit("}", 1)[-1].lower()


def visible_text(root: etree._Element) -> str:
    """The readable text under ``root``: blocks on their own lines, paragraphs apart."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        name = local_name(element)
        if name in SKIP:
            return
        block = name in BLOCK
        if block:
            parts.append("\n\n" if name in ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section") else "\n")
        if name and element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return tidy("".join(parts))


_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n\s*")


def tidy(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep at most one blank line between paragraphs."""
    text = _SPACES.sub(" ", text.replace("\r", ""))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip()


def first_year(value: str | None) -> int | None:
    if not value:
        return None
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def split_list(value: str | None) -> list[str]:
    if not value:
        return []
    return [item for item in (clean(part) for part in re.split(r"[;,]", value)) if item]


def _decode_html(data: bytes) -> str:
    match = _META_CHARSET.search(data[:4096])
    if match and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = match.group(1).decode("ascii", "replace")
        try:
            return data.decode(name, "replace")
        except LookupError:
            pass
    return decode(data)[0]


def parse_html(text: str, label: str = "HTML") -> etree._Element:
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str input with an encoding declaration
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(text or "<html></html>", parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractionError(f"not a valid {label} file: {exc}") from exc
    return root


class HtmlExtractor:
    mime_types: ClassVar[tuple[str, ...]] = ("text/html", "application/xhtml+xml")
    label: ClassVar[str] = "HTML"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label):
            root = parse_html(_decode_html(read_capped(path, self.label, MAX_HTML_BYTES)))
            meta: dict[str, str] = {}
            for element in root.iter("meta"):
                key = (element.get("name") or element.get("property") or "").strip().lower()
                content = element.get("content")
                if key and content and key not in meta:
                    meta[key] = content
            title_el = root.find(".//title")
            title = clean(title_el.text_content() if title_el is not None else None)
            title = title or clean(meta.get("dc.title") or meta.get("citation_title") or meta.get("og:title"))
            creators: list[str] = []
            for element in root.iter("meta"):
                key = (element.get("name") or "").strip().lower()
                if key in ("author", "dc.creator", "citation_author", "dcterms.creator"):
                    value = clean(element.get("content"))
                    if value and value not in creators:
                        creators.append(value)
            language = clean(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"))
            language = language or clean(meta.get("dc.language") or meta.get("content-language"))
            year = first_year(
                meta.get("dc.date")
                or meta.get("citation_publication_date")
                or meta.get("citation_date")
                or meta.get("article:published_time")
                or meta.get("dcterms.issued")
            )
            subjects = split_list(meta.get("keywords")) or split_list(meta.get("dc.subject"))
            description = clean(meta.get("description") or meta.get("dc.description") or meta.get("og:description"))
            body = root.find("body")
            text = visible_text(body if body is not None else root)
            return Extracted(
                pages=paginate(text),
                title=title,
                creators=creators,
                language=language,
                year=year,
                subjects=subjects,
                description=description,
            )
