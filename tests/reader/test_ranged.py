"""Ranged downloads: javon.reader.ranged against RFC 9110 range and conditional requests.

These tests need only configured Django settings and RequestFactory, no database. Under the
whole suite (pytest-django, DJANGO_SETTINGS_MODULE=javon.settings) they use the project's
settings; alone they can run without the project at all:

    python -m pytest tests/reader/test_ranged.py -q -p no:django --noconftest
"""

from __future__ import annotations

import io
import os
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO
from urllib.parse import unquote

import django
import pytest
from django.conf import settings

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(DEFAULT_CHARSET="utf-8", USE_TZ=True, ALLOWED_HOSTS=["*"])
    django.setup()

from django.http import HttpResponse, StreamingHttpResponse  # noqa: E402
from django.http.response import HttpResponseBase  # noqa: E402
from django.middleware.gzip import GZipMiddleware  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils.http import http_date  # noqa: E402

from javon.reader.ranged import (  # noqa: E402
    CHUNK_SIZE,
    UNSATISFIABLE,
    RangeSafeGZipMiddleware,
    content_disposition,
    parse_range,
    ranged_file_response,
)

DATA = random.Random(20240917).randbytes(300_007)  # several chunks, odd tail
SIZE = len(DATA)
ETAG = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
MODIFIED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
rf = RequestFactory()


class TrackedBytes(io.BytesIO):
    """Stands in for a storage object (S3 and the like): no name, no fileno, no path."""

    def fileno(self) -> int:
        raise io.UnsupportedOperation("not a real file")


class Opener:
    """open_file callable that records what it handed out."""

    def __init__(self, data: bytes = DATA, factory: Callable[[bytes], BinaryIO] = TrackedBytes):
        self.data = data
        self.factory = factory
        self.opened: list[BinaryIO] = []

    def __call__(self) -> BinaryIO:
        fh = self.factory(self.data)
        self.opened.append(fh)
        return fh


def serve(
    method: str = "GET", opener: Opener | None = None, data: bytes = DATA, **kwargs: Any
) -> tuple[HttpResponseBase, Opener]:
    headers = {k: v for k, v in kwargs.items() if k.startswith("HTTP_")}
    options = {k: v for k, v in kwargs.items() if not k.startswith("HTTP_")}
    request = getattr(rf, method.lower())("/works/1/files/1/download", **headers)
    opener = opener or Opener(data)
    options.setdefault("size", len(opener.data))
    options.setdefault("etag", ETAG)
    options.setdefault("content_type", "application/pdf")
    options.setdefault("filename", "kitob.pdf")
    options.setdefault("last_modified", MODIFIED)
    return ranged_file_response(request, open_file=opener, **options), opener


def body(response: HttpResponseBase) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        chunks = list(response.streaming_content)
        assert all(0 < len(c) <= CHUNK_SIZE for c in chunks)
        response.close()
        return b"".join(chunks)  # type: ignore[arg-type]
    assert isinstance(response, HttpResponse)
    return response.content


def assert_all_closed(opener: Opener) -> None:
    assert opener.opened, "the file was never opened"
    assert all(fh.closed for fh in opener.opened)


