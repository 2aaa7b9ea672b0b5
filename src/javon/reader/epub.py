"""EPUB chapters as light, safe HTML.

The EPUB is opened with the same guarded reader that extracted its text (zip-bomb checks,
capped reads, XML without entities or network), so chapter numbers here are the page numbers
of its PageText rows and search hits. A chapter's body is sanitised with nh3 (ammonia): an
allow-list of text tags and attributes; no scripts, styles, event handlers, forms or frames.
Links to other chapters point into the reader; images inside the EPUB are served from it by
the reader (raster formats only: an SVG can carry script); anything that would fetch from
elsewhere (external images, data: URIs) is dropped.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

import nh3
from lxml import etree
from lxml import html as lxml_html

from javon.ingest.extractors.epub import MAX_CHAPTER, NS, read_package
from javon.ingest.extractors.html import local_name
from javon.ingest.extractors.safe import SafeZip, parse_xml

IMAGE_TYPES: Final = {"image/jpeg", "image/png", "image/gif", "image/webp"}
MAX_IMAGE: Final = 16 * 1024 * 1024

TAGS: Final = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "aside", "article", "header", "footer", "nav",
}  # fmt: skip
ATTRIBUTES: Final = {
    "*": {"id", "lang", "title", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
}
URL_SCHEMES: Final = {"http", "https", "mailto"}
ID_PREFIX: Final = "c-"


@dataclass(frozen=True)
class Chapter:
    number: int
    count: int
    html: str


class Links:
    """Turns a chapter's hrefs and image sources into reader URLs (or drops them)."""

    def __init__(
        self,
        chapter_name: str,
        spine: list[str],
        images: set[str],
        chapter_url: Callable[[int], str],
        image_url: Callable[[str], str],
    ) -> None:
        self.chapter_name = chapter_name
        self.chapters = {name: i for i, name in enumerate(spine, start=1)}
        self.images = images
        self.chapter_url = chapter_url
        self.image_url = image_url

    def _resolve(self, href: str) -> str:
        path = unquote(href.split("#", 1)[0])
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.chapter_name), path)).lstrip("/")

    def __call__(self, element: str, attribute: str, value: str) -> str | None:
        value = value.strip()
        if element == "a" and attribute == "href":
            return self.href(value)
        if element == "img" and attribute == "src":
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith("/"):
                return None  # no fetching from anywhere else, and no data: URIs either
            name = self._resolve(value)
            return self.image_url(name) if name in self.images else None
        return value

    def href(self, value: str) -> str | None:
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            return value if parts.scheme.lower() in URL_SCHEMES else None
        fragment = f"#{ID_PREFIX}{parts.fragment}" if parts.fragment else ""
        if not parts.path:
            return fragment or None
        number = self.chapters.get(self._resolve(value))
        return self.chapter_url(number) + fragment if number else None


def _body_html(data: bytes, name: str) -> str:
    root = parse_xml(data, "EPUB", name, recover=True)
    body = next((e for e in root.iter() if isinstance(e.tag, str) and local_name(e) == "body"), root)
    # Namespaced XHTML serialised as-is would keep prefixes; nh3 parses it as HTML, which is
    # what browsers do with the tag names it keeps.
    inner = [etree.tostring(child, encoding="unicode", method="html") for child in body]
    return (body.text or "") + "".join(inner)


def sanitise(markup: str, links: Links) -> str:
    return nh3.clean(
        markup,
        tags=set(TAGS),
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript", "svg", "math", "title"},
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=links,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        id_prefix=ID_PREFIX,
    )


def mark_words(markup: str, spans_of: Callable[[str], list[tuple[int, int]]]) -> str:
    """Wrap the words `spans_of` finds in each text node of (already safe) `markup` in <mark>."""
    fragment = lxml_html.fragment_fromstring(markup or "<p></p>", create_parent="div")

    def marked(text: str, parent: etree._Element, before: etree._Element | None) -> str:
        """Returns the text that stays in place; marks and their tails are inserted after `before`."""
        spans = spans_of(text)
        if not spans:
            return text
        head = text[: spans[0][0]]
        index = 0 if before is None else parent.index(before) + 1
        for i, (start, end) in enumerate(spans):
            mark = etree.Element("mark")
            mark.text = text[start:end]
            mark.tail = text[end : spans[i + 1][0]] if i + 1 < len(spans) else text[end:]
            parent.insert(index + i, mark)
        return head

    for element in list(fragment.iter()):
        if not isinstance(element.tag, str) or element.tag == "mark":
            continue
        if element.text:
            element.text = marked(element.text, element, None)
        if element.tail and element.getparent() is not None:
            element.tail = marked(element.tail, element.getparent(), element)
    inner = [lxml_html.tostring(child, encoding="unicode") for child in fragment]
    return (fragment.text or "") + "".join(inner)


def _images(archive: SafeZip, opf_path: str) -> dict[str, str]:
    """Archive name -> media type of the raster images the EPUB's manifest declares."""
    opf = parse_xml(archive.read(opf_path, 8 * 1024 * 1024), "EPUB", opf_path)
    found = {}
    for item in opf.iterfind(".//opf:manifest/opf:item", NS):
        href, mime = item.get("href"), (item.get("media-type") or "").lower()
        if href and mime in IMAGE_TYPES:
            found[archive.resolve(opf_path, href)] = mime
    return found


def read_image(path: Path, name: str) -> tuple[bytes, str] | None:
    """The bytes and type of image `name` if the manifest declares it as a raster image."""
    with SafeZip(path, "EPUB") as archive:
        mime = _images(archive, read_package(archive).opf_path).get(name)
        if mime is None or not archive.has(name):
            return None
        return archive.read(name, MAX_IMAGE), mime


def chapter(
    path: Path,
    number: int,
    *,
    chapter_url: Callable[[int], str],
    image_url: Callable[[str], str],
    spans_of: Callable[[str], list[tuple[int, int]]] | None = None,
) -> Chapter | None:
    """Chapter `number` (1-based, in spine order) as safe HTML; None if there is no such chapter."""
    with SafeZip(path, "EPUB") as archive:
        package = read_package(archive)
        images = set(_images(archive, package.opf_path))
        if not 1 <= number <= len(package.spine):
            return None
        name = package.spine[number - 1]
        raw = _body_html(archive.read(name, MAX_CHAPTER), name) if archive.has(name) else ""
    links = Links(name, package.spine, images, chapter_url, image_url)
    safe = sanitise(raw, links)
    if spans_of is not None:
        # Marking re-serialises the tree; a second pass keeps the promise of "sanitised last".
        safe = nh3.clean(
            mark_words(safe, spans_of),
            tags=set(TAGS),
            attributes={k: set(v) for k, v in ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel="noopener noreferrer nofollow",
        )
    return Chapter(number, len(package.spine), safe)
