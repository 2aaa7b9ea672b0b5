"""File downloads that honour HTTP Range, If-Range and If-None-Match.

Django's ``FileResponse`` ignores ``Range`` and always answers 200 with the whole file, so a
reader on a slow link who loses the connection at 90 % of a 300 MB scan starts again from zero,
and PDF viewers that fetch pages by range download everything first. This module answers
with RFC 9110 semantics (sections 13 and 14, which replace RFC 7232/7233):

- ``GET`` without ``Range``: 200 and the whole body, streamed in 64 KiB chunks.
- ``GET`` with one satisfiable range (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``): 206 with
  ``Content-Range: bytes a-b/size`` and exactly those bytes; a last position past the end
  is clamped to the end.
- Several ranges (``bytes=0-9,100-199``): we answer one 206 part covering all satisfiable
  ranges (from the lowest first byte to the highest last byte), never multipart/byteranges.
  RFC 9110 section 14.2 lets a server coalesce ranges; every real client (browsers, PDF.js,
  download managers, curl) asks for one range at a time, and a single part keeps the code
  and the response simple. A client asking for two ranges still gets correct bytes at the
  offsets the ``Content-Range`` header states.
- No satisfiable range (first byte at or past the end, ``-0``, any range on an empty file):
  416 with ``Content-Range: bytes */size``.
- A ``Range`` header we cannot parse, or in a unit other than bytes: ignored, 200 with the
  whole file (section 14.2 says a server MAY ignore it; we always do).
- ``If-Range``: Range is honoured only if it holds a strong ETag equal to ours, or an
  HTTP date equal to our Last-Modified to the second. A weak tag, another tag, another date
  or garbage means "the client's partial copy is stale": 200 with the whole file.
- ``If-None-Match`` matching our ETag (weak comparison, ``*`` too) -> 304 without body; only
  when it is absent, ``If-Modified-Since`` at or after Last-Modified -> 304 as well.
- ``HEAD``: the headers a ``GET`` would get, no body. Section 14.2 defines range handling
  for GET only and says a server MUST ignore ``Range`` on other methods, so a HEAD with
  ``Range`` gets the 200 headers (with ``Accept-Ranges: bytes``, which is what clients
  probing for resumability look at).
- ``accel_redirect`` set (nginx ``X-Accel-Redirect`` deployments): no body at all; nginx
  serves the internal URI itself, including Range and If-Range. Our 304 check still runs
  first because it is free. nginx keeps only Content-Type, Content-Disposition,
  Accept-Ranges, Set-Cookie, Cache-Control and Expires from our answer and computes its
  own ETag and Last-Modified from the file, which is stable because stored objects are
  immutable.

The stored object is reached only through ``open_file()`` and ``seek()``/``read()``: no
local path is assumed, so S3-compatible storage works the same as the filesystem. Objects
that cannot seek are skipped forward by reading.

``GZipMiddleware`` would gzip these streamed bodies and drop Content-Length, which breaks
byte ranges; use :class:`RangeSafeGZipMiddleware` in its place (see its docstring).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import BinaryIO, Final, Literal
from urllib.parse import quote

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.http import http_date, parse_http_date_safe

__all__ = [
    "CHUNK_SIZE",
    "UNSATISFIABLE",
    "RangeSafeGZipMiddleware",
    "content_disposition",
    "parse_range",
    "ranged_file_response",
]

#: Bytes read from storage and handed to the server per iteration.
CHUNK_SIZE: Final = 64 * 1024

#: What :func:`parse_range` returns when a valid header selects no byte of the file.
UNSATISFIABLE: Final = "unsatisfiable"

# More digits than this can only mean "past the end" for any file we could store; parsing
# them with int() would raise ValueError above Python's 4300-digit limit, so we don't.
_MAX_DIGITS: Final = 18
_HUGE: Final = 1 << 63

# ASCII digits only: the \d class would also accept Arabic-Indic and other Unicode digits.
_INT_RANGE = re.compile(r"([0-9]+)-([0-9]*)")
_SUFFIX_RANGE = re.compile(r"-([0-9]+)")
# An entity tag inside If-None-Match: optional weakness marker, then a quoted opaque value.
_ENTITY_TAG = re.compile(r'(W/)?"([^"]*)"')
# etagc from RFC 9110 section 8.8.3, ASCII part only (no quote, no space, no controls).
_ETAG_VALUE = re.compile(r"[\x21\x23-\x7e]+")


def _number(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return _HUGE if len(digits) > _MAX_DIGITS else int(digits)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | Literal["unsatisfiable"]:
    """Read a ``Range`` header against a representation of ``size`` bytes.

    Returns the inclusive ``(first, last)`` byte positions to send, ``None`` when the
    header is absent or malformed (send the whole file with 200), or ``"unsatisfiable"``
    (answer 416). Several ranges are coalesced into the one range that covers them all.
    """
    if not header:
        return None
    unit, sep, range_set = header.strip().partition("=")
    # Range units are case-insensitive (RFC 9110 section 14.1); no other unit is known.
    if not sep or unit.strip().lower() != "bytes":
        return None
    specs = [spec.strip() for spec in range_set.split(",")]
    specs = [spec for spec in specs if spec]  # the list syntax tolerates empty elements
    if not specs:
        return None

    first_byte: int | None = None
    last_byte = -1
    for spec in specs:
        if m := _INT_RANGE.fullmatch(spec):
            first = _number(m[1])
            last = _number(m[2]) if m[2] else _HUGE
            if last < first:  # invalid per section 14.1.1: the whole header is ignored
                return None
            if first >= size:  # valid, but selects nothing of this file
                continue
            last = min(last, size - 1)
        elif m := _SUFFIX_RANGE.fullmatch(spec):
            suffix = _number(m[1])
            if suffix == 0 or size == 0:
                continue
            first, last = max(size - suffix, 0), size - 1
        else:
            return None
        first_byte = first if first_byte is None else min(first_byte, first)
        last_byte = max(last_byte, last)

    if first_byte is None:
        return UNSATISFIABLE
    return first_byte, last_byte


# --- Content-Disposition ---------------------------------------------------------------

# Uzbek (and Russian) Cyrillic to Uzbek Latin, for the ASCII fallback name only; the real
# name always travels in filename*. Letters not listed fall back to their NFKD base letter.
_TRANSLIT: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "'", "ы": "i", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ў": "o'", "қ": "q", "ғ": "g'", "ҳ": "h", "є": "ye", "і": "i", "ї": "yi",
    # The many apostrophes of Uzbek Latin (oʻ, gʻ, ʼ) become the ASCII one.
    "ʻ": "'", "ʼ": "'", "‘": "'", "’": "'", "`": "'", "´": "'",
}  # fmt: skip
# Characters kept as they are in the ASCII fallback. Excluded on purpose: the quote and
# backslash (they end or escape the quoted-string), "/" (a path), "%" (some browsers
# percent-decode filename=), ";" and "," (naive parsers split on them), and * : < > ? |
# (not allowed in Windows names).
_FALLBACK_SAFE: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$&'()+-.=@[]^_{}~"
)
# attr-char of RFC 5987 / RFC 8187, beyond the letters, digits and "_.-~" quote() keeps.
_ATTR_CHAR_SAFE: Final = "!#$&+^`|"
_MAX_NAME_CHARS: Final = 150
_DEFAULT_NAME: Final = "download"


def _safe_basename(filename: str) -> str:
    """The last path component of ``filename`` with no control or invisible characters."""
    name = unicodedata.normalize("NFC", filename or "")
    # Every kind of control, format (bidi overrides, zero-width), surrogate, private-use
    # and unassigned character goes, and so do line and paragraph separators: nothing in a
    # name may break a header or disguise an extension ("\u202egpj.exe").
    name = "".join(
        " " if unicodedata.category(ch) == "Zs" else ch
        for ch in name
        if unicodedata.category(ch)[0] != "C" and unicodedata.category(ch) not in ("Zl", "Zp")
    )
    # Both separators, because a name uploaded from Windows arrives as "C:\\dir\\x.pdf".
    # Components that are only dots or spaces ("..", ".") are path tricks, not names.
    parts = [p for p in re.split(r"[/\\]", name) if p.strip(" .")]
    name = " ".join(parts[-1].split()) if parts else ""
    # Leading dots would hide the file on Unix; trailing dots and spaces are invalid on
    # Windows.
    name = name.strip(" .")
    if not name:
        return _DEFAULT_NAME
    if len(name) > _MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 16:
            name = stem[: _MAX_NAME_CHARS - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:_MAX_NAME_CHARS].rstrip(" .")
    return name


def _ascii_fallback(name: str) -> str:
    out: list[str] = []
    for ch in name:
        low = ch.lower()
        if low in _TRANSLIT:
            latin = _TRANSLIT[low]
            out.append(latin.capitalize() if ch != low else latin)
        elif ch in _FALLBACK_SAFE:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            kept = "".join(c for c in base if c in _FALLBACK_SAFE)
            out.append(kept or "_")
    fallback = re.sub(r"_{2,}", "_", "".join(out))
    stem, dot, ext = fallback.rpartition(".")
    if not dot or not ext.isalnum():
        stem, ext = fallback, ""
    stem = stem.strip(" .")
    if not any(c.isalnum() for c in stem):
        # Nothing readable survived (a name in Chinese, say): keep only the extension.
        stem = _DEFAULT_NAME
    return stem + ("." + ext if ext else "")


def content_disposition(filename: str, *, as_attachment: bool = True) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''percent-encoded`` (RFC 6266/8187).

    Old clients read the plain ASCII ``filename``; every current browser prefers the exact
    UTF-8 name in ``filename*``. Neither part can carry a quote, a backslash, CR, LF or a
    path, whatever name was uploaded.
    """
    name = _safe_basename(filename)
    disposition = "attachment" if as_attachment else "inline"
    encoded = quote(name, safe=_ATTR_CHAR_SAFE, encoding="utf-8")
    return f"{disposition}; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"