# --- parse_range ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=0-0", (0, 0)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),  # suffix longer than the file: the whole file
        ("bytes=990-5000", (990, 999)),  # last past the end is clamped
        ("bytes=999-999", (999, 999)),
        ("bytes=0-99999999999999999999999999999999", (0, 999)),
        ("BYTES=1-2", (1, 2)),  # the unit is case-insensitive
        (" bytes=1-2 ", (1, 2)),
        ("bytes=0-9, 20-29", (0, 29)),  # several ranges: one covering range
        ("bytes=500-599,0-9", (0, 599)),
        ("bytes=0-9,5-15", (0, 15)),  # overlapping
        ("bytes=0-9,-10", (0, 999)),
        ("bytes=0-9,,", (0, 9)),  # empty list elements are tolerated
        ("bytes=5000-6000,10-19", (10, 19)),  # unsatisfiable parts are dropped
        ("bytes=007-008", (7, 8)),
        ("bytes=1000-", UNSATISFIABLE),
        ("bytes=1000-2000", UNSATISFIABLE),
        ("bytes=-0", UNSATISFIABLE),
        ("bytes=5000-,6000-7000", UNSATISFIABLE),
        ("bytes=" + "9" * 5000 + "-", UNSATISFIABLE),  # no int() digit-limit ValueError
        (None, None),
        ("", None),
        ("bytes=", None),
        ("bytes=,", None),
        ("bytes=-", None),
        ("bytes=abc", None),
        ("bytes=5-2", None),  # last before first: invalid, header ignored
        ("bytes=0-9,5-2", None),
        ("bytes=1-2-3", None),
        ("bytes=0-9;q=1", None),
        ("bytes = 0-9,x", None),
        ("bytes=+1-2", None),
        ("bytes=1.5-2", None),
        ("bytes=\u0661-\u0665", None),  # Arabic-Indic digits are not ASCII digits
        ("items=0-9", None),
        ("0-9", None),
        ("bytes 0-9", None),
    ],
)
def test_parse_range(header: str | None, expected: object) -> None:
    assert parse_range(header, 1000) == expected


def test_parse_range_empty_file() -> None:
    assert parse_range("bytes=0-", 0) == UNSATISFIABLE
    assert parse_range("bytes=-1", 0) == UNSATISFIABLE
    assert parse_range("bytes=0-0", 0) == UNSATISFIABLE
    assert parse_range("garbage", 0) is None


# --- whole file -----------------------------------------------------------------------


def test_whole_file_is_byte_identical_and_fully_described() -> None:
    response, opener = serve()
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{ETAG}"'
    assert response["Last-Modified"] == "Fri, 14 Mar 2025 09:26:53 GMT"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith('attachment; filename="kitob.pdf"')
    assert not response.has_header("Content-Range")
    assert body(response) == DATA
    assert_all_closed(opener)


def test_file_like_without_path_or_fileno_is_enough() -> None:
    # A bare BytesIO subclass: no .name, fileno() raises. Nothing assumes a local file.
    response, opener = serve(HTTP_RANGE="bytes=1000-1999")
    assert isinstance(opener.opened[0], TrackedBytes)
    assert body(response) == DATA[1000:2000]
    assert_all_closed(opener)


def test_file_is_opened_lazily_only_when_bytes_are_sent() -> None:
    def forbidden() -> BinaryIO:
        raise AssertionError("opened although no body is sent")

    request = rf.head("/x")
    response = ranged_file_response(
        request,
        open_file=forbidden,
        size=10,
        etag=ETAG,
        content_type="application/pdf",
        filename="a.pdf",
    )
    assert response.status_code == 200


def test_file_is_closed_when_response_is_closed_unread() -> None:
    # The client went away before the first chunk: the server closes the response.
    response, opener = serve(HTTP_RANGE="bytes=10-")
    assert not opener.opened[0].closed
    response.close()
    assert_all_closed(opener)


def test_empty_file() -> None:
    response, opener = serve(data=b"")
    assert response.status_code == 200
    assert response["Content-Length"] == "0"
    assert body(response) == b""
    assert_all_closed(opener)


def test_without_last_modified() -> None:
    response, _ = serve(last_modified=None)
    assert not response.has_header("Last-Modified")
    assert body(response) == DATA


def test_naive_last_modified_is_utc() -> None:
    response, _ = serve(last_modified=datetime(2025, 3, 14, 9, 26, 53))
    assert response["Last-Modified"] == "Fri, 14 Mar 2025 09:26:53 GMT"


