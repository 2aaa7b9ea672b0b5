"""Tell a file's type from its bytes, never from its name.

Signatures first (PDF, images, audio, video, DjVu), then zip containers told apart by what
they hold (EPUB's ``mimetype``, DOCX's ``word/document.xml``, ODF's ``mimetype``), then HTML
and plain text, then libmagic for the rest.
"""

from __future__ import annotations

import re
import zipfile

from javon.ingest.extractors.base import PathLike

HEAD = 64 * 1024
OCTET = "application/octet-stream"

EPUB = "application/epub+zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"

_HTML = re.compile(rb"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|title[\s>]|meta\s|p[\s>]|div[\s>])", re.I)
_XHTML_ROOT = re.compile(rb"<html[\s>]", re.I)


def sniff_mime(path: PathLike) -> str:
    """The MIME type of the file at ``path``, judged from its content."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    if not head:
        return OCTET
    return _signature(head) or _zip(path, head) or _markup(head) or _text(head) or _libmagic(head) or OCTET


def _signature(head: bytes) -> str | None:
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"AT&TFORM") and head[12:16] in (b"DJVU", b"DJVM", b"DJVI"):
        return "image/vnd.djvu"
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WAVE": "audio/x-wav", b"WEBP": "image/webp", b"AVI ": "video/x-msvideo"}.get(head[8:12])
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"OggS"):
        first_page = head[:512]
        if b"\x80theora" in first_page:
            return "video/ogg"
        return "audio/ogg"
    if head.startswith(b"ID3") or _mpeg_frame(head):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "):
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        if brand.startswith(b"3g"):
            return "video/3gpp"
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska or WebM
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"  # old .doc/.xls; libmagic can be more precise
    if head.startswith(b"\x1f\x8b"):
        return "application/gzip"
    return None


def _mpeg_frame(head: bytes) -> bool:
    """An MPEG audio frame header at the very start (files without an ID3 tag)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0x3
    layer = (head[1] >> 1) & 0x3
    bitrate = head[2] >> 4
    rate = (head[2] >> 2) & 0x3
    return version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3


def _zip(path: PathLike, head: bytes) -> str | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    # The EPUB and ODF rule: an uncompressed "mimetype" member first, its bytes at offset 38.
    if head[30:38] == b"mimetype":
        declared = head[38 : 38 + 80].split(b"PK", 1)[0].strip()
        if declared == EPUB.encode():
            return EPUB
        if declared.startswith(b"application/vnd.oasis.opendocument."):
            return declared.decode("ascii", "replace")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    declared = archive.read(info).strip()
                    if declared == EPUB.encode():
                        return EPUB
                    if declared.startswith(b"application/vnd.oasis.opendocument."):
                        return declared.decode("ascii", "replace")
            if "META-INF/container.xml" in names and any(n.endswith(".opf") for n in names):
                return EPUB
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
                if "ppt/presentation.xml" in names:
                    return PPTX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        pass
    return "application/zip"


def _markup(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"\xff\xfe") or text.startswith(b"\xfe\xff"):
        try:
            text = head.decode("utf-16", "ignore").encode("utf-8").lstrip(b"\xef\xbb\xbf").lstrip()
        except UnicodeError:
            return None
    start = text[:1024]
    if start.startswith(b"<?xml"):
        if _XHTML_ROOT.search(text[:4096]):
            return "text/html"
        return "application/xml"
    if start.startswith(b"<") and _HTML.search(start):
        return "text/html"
    if _HTML.match(start):
        return "text/html"
    return None


def _text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text/plain"  # UTF-16 with a byte-order mark
    if b"\x00" in head:
        return None
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1A, 0x1B))
    if controls > len(head) // 100:
        return None
    # UTF-8 or any single-byte encoding (CP1251, KOI8-R, ...) with few control characters.
    return "text/plain"


def _libmagic(head: bytes) -> str | None:
    try:
        import magic
    except ImportError:  # pragma: no cover - python-magic or libmagic missing
        return None
    try:
        found = magic.from_buffer(head, mime=True)
    except Exception:  # libmagic is optional help; any failure means "don't know"
        return None
    return found if isinstance(found, str) and "/" in found else None
