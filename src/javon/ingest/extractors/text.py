"""Plain text: find the encoding (UTF-8 with or without BOM, UTF-16, CP1251, KOI8-R, CP866,
or whatever charset-normalizer says for other scripts), strip the BOM and cut the text into
pages of about 3,000 characters at paragraph boundaries, so a search hit knows its page."""

from __future__ import annotations

import codecs
import re
from typing import ClassVar

from javon.ingest.extractors.base import Extracted, ExtractionError, PathLike, reading

MAX_TEXT_BYTES = 200 * 1024 * 1024
PAGE_CHARS = 3000
DETECT_SAMPLE = 256 * 1024

# Legacy Cyrillic code pages, tried against each other by letter case (see _cyrillic_score).
CYRILLIC_CODECS = ("cp1251", "koi8_r", "cp866", "mac_cyrillic")
_NAMES = {"cp1251": "cp1251", "koi8_r": "koi8-r", "cp866": "cp866", "mac_cyrillic": "mac-cyrillic"}


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data``, as a Python codec name (``utf-8-sig`` when a BOM is there)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:DETECT_SAMPLE]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(data) > len(sample):  # a character cut by the sample window
            try:
                data.decode("utf-8")
                return "utf-8"
            except UnicodeDecodeError:
                pass
    if not any(b >= 0x80 for b in sample):
        return "ascii"
    cyrillic = _best_cyrillic(sample)
    if cyrillic:
        return cyrillic
    return _charset_normalizer(sample) or "cp1252"


_WORD = re.compile(r"\w+")


def _cyrillic_score(text: str) -> float:
    """How Russian/Uzbek-like a decoding looks: the share of non-ASCII characters that are
    Cyrillic letters standing in all-Cyrillic words, times the share of those in lower case.
    Text decoded with the wrong one of CP1251/KOI8-R comes out almost all upper case (the two
    tables swap cases); CP866 read as CP1251 comes out as punctuation; Latin-1 French or
    German read as CP1251 gives lone Cyrillic letters inside Latin words. So the right code
    page wins clearly."""
    non_ascii = sum(1 for c in text if ord(c) >= 0x80)
    if not non_ascii:
        return 0.0
    letters = lower = 0
    for word in _WORD.findall(text):
        if all("\u0400" <= c <= "\u04ff" for c in word):
            letters += len(word)
            lower += sum(1 for c in word if c.islower())
    if not letters:
        return 0.0
    return (letters / non_ascii) * (lower / letters)


def _best_cyrillic(sample: bytes) -> str | None:
    scores = {codec: _cyrillic_score(sample.decode(codec, "replace")) for codec in CYRILLIC_CODECS}
    codec, score = max(scores.items(), key=lambda kv: kv[1])
    return _NAMES[codec] if score >= 0.5 else None


def _charset_normalizer(sample: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best is not None else None


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) with the BOM stripped and newlines made ``\\n``."""
    encoding = detect_encoding(data)
    text = data.decode(encoding, "replace")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    name = {"utf-8-sig": "utf-8"}.get(encoding, encoding)
    return text, name


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def paginate(text: str, size: int = PAGE_CHARS) -> list[str]:
    """Cut ``text`` into pages of about ``size`` characters, at blank lines where possible,
    else at line ends, else at spaces. Always at least one page; never an empty one unless
    the text is empty."""
    text = text.strip("\n")
    if len(text) <= size:
        return [text]
    pages: list[str] = []
    current: list[str] = []
    length = 0
    for paragraph in _pieces(text, size):
        if length and length + len(paragraph) > size:
            pages.append("\n\n".join(current))
            current, length = [], 0
        current.append(paragraph)
        length += len(paragraph) + 2
    if current:
        pages.append("\n\n".join(current))
    return pages


def _pieces(text: str, size: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = paragraph.strip("\n")
        if not paragraph.strip():
            continue
        if len(paragraph) <= size:
            pieces.append(paragraph)
            continue
        pieces.extend(_split_long(paragraph, size))
    return pieces


def _split_long(paragraph: str, size: int) -> list[str]:
    out: list[str] = []
    while len(paragraph) > size:
        cut = paragraph.rfind("\n", size // 2, size)
        if cut < 0:
            cut = paragraph.rfind(" ", size // 2, size)
        if cut < 0:
            cut = size
        out.append(paragraph[:cut].rstrip())
        paragraph = paragraph[cut:].lstrip()
    if paragraph:
        out.append(paragraph)
    return out


def read_capped(path: PathLike, label: str, limit: int = MAX_TEXT_BYTES) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ExtractionError(f"refused this {label} file: it is over {limit // 2**20} MB of text")
    return data


class TextExtractor:
    mime_types: ClassVar[tuple[str, ...]] = ("text/plain", "text/markdown", "text/csv")
    label: ClassVar[str] = "text"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label):
            text, encoding = decode(read_capped(path, self.label))
            return Extracted(pages=paginate(text), encoding=encoding)