def test_custom_cache_control_and_inline() -> None:
    response, _ = serve(cache_control="public, max-age=86400", as_attachment=False)
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["Content-Disposition"].startswith('inline; filename="kitob.pdf"')


@pytest.mark.parametrize("etag", ['"quoted"', "has space", "", "line\nbreak", "ünï"])
def test_bad_etag_is_a_programming_error(etag: str) -> None:
    with pytest.raises(ValueError):
        serve(etag=etag)


def test_negative_size_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        serve(size=-1)


# --- ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=0-65535", 0, 65535),  # exactly one chunk
        ("bytes=0-99999", 0, 99999),  # first part
        ("bytes=123457-234567", 123457, 234567),  # middle, across chunk borders
        ("bytes=65535-65536", 65535, 65536),  # straddles a chunk border
        (f"bytes={SIZE - 1000}-{SIZE - 1}", SIZE - 1000, SIZE - 1),  # last part
        (f"bytes={SIZE - 7}-", SIZE - 7, SIZE - 1),  # open-ended
        ("bytes=200000-999999999", 200000, SIZE - 1),  # clamped
        ("bytes=-4242", SIZE - 4242, SIZE - 1),  # suffix
        ("bytes=-1", SIZE - 1, SIZE - 1),
        (f"bytes=-{SIZE * 2}", 0, SIZE - 1),
        ("bytes=0-", 0, SIZE - 1),  # a resume from zero is still a 206
    ],
)
def test_single_range_is_byte_identical(header: str, first: int, last: int) -> None:
    response, opener = serve(HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{ETAG}"'
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == DATA[first : last + 1]
    assert_all_closed(opener)


def test_multiple_ranges_get_one_covering_part() -> None:
    response, _ = serve(HTTP_RANGE="bytes=5000-5999, 100-199, 150-300")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-5999/{SIZE}"
    assert response["Content-Type"] == "application/pdf"  # not multipart/byteranges
    assert body(response) == DATA[100:6000]


def test_resume_reassembles_the_file() -> None:
    # A download that broke at an odd offset and resumed with the ETag as validator.
    first, _ = serve(HTTP_RANGE="bytes=0-77776")
    rest, _ = serve(HTTP_RANGE="bytes=77777-", HTTP_IF_RANGE=f'"{ETAG}"')
    assert body(first) + body(rest) == DATA


def test_non_seekable_stream_is_skipped_forward() -> None:
    class Unseekable(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer: Any) -> int:
            # Short reads on purpose, like a socket.
            chunk = self._inner.read(min(len(buffer), 10_000))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    opener = Opener(factory=Unseekable)  # type: ignore[arg-type]
    response, _ = serve(opener=opener, HTTP_RANGE="bytes=150000-170000")
    assert response.status_code == 206
    assert body(response) == DATA[150000:170001]
    assert_all_closed(opener)


def test_truncated_object_fails_loudly_and_closes() -> None:
    # Storage says 1000 bytes, the object holds 600: do not pretend the transfer completed.
    opener = Opener(data=DATA[:600])
    response, _ = serve(opener=opener, size=1000)
    assert isinstance(response, StreamingHttpResponse)
    with pytest.raises(OSError, match="early"):
        list(response.streaming_content)
    assert_all_closed(opener)


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_unsatisfiable_range_is_416(header: str) -> None:
    response, opener = serve(HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert body(response) == b""
    assert not opener.opened


def test_any_range_on_empty_file_is_416() -> None:
    response, _ = serve(data=b"", HTTP_RANGE="bytes=0-")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */0"


@pytest.mark.parametrize(
    "header", ["bytes=abc", "items=0-10", "bytes=10-5", "0-10", "bytes=", "bytes=1-2-3", "\x00"]
)
def test_malformed_range_is_ignored(header: str) -> None:
    response, _ = serve(HTTP_RANGE=header)
    assert response.status_code == 200
    assert not response.has_header("Content-Range")
    assert body(response) == DATA


# --- If-Range -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("if_range", "status"),
    [
        (f'"{ETAG}"', 206),
        (f' "{ETAG}" ', 206),
        (f'W/"{ETAG}"', 200),  # weak tags never pass If-Range's strong comparison
        ('"0000"', 200),
        (f'"{ETAG}", "x"', 200),  # If-Range takes one validator, not a list
        (http_date(MODIFIED.timestamp()), 206),
        ("Friday, 14-Mar-25 09:26:53 GMT", 206),  # RFC 850 form of the same date
        (http_date((MODIFIED + timedelta(seconds=1)).timestamp()), 200),
        (http_date((MODIFIED - timedelta(days=1)).timestamp()), 200),
        ("not a date", 200),
        ("", 200),
    ],
)
def test_if_range(if_range: str, status: int) -> None:
    response, _ = serve(HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=if_range)
    assert response.status_code == status
    assert body(response) == (DATA[10:20] if status == 206 else DATA)


def test_if_range_date_without_last_modified_fails() -> None:
    response, _ = serve(
        last_modified=None,
        HTTP_RANGE="bytes=10-19",
        HTTP_IF_RANGE=http_date(MODIFIED.timestamp()),
    )
    assert response.status_code == 200


def test_if_range_does_not_rescue_unsatisfiable() -> None:
    response, _ = serve(HTTP_RANGE=f"bytes={SIZE}-", HTTP_IF_RANGE='"stale"')
    assert response.status_code == 200  # stale: whole new representation
    response, _ = serve(HTTP_RANGE=f"bytes={SIZE}-", HTTP_IF_RANGE=f'"{ETAG}"')
    assert response.status_code == 416


# --- If-None-Match / If-Modified-Since -------------------------------------------------


@pytest.mark.parametrize(
    "if_none_match",
    [f'"{ETAG}"', f'W/"{ETAG}"', f'"aaa", "{ETAG}"', f'"a,b",W/"{ETAG}"', "*"],
)
def test_if_none_match_gives_304(if_none_match: str) -> None:
    response, opener = serve(HTTP_IF_NONE_MATCH=if_none_match, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 304
    assert body(response) == b""
    assert response["ETag"] == f'"{ETAG}"'
    assert response["Cache-Control"] == "private, max-age=3600"
    assert not opener.opened


def test_if_none_match_other_tag_gives_full_file() -> None:
    response, _ = serve(HTTP_IF_NONE_MATCH='"other"')
    assert response.status_code == 200
    assert body(response) == DATA


def test_if_none_match_on_head() -> None:
    response, _ = serve("HEAD", HTTP_IF_NONE_MATCH=f'"{ETAG}"')
    assert response.status_code == 304


def test_if_modified_since() -> None:
    later = http_date((MODIFIED + timedelta(hours=1)).timestamp())
    earlier = http_date((MODIFIED - timedelta(hours=1)).timestamp())
    assert serve(HTTP_IF_MODIFIED_SINCE=later)[0].status_code == 304
    assert serve(HTTP_IF_MODIFIED_SINCE=http_date(MODIFIED.timestamp()))[0].status_code == 304
    assert serve(HTTP_IF_MODIFIED_SINCE=earlier)[0].status_code == 200
    assert serve(HTTP_IF_MODIFIED_SINCE="garbage")[0].status_code == 200
    # If-None-Match, when present, decides alone.
    both = serve(HTTP_IF_MODIFIED_SINCE=later, HTTP_IF_NONE_MATCH='"other"')[0]
    assert both.status_code == 200


# --- HEAD -----------------------------------------------------------------------------


def test_head_has_get_headers_and_no_body() -> None:
    get, _ = serve("GET")
    head, opener = serve("HEAD")
    assert head.status_code == 200
    assert body(head) == b""
    assert not opener.opened
    for name in (
        "Content-Length",
        "Content-Type",
        "Content-Disposition",
        "ETag",
        "Last-Modified",
        "Cache-Control",
        "Accept-Ranges",
        "X-Content-Type-Options",
    ):
        assert head[name] == get[name], name
    get.close()


def test_head_ignores_range_as_rfc_9110_requires() -> None:
    # Section 14.2: GET is the only method with range handling; others MUST ignore Range.
    head, _ = serve("HEAD", HTTP_RANGE="bytes=0-9")
    assert head.status_code == 200
    assert head["Content-Length"] == str(SIZE)
    assert head["Accept-Ranges"] == "bytes"


# --- Content-Disposition --------------------------------------------------------------

DISPOSITION = re.compile(
    r"(attachment|inline); filename=\"([\x20\x21\x23-\x5b\x5d-\x7e]*)\"; "
    r"filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)"
)


def disposition_parts(value: str) -> tuple[str, str, str]:
    match = DISPOSITION.fullmatch(value)
    assert match, value
    return match[1], match[2], unquote(match[3], encoding="utf-8", errors="strict")


@pytest.mark.parametrize(
    ("filename", "fallback", "decoded"),
    [
        ("kitob.pdf", "kitob.pdf", "kitob.pdf"),
        ("Ўзбек тили дарслиги.pdf", "O'zbek tili darsligi.pdf", "Ўзбек тили дарслиги.pdf"),
        ("Oʻzbekiston tarixi.pdf", "O'zbekiston tarixi.pdf", "Oʻzbekiston tarixi.pdf"),
        ("Ғафур Ғулом — Шум бола.epub", "G'afur G'ulom _ Shum bola.epub", None),
        ("Война и мир.fb2", "Voyna i mir.fb2", "Война и мир.fb2"),
        ("Café résumé.pdf", "Cafe resume.pdf", "Café résumé.pdf"),
        ("../../etc/passwd", "passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini", "win.ini"),
        ("C:\\Users\\Ali\\report.pdf", "report.pdf", "report.pdf"),
        ("dir/sub/", "sub", "sub"),
        ('a"b\\c.pdf', "c.pdf", "c.pdf"),  # backslash is a path separator
        ('say "hi".pdf', "say _hi_.pdf", 'say "hi".pdf'),
        ("evil\r\nSet-Cookie: x=1.pdf", "evilSet-Cookie_ x=1.pdf", "evilSet-Cookie: x=1.pdf"),
        ("tab\there.pdf", "tabhere.pdf", "tabhere.pdf"),
        ("\u202egpj.exe", "gpj.exe", "gpj.exe"),  # bidi override stripped
        ("zero\u200bwidth.pdf", "zerowidth.pdf", "zerowidth.pdf"),
        ("line\u2028sep.pdf", "linesep.pdf", "linesep.pdf"),
        ("100%.pdf", "100_.pdf", "100%.pdf"),
        ("a;b,c.pdf", "a_b_c.pdf", "a;b,c.pdf"),
        ("中文书.pdf", "download.pdf", "中文书.pdf"),
        (".bashrc", "bashrc", "bashrc"),
        ("..", "download", "download"),
        ("", "download", "download"),
        ("/", "download", "download"),
        ("\r\n", "download", "download"),
        ("  spaced   out  .pdf ", "spaced out.pdf", "spaced out .pdf"),
    ],
)
def test_content_disposition(filename: str, fallback: str, decoded: str | None) -> None:
    response, _ = serve("HEAD", filename=filename)
    value = response["Content-Disposition"]
    assert "\r" not in value and "\n" not in value
    assert value.isascii()
    kind, got_fallback, got_decoded = disposition_parts(value)
    assert kind == "attachment"
    assert got_fallback == fallback
    assert got_decoded == (filename if decoded is None else decoded)
    # The serialised headers hold exactly one Content-Disposition and no injected header.
    serialised = response.serialize_headers()
    assert serialised.count(b"Content-Disposition") == 1
    assert b"\nSet-Cookie" not in serialised


def test_long_filename_is_shortened_keeping_extension() -> None:
    name = "ж" * 1000 + ".pdf"
    kind, fallback, decoded = disposition_parts(content_disposition(name))
    assert decoded.endswith(".pdf") and len(decoded) <= 150
    assert fallback.endswith(".pdf") and fallback.startswith("jjj")


def test_inline_disposition() -> None:
    kind, fallback, decoded = disposition_parts(
        content_disposition("Oʻqish.pdf", as_attachment=False)
    )
    assert (kind, fallback, decoded) == ("inline", "O'qish.pdf", "Oʻqish.pdf")


# --- nginx X-Accel-Redirect -----------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_accel_redirect_sends_no_body_and_leaves_range_to_nginx(method: str) -> None:
    def forbidden() -> BinaryIO:
        raise AssertionError("opened although nginx serves the bytes")

    request = getattr(rf, method.lower())("/x", HTTP_RANGE="bytes=0-9")
    response = ranged_file_response(
        request,
        open_file=forbidden,
        size=SIZE,
        etag=ETAG,
        content_type="application/epub+zip",
        filename="Ўзбек.epub",
        last_modified=MODIFIED,
        accel_redirect="/_protected/ab/cd/" + ETAG,
    )
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_protected/ab/cd/" + ETAG
    assert isinstance(response, HttpResponse) and response.content == b""
    assert not response.has_header("Content-Range")
    assert not response.has_header("Content-Length")
    # The headers nginx passes on from us.
    assert response["Content-Type"] == "application/epub+zip"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert disposition_parts(response["Content-Disposition"])[2] == "Ўзбек.epub"


def test_accel_redirect_uri_is_kept_ascii_and_single_line() -> None:
    response, _ = serve(accel_redirect="/_protected/кітоб%20x\r\nX-Evil: 1")
    value = response["X-Accel-Redirect"]
    assert value.isascii() and "\r" not in value and "\n" not in value
    assert "%20x" in value and "%2520" not in value  # existing escapes left alone
    assert unquote(value) == "/_protected/кітоб x\r\nX-Evil: 1"


def test_accel_redirect_still_answers_304_itself() -> None:
    response, _ = serve(accel_redirect="/_protected/x", HTTP_IF_NONE_MATCH=f'"{ETAG}"')
    assert response.status_code == 304
    assert not response.has_header("X-Accel-Redirect")


# --- GZip ----------------------------------------------------------------------------


def test_range_safe_gzip_leaves_file_responses_alone() -> None:
    request = rf.get("/x", HTTP_RANGE="bytes=0-999", HTTP_ACCEPT_ENCODING="gzip")
    middleware = RangeSafeGZipMiddleware(lambda r: serve(HTTP_RANGE="bytes=0-999")[0])
    response = middleware(request)
    assert response.status_code == 206
    assert not response.has_header("Content-Encoding")
    assert response["Content-Length"] == "1000"
    assert response["ETag"] == f'"{ETAG}"'
    assert body(response) == DATA[:1000]


def test_stock_gzip_would_break_ranges() -> None:
    # Why RangeSafeGZipMiddleware exists: Django's own one recodes a 206 body.
    request = rf.get("/x", HTTP_ACCEPT_ENCODING="gzip")
    response = GZipMiddleware(lambda r: serve(HTTP_RANGE="bytes=0-999")[0])(request)
    assert response["Content-Encoding"] == "gzip"
    assert not response.has_header("Content-Length")
    body(response)


def test_range_safe_gzip_still_compresses_pages() -> None:
    request = rf.get("/x", HTTP_ACCEPT_ENCODING="gzip")
    page = HttpResponse(b"<p>" + b"javon " * 200 + b"</p>")
    response = RangeSafeGZipMiddleware(lambda r: page)(request)
    assert response["Content-Encoding"] == "gzip"
