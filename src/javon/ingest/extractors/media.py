"""Audio and video through mutagen: duration and the common tags (title, artist, date, genre,
language, comment), plus embedded cover art as thumbnail. WebM/Matroska, which mutagen does
not read, get their duration and title from a small bounded EBML reader."""

from __future__ import annotations

import struct
from typing import Any, ClassVar

from javon.ingest.extractors.base import Extracted, ExtractionError, PathLike, reading
from javon.ingest.extractors.html import first_year
from javon.ingest.extractors.image import thumbnail_from_bytes
from javon.ingest.extractors.safe import clean

AUDIO = (
    "audio/mpeg", "audio/ogg", "audio/flac", "audio/x-flac", "audio/x-wav", "audio/wav", "audio/mp4", "audio/x-m4a",
)  # fmt: skip
VIDEO_MUTAGEN = ("video/mp4", "video/quicktime", "video/3gpp", "video/ogg")
VIDEO_EBML = ("video/webm", "video/x-matroska", "audio/webm")


def _first(tags: Any, *keys: str) -> str | None:
    for key in keys:
        try:
            values = tags.get(key) if tags is not None else None
        except (KeyError, ValueError):
            values = None
        if values:
            value = values[0] if isinstance(values, list) else values
            text = clean(str(value))
            if text:
                return text
    return None


def _all(tags: Any, *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        try:
            values = tags.get(key) if tags is not None else None
        except (KeyError, ValueError):
            values = None
        for value in values or []:
            for part in str(value).replace("\x00", ";").split(";"):
                name = clean(part)
                if name and name not in out:
                    out.append(name)
    return out


def _open(path: PathLike, easy: bool) -> Any:
    import mutagen

    try:
        return mutagen.File(str(path), easy=easy)
    except mutagen.MutagenError as exc:
        raise ExtractionError(f"not a valid audio or video file: {exc}") from exc


class MediaExtractor:
    mime_types: ClassVar[tuple[str, ...]] = AUDIO + VIDEO_MUTAGEN
    label: ClassVar[str] = "audio/video"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label):
            media = _open(path, easy=True)
            if media is None:
                raise ExtractionError("not a valid audio or video file: the format is not recognised")
            tags = media.tags
            length = getattr(media.info, "length", None)
            return Extracted(
                pages=[],
                title=_first(tags, "title"),
                creators=_all(tags, "artist", "author", "composer") or _all(tags, "albumartist"),
                language=_first(tags, "language"),
                year=first_year(_first(tags, "date", "originaldate", "year")),
                subjects=_all(tags, "genre"),
                description=_first(tags, "comment", "description"),
                duration=round(float(length), 3) if length else None,
            )

    def thumbnail(self, path: PathLike, width: int) -> bytes | None:
        with reading(self.label):
            media = _open(path, easy=False)
            art = _cover_art(media) if media is not None else None
            return thumbnail_from_bytes(art, width, "cover image") if art else None


def _cover_art(media: Any) -> bytes | None:
    pictures = getattr(media, "pictures", None)  # FLAC
    if pictures:
        return bytes(pictures[0].data)
    tags = media.tags
    if tags is None:
        return None
    if hasattr(tags, "getall"):  # ID3
        frames = tags.getall("APIC")
        return bytes(frames[0].data) if frames else None
    covers = tags.get("covr") if hasattr(tags, "get") else None  # MP4
    return bytes(covers[0]) if covers else None


# --- WebM / Matroska -------------------------------------------------------------------

SEGMENT, INFO, CLUSTER = 0x18538067, 0x1549A966, 0x1F43B675
TIMECODE_SCALE, DURATION, TITLE = 0x2AD7B1, 0x4489, 0x7BA9
EBML_SCAN = 4 * 1024 * 1024


def _vint(data: bytes, pos: int, keep_marker: bool) -> tuple[int, int]:
    first = data[pos]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8 or pos + length > len(data):
        raise ValueError("bad EBML number")
    value = first if keep_marker else first & (mask - 1)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    return value, pos + length


def ebml_info(data: bytes) -> tuple[float | None, str | None]:
    """(duration in seconds, title) from the Segment Info of a WebM/Matroska head."""
    pos = 0
    _, pos = _vint(data, pos, True)  # EBML header id
    size, pos = _vint(data, pos, False)
    pos += size
    element, pos = _vint(data, pos, True)
    if element != SEGMENT:
        raise ValueError("no Segment")
    _, pos = _vint(data, pos, False)
    while pos < len(data):
        element, pos = _vint(data, pos, True)
        size, pos = _vint(data, pos, False)
        if element == INFO:
            return _info_children(data[pos : pos + size])
        if element == CLUSTER:
            break
        pos += size
    return None, None


def _info_children(data: bytes) -> tuple[float | None, str | None]:
    scale, duration, title = 1_000_000, None, None
    pos = 0
    while pos < len(data):
        element, pos = _vint(data, pos, True)
        size, pos = _vint(data, pos, False)
        value = data[pos : pos + size]
        if element == TIMECODE_SCALE:
            scale = int.from_bytes(value, "big") or scale
        elif element == DURATION and size in (4, 8):
            duration = struct.unpack(">f" if size == 4 else ">d", value)[0]
        elif element == TITLE:
            title = clean(value.decode("utf-8", "replace"))
        pos += size
    seconds = round(duration * scale / 1e9, 3) if duration else None
    return seconds, title


class EbmlExtractor:
    mime_types: ClassVar[tuple[str, ...]] = VIDEO_EBML
    label: ClassVar[str] = "WebM/Matroska"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label), open(path, "rb") as fh:
            head = fh.read(EBML_SCAN)
            if not head.startswith(b"\x1a\x45\xdf\xa3"):
                raise ExtractionError("not a valid WebM/Matroska file: the EBML header is missing")
            try:
                duration, title = ebml_info(head)
            except (ValueError, IndexError, struct.error):
                duration, title = None, None  # a readable file may still keep Info where we do not look
            return Extracted(pages=[], title=title, duration=duration)
