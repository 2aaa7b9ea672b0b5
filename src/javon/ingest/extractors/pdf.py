"""PDF through pypdfium2: text page by page, page count, the document information
dictionary (title, author, subject, keywords, creation date), the catalogue's /Lang, and a
thumbnail of page 1."""

from __future__ import annotations

import ctypes
import re
import threading
from typing import Any, ClassVar

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from javon.ingest.extractors.base import Extracted, ExtractionError, PathLike, reading
from javon.ingest.extractors.html import first_year, split_list
from javon.ingest.extractors.image import MAX_ASPECT, encode_thumbnail
from javon.ingest.extractors.safe import clean, split_names

# PDFium is not thread-safe; one document at a time per process.
_LOCK = threading.RLock()
_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "PDF is encrypted; a password is needed",
    pdfium_c.FPDF_ERR_SECURITY: "PDF uses an unsupported security handler (encryption)",
    pdfium_c.FPDF_ERR_FORMAT: "not a valid PDF: the file is damaged, truncated or not a PDF at all",
    pdfium_c.FPDF_ERR_FILE: "could not open the PDF file",
}
_TRANSLATE = str.maketrans({"\r": None, "\x00": None, "\ufffe": None, "\x02": "-"})


def open_pdf(path: PathLike) -> pdfium.PdfDocument:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        raise ExtractionError(_ERRORS.get(code, f"not a valid PDF: {exc}")) from exc
    if len(pdf) == 0:
        pdf.close()
        raise ExtractionError("not a valid PDF: it has no pages (the file may be truncated)")
    return pdf


def page_text(page: Any) -> str:
    textpage = page.get_textpage()
    try:
        text: str = textpage.get_text_range()
    finally:
        textpage.close()
    return text.translate(_TRANSLATE).strip()


def _language(pdf: pdfium.PdfDocument) -> str | None:
    size = pdfium_c.FPDFCatalog_GetLanguage(pdf, None, 0)
    if size <= 2:
        return None
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFCatalog_GetLanguage(pdf, buffer, size)
    return clean(bytes(buffer)[: size - 2].decode("utf-16-le", "replace"))


def _pdf_year(value: str | None) -> int | None:
    """The year of a PDF date (``D:YYYYMMDDHHmmSS...``), tolerating the common sloppy forms."""
    match = re.match(r"\s*(?:D:)?\s*(\d{4})", value or "")
    year = int(match.group(1)) if match else first_year(value)
    return year if year and 1000 < year < 2200 else None


class PdfExtractor:
    mime_types: ClassVar[tuple[str, ...]] = ("application/pdf",)
    label: ClassVar[str] = "PDF"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label), _LOCK:
            pdf = open_pdf(path)
            try:
                info = pdf.get_metadata_dict(skip_empty=True)
                pages: list[str] = []
                for index in range(len(pdf)):
                    page = pdf[index]
                    try:
                        pages.append(page_text(page))
                    finally:
                        page.close()
                return Extracted(
                    pages=pages,
                    title=clean(info.get("Title")),
                    creators=split_names(info.get("Author")),
                    language=_language(pdf),
                    year=_pdf_year(info.get("CreationDate")),
                    subjects=split_list(info.get("Keywords")),
                    description=clean(info.get("Subject")),
                    page_count=len(pages),
                )
            finally:
                pdf.close()

    def thumbnail(self, path: PathLike, width: int) -> bytes | None:
        with reading(self.label), _LOCK:
            pdf = open_pdf(path)
            try:
                page = pdf[0]
                try:
                    w, h = page.get_size()
                    if w <= 0 or h <= 0:
                        return None
                    scale = min(width / w, MAX_ASPECT * width / h, 10.0)
                    bitmap = page.render(scale=scale)
                    try:
                        image = bitmap.to_pil()
                        return encode_thumbnail(image, width)
                    finally:
                        bitmap.close()
                finally:
                    page.close()
            finally:
                pdf.close()