# --- conditional requests --------------------------------------------------------------


def _epoch_seconds(moment: datetime | None) -> int | None:
    """Whole seconds since the epoch; HTTP dates have no finer precision. Naive is UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _none_match(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" matches "x" (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    return any(m[2] == etag for m in _ENTITY_TAG.finditer(header))


def _not_modified(request: HttpRequest, etag: str, modified: int | None) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        # When present it decides alone; If-Modified-Since is then ignored (13.2.2).
        return _none_match(if_none_match, etag)
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and modified is not None and modified <= since


def _if_range_allows(header: str | None, etag: str, modified: int | None) -> bool:
    """True when the Range header may be used (RFC 9110 section 13.1.5)."""
    if header is None:
        return True
    header = header.strip()
    if header.startswith("W/"):
        return False  # a weak tag can never pass the strong comparison If-Range needs
    if header.startswith('"'):
        return header == f'"{etag}"'
    # An HTTP date must equal Last-Modified exactly; an unparseable value fails.
    date = parse_http_date_safe(header)
    return date is not None and modified is not None and date == modified


# --- the response ----------------------------------------------------------------------


class _FileRange:
    """Iterable over ``length`` bytes of a stored object from ``start``, in chunks.

    The object is opened at once, so a missing object fails inside the view (a clean 500
    or whatever the view makes of it) rather than after the 200 status line has gone out.
    It is closed when the last chunk has been produced, or by Django when the server closes
    the response early (client went away): StreamingHttpResponse registers ``close``.
    """

    def __init__(self, open_file: Callable[[], BinaryIO], start: int, length: int) -> None:
        self._file: BinaryIO | None = open_file()
        self._length = length
        try:
            self._skip_to(start)
        except BaseException:
            self.close()
            raise

    def _skip_to(self, start: int) -> None:
        fh = self._file
        assert fh is not None
        if start == 0:
            return
        seekable = getattr(fh, "seekable", None)
        if seekable is None or seekable():
            try:
                fh.seek(start)
                return
            except (AttributeError, io.UnsupportedOperation):
                pass
        # A stream without seek: read and drop the bytes before the range.
        remaining = start
        while remaining > 0:
            dropped = fh.read(min(CHUNK_SIZE, remaining))
            if not dropped:
                raise OSError(f"stored object ended before byte {start}")
            remaining -= len(dropped)

    def __iter__(self) -> Iterator[bytes]:
        try:
            remaining = self._length
            while remaining > 0:
                if self._file is None:
                    return
                chunk = self._file.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    # The object is shorter than its recorded size and Content-Length has
                    # been sent: fail loudly so the server aborts the connection and the
                    # client sees a truncated transfer instead of waiting forever.
                    raise OSError(f"stored object ended {remaining} bytes early")
                remaining -= len(chunk)
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        fh, self._file = self._file, None
        if fh is not None:
            fh.close()


def ranged_file_response(
    request: HttpRequest,
    *,
    open_file: Callable[[], BinaryIO],
    size: int,
    etag: str,
    content_type: str,
    filename: str,
    last_modified: datetime | None = None,
    as_attachment: bool = True,
    accel_redirect: str | None = None,
    cache_control: str = "private, max-age=3600",
) -> HttpResponseBase:
    """Answer a GET or HEAD for a stored file, honouring Range and conditional headers.

    ``etag`` is the strong entity tag *without* quotes (the content's sha256 hex digest
    suits: the same bytes always have the same tag). ``open_file`` is called only when
    bytes are actually sent, never for HEAD, 304, 416 or ``accel_redirect``. The result is
    an ``HttpResponse`` (no body) or a ``StreamingHttpResponse``; both are
    ``HttpResponseBase``, which is what the calling view should declare.
    """
    if size < 0:
        raise ValueError("size must not be negative")
    if not _ETAG_VALUE.fullmatch(etag):
        raise ValueError("etag must be a bare opaque tag of visible ASCII, without quotes")
    quoted_etag = f'"{etag}"'
    modified = _epoch_seconds(last_modified)

    # Headers that every answer about this representation carries (304 included: RFC 9110
    # 15.4.5 asks for the ETag and Cache-Control a 200 would have had).
    validators = {"ETag": quoted_etag, "Cache-Control": cache_control}
    if modified is not None:
        validators["Last-Modified"] = http_date(modified)

    response: HttpResponseBase
    if _not_modified(request, etag, modified):
        response = HttpResponseNotModified()
        for name, value in validators.items():
            response[name] = value
        return response

    common = {
        **validators,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": content_disposition(filename, as_attachment=as_attachment),
    }

    if accel_redirect is not None:
        # nginx does the rest (Range included); keep the URI plain ASCII so no header
        # encoding or CR/LF can sneak in, without double-encoding existing %XX escapes.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(accel_redirect, safe="/:@!$&'()*+,;=%-._~")
        for name, value in common.items():
            response[name] = value
        return response

    # Range is defined for GET only (RFC 9110 14.2); If-Range gates it (13.1.5).
    selected = None
    if request.method == "GET":
        header = request.META.get("HTTP_RANGE")
        if header and _if_range_allows(request.META.get("HTTP_IF_RANGE"), etag, modified):
            selected = parse_range(header, size)

    if selected == UNSATISFIABLE:
        response = HttpResponse(status=416, content_type="text/plain; charset=utf-8")
        response["Content-Range"] = f"bytes */{size}"
        response["Content-Length"] = "0"
        for name in ("ETag", "Cache-Control", "Accept-Ranges", "X-Content-Type-Options"):
            response[name] = common[name]
        return response

    if isinstance(selected, tuple):
        first, last = selected
        status = 206
    else:
        first, last = 0, size - 1
        status = 200
    length = last - first + 1

    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    else:
        response = StreamingHttpResponse(
            _FileRange(open_file, first, length), status=status, content_type=content_type
        )
    for name, value in common.items():
        response[name] = value
    response["Content-Length"] = str(length)
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response


class RangeSafeGZipMiddleware(GZipMiddleware):
    """``GZipMiddleware`` that leaves byte-addressed responses alone.

    Django's GZipMiddleware compresses streaming responses and deletes their
    Content-Length, so a 206 would carry gzip bytes under a Content-Range that counts
    identity bytes, and a resumed download would splice a gzip stream onto plain bytes.
    Stored files are mostly compressed already (PDF, EPUB, JPEG, MP3), so nothing is lost
    by skipping them. Use ``"javon.reader.ranged.RangeSafeGZipMiddleware"`` in MIDDLEWARE
    in place of ``"django.middleware.gzip.GZipMiddleware"``.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if any(
            response.has_header(name)
            for name in ("Accept-Ranges", "Content-Range", "X-Accel-Redirect")
        ):
            return response
        return super().process_response(request, response)
