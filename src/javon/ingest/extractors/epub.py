"""EPUB 2 and 3, read with zipfile and lxml through the safe helpers: OPF metadata, one text
per spine item in reading order, and the cover image as thumbnail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from javon.ingest.extractors.base import Extracted, ExtractionError, PathLike, reading
from javon.ingest.extractors.html import first_year, local_name, parse_html, visible_text
from javon.ingest.extractors.image import thumbnail_from_bytes
from javon.ingest.extractors.safe import SafeZip, clean, parse_xml

CONTAINER = "META-INF/container.xml"
NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
MAX_CHAPTER = 16 * 1024 * 1024
MAX_COVER = 32 * 1024 * 1024
XHTML_TYPES = ("application/xhtml+xml", "text/html", "application/x-dtbook+xml")


@dataclass
class Package:
    opf_path: str
    metadata: Extracted
    spine: list[str]  # archive names in reading order
    cover: str | None


def _text(element: object) -> str | None:
    return clean("".join(element.itertext())) if element is not None else None  # type: ignore[attr-defined]


def read_package(archive: SafeZip) -> Package:
    container = parse_xml(archive.read(CONTAINER, 1024 * 1024), "EPUB", CONTAINER)
    rootfile = container.find(".//c:rootfile", NS)
    opf_path = rootfile.get("full-path") if rootfile is not None else None
    if not opf_path:
        raise ExtractionError("not a valid EPUB: META-INF/container.xml names no package document")
    opf_path = archive.resolve("", opf_path)
    opf = parse_xml(archive.read(opf_path, 8 * 1024 * 1024), "EPUB", opf_path)
    meta = opf.find("opf:metadata", NS)
    if meta is None:
        meta = opf.find(".//opf:metadata", NS)
    if meta is None:
        raise ExtractionError(f"not a valid EPUB: {opf_path} has no <metadata>")

    def all_of(tag: str) -> list[str]:
        return [v for v in (_text(e) for e in meta.iterfind(f".//dc:{tag}", NS)) if v]

    titles = all_of("title")
    languages = all_of("language")
    descriptions = all_of("description")
    dates = all_of("date")
    description = descriptions[0] if descriptions else None
    if description and "<" in description:  # often escaped HTML
        description = clean(visible_text(parse_html(description)))
    metadata = Extracted(
        pages=[],
        title=titles[0] if titles else None,
        creators=list(dict.fromkeys(all_of("creator"))),
        language=languages[0] if languages else None,
        year=first_year(dates[0]) if dates else None,
        subjects=list(dict.fromkeys(all_of("subject"))),
        description=description,
    )

    manifest: dict[str, tuple[str, str, str]] = {}
    for item in opf.iterfind(".//opf:manifest/opf:item", NS):
        item_id, href = item.get("id"), item.get("href")
        if item_id and href:
            manifest[item_id] = (
                archive.resolve(opf_path, href),
                (item.get("media-type") or "").lower(),
                item.get("properties") or "",
            )
    spine = [
        manifest[ref][0]
        for ref in (i.get("idref") for i in opf.iterfind(".//opf:spine/opf:itemref", NS))
        if ref in manifest and manifest[ref][1] in XHTML_TYPES
    ]
    return Package(opf_path, metadata, spine, _cover(opf, manifest))


def _cover(opf: object, manifest: dict[str, tuple[str, str, str]]) -> str | None:
    images = {k: v for k, v in manifest.items() if v[1].startswith("image/")}
    for href, _, properties in images.values():
        if "cover-image" in properties.split():
            return href
    for element in opf.iterfind(".//opf:metadata/opf:meta", NS):  # type: ignore[attr-defined]
        if element.get("name") == "cover" and element.get("content") in images:
            return images[element.get("content")][0]
    for item_id, (href, _, _) in images.items():
        if "cover" in item_id.lower() or "cover" in href.lower():
            return href
    return None


def chapter_text(data: bytes, name: str) -> str:
    root = parse_xml(data, "EPUB", name, recover=True)
    body = next((e for e in root.iter() if local_name(e) == "body"), root)
    return visible_text(body)


class EpubExtractor:
    mime_types: ClassVar[tuple[str, ...]] = ("application/epub+zip",)
    label: ClassVar[str] = "EPUB"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label), SafeZip(path, self.label) as archive:
            package = read_package(archive)
            pages = []
            for name in package.spine:
                pages.append(chapter_text(archive.read(name, MAX_CHAPTER), name) if archive.has(name) else "")
            result = package.metadata
            result.pages = pages
            result.page_count = len(pages)
            return result

    def thumbnail(self, path: PathLike, width: int) -> bytes | None:
        with reading(self.label), SafeZip(path, self.label) as archive:
            cover = read_package(archive).cover
            if not cover or not archive.has(cover):
                return None
            return thumbnail_from_bytes(archive.read(cover, MAX_COVER), width, "EPUB cover image")
