"""Word-processor documents: DOCX through python-docx (body text in order, tables included,
core properties), ODT through zipfile and lxml (content.xml and meta.xml). Both zips are
checked for bombs before any part is inflated."""

from __future__ import annotations

from typing import Any, ClassVar

from lxml import etree

from javon.ingest.extractors.base import Extracted, PathLike, reading
from javon.ingest.extractors.html import first_year, split_list, tidy
from javon.ingest.extractors.safe import SafeZip, clean, parse_xml, split_names
from javon.ingest.extractors.text import paginate


class DocxExtractor:
    mime_types: ClassVar[tuple[str, ...]] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)
    label: ClassVar[str] = "DOCX"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label):
            with SafeZip(path, self.label) as archive:  # refuse bombs before python-docx inflates anything
                archive.read("word/document.xml")
            import docx
            from docx.table import Table

            document = docx.Document(str(path))
            blocks: list[str] = []
            for block in document.iter_inner_content():
                if isinstance(block, Table):
                    for row in block.rows:
                        cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
                        blocks.append(" | ".join(c for c in cells if c))
                else:
                    blocks.append(block.text)
            text = tidy("\n\n".join(b for b in blocks if b.strip()))
            props = document.core_properties
            created = props.created
            return Extracted(
                pages=paginate(text),
                title=clean(props.title),
                creators=split_names(props.author),
                language=clean(props.language),
                year=created.year if created is not None and created.year > 1000 else None,
                subjects=split_list(props.keywords),
                description=clean(props.comments) or clean(props.subject),
            )


ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_T = "{" + ODF["text"] + "}"
PARAGRAPHS = (_T + "p", _T + "h")


def _odf_text(element: Any) -> str:
    parts: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == _T + "s":
            parts.append(" " * int(child.get(_T + "c", "1") or 1))
        elif tag == _T + "tab":
            parts.append("\t")
        elif tag == _T + "line-break":
            parts.append("\n")
        elif tag in (_T + "note", _T + "annotation"):
            pass
        else:
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def odt_text(content: etree._Element) -> str:
    body = content.find("office:body/office:text", ODF)
    if body is None:
        return ""
    blocks = [_odf_text(p) for p in body.iter(*PARAGRAPHS)]
    return tidy("\n\n".join(b for b in blocks if b.strip()))


class OdtExtractor:
    mime_types: ClassVar[tuple[str, ...]] = ("application/vnd.oasis.opendocument.text",)
    label: ClassVar[str] = "ODT"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label), SafeZip(path, self.label) as archive:
            content = parse_xml(archive.read("content.xml"), self.label, "content.xml")
            result = Extracted(pages=paginate(odt_text(content)))
            if archive.has("meta.xml"):
                meta = parse_xml(archive.read("meta.xml", 4 * 1024 * 1024), self.label, "meta.xml")

                def first(path: str) -> str | None:
                    element = meta.find(f"office:meta/{path}", ODF)
                    return clean("".join(element.itertext())) if element is not None else None

                result.title = first("dc:title")
                result.creators = split_names(first("meta:initial-creator") or first("dc:creator"))
                result.language = first("dc:language")
                result.year = first_year(first("meta:creation-date") or first("dc:date"))
                keywords = [clean("".join(k.itertext())) for k in meta.iterfind("office:meta/meta:keyword", ODF)]
                result.subjects = [k for k in keywords if k]
                result.description = first("dc:description") or first("dc:subject")
            return result
