"""Guards against hostile input: zip bombs, XML entity tricks, oversized members.

Every container format (EPUB, DOCX, ODT) opens its zip through :class:`SafeZip`, which checks
the declared sizes and the compression ratio before anything is inflated and caps every
read. Every XML part goes through :func:`parse_xml`, whose parser never resolves entities,
never loads a DTD and never touches the network, so XXE and "billion laughs" do nothing.
"""

from __future__ import annotations

import posixpath
import zipfile
from types import TracebackType
from typing import Self
from urllib.parse import unquote

from lxml import etree

from javon.ingest.extractors.base import ExtractionError, PathLike

MAX_MEMBERS = 10_000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed over the whole archive
RATIO_FLOOR = 4 * 1024 * 1024  # archives smaller than this inflated are harmless whatever the ratio
MAX_MEMBER = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class SafeZip:
    """A zip archive checked for bombs before use; members are read with a size cap."""

    def __init__(self, path: PathLike, label: str) -> None:
        self.label = label
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise ExtractionError(f"not a valid {label}: the zip container is damaged ({exc})") from exc
        try:
            self._check()
        except BaseException:
            self._zip.close()
            raise
        self.names = {info.filename for info in self._zip.infolist()}

    def _check(self) -> None:
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ExtractionError(f"refused this {self.label}: it holds {len(infos):,} files (limit {MAX_MEMBERS:,})")
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos)
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise ExtractionError(
                f"refused this {self.label}: it would unpack to {total / 2**20:,.0f} MB "
                f"(limit {MAX_TOTAL_UNCOMPRESSED / 2**20:,.0f} MB); it looks like a zip bomb"
            )
        if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
            raise ExtractionError(
                f"refused this {self.label}: it is compressed {total / max(packed, 1):,.0f} to 1 "
                f"(limit {MAX_RATIO} to 1); it looks like a zip bomb"
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise ExtractionError(f"this {self.label} is encrypted; a password is needed")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str, limit: int = MAX_MEMBER) -> bytes:
        """The member's bytes; ExtractionError if it is missing, damaged or larger than ``limit``."""
        if name not in self.names:
            raise ExtractionError(f"not a valid {self.label}: {name} is missing")
        info = self._zip.getinfo(name)
        if info.file_size > limit:
            raise ExtractionError(f"refused this {self.label}: {name} is {info.file_size / 2**20:,.0f} MB unpacked")
        parts: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    if size > limit:  # the declared size lied
                        raise ExtractionError(f"refused this {self.label}: {name} unpacks past its declared size")
                    parts.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise ExtractionError(f"not a valid {self.label}: {name} is damaged ({exc})") from exc
        return b"".join(parts)

    def resolve(self, base: str, href: str) -> str:
        """The archive name that ``href`` (relative to the member ``base``) points to."""
        href = unquote(href.split("#", 1)[0])
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), href))
        return joined.lstrip("/")


_BOMB = "refused this {label}: {what} declares entities that expand without bound (an XML bomb)"


def _is_bomb(message: str) -> bool:
    return "amplification" in message or "ERR_RESOURCE_LIMIT" in message or "entity loop" in message.lower()


def xml_parser(*, recover: bool = False) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, label: str, what: str, *, recover: bool = False) -> etree._Element:
    """Parse one XML part safely; a clear ExtractionError if it is not XML."""
    parser = xml_parser(recover=recover)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if _is_bomb(str(exc)):
            raise ExtractionError(_BOMB.format(label=label, what=what)) from exc
        raise ExtractionError(f"not a valid {label}: {what} is not well-formed XML ({exc})") from exc
    if any(_is_bomb(entry.message) for entry in parser.error_log):  # recover mode stops quietly
        raise ExtractionError(_BOMB.format(label=label, what=what))
    if root is None:
        raise ExtractionError(f"not a valid {label}: {what} is empty")
    _drop_entities(root)
    return root


def _drop_entities(root: etree._Element) -> None:
    """Remove unresolved entity references (``&xxe;``), keeping the text around them."""
    for entity in list(root.iter(etree.Entity)):
        parent = entity.getparent()
        if parent is None:
            continue
        if entity.tail:
            previous = entity.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + entity.tail
            else:
                parent.text = (parent.text or "") + entity.tail
        parent.remove(entity)


def clean(value: str | None) -> str | None:
    """Whitespace-collapsed text, or None when nothing is left."""
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def split_names(value: str | None) -> list[str]:
    """Creators as document properties hold them: "A; B" -> ["A", "B"]."""
    if not value:
        return []
    return [name for name in (clean(part) for part in value.split(";")) if name]
