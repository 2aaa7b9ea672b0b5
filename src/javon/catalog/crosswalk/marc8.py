"""MARC-8 written from Unicode, and the guess of which encoding a binary record is really in.

pymarc reads MARC-8 (marc8_to_unicode) but cannot write it. Writing follows LC's rules:
each subfield starts with ASCII in G0 and ANSEL in G1, combining marks come before the
letter they sit on, other scripts are reached with escape sequences, and a character
MARC-8 lacks is written as a numeric character reference `&#xXXXX;` (LC's lossless rule).

CIS catalogues often send records whose leader says MARC-8 (or nothing) while the bytes are
Windows-1251; `guess_encoding` tells them apart from real MARC-8 and from unflagged UTF-8.
"""

from __future__ import annotations

import re
import unicodedata

from pymarc.marc8_mapping import CODESETS

_ESC = 0x1B
_BASIC_LATIN, _ANSEL = 0x42, 0x45
# Character sets by where they live: G0 (bytes 0x21-0x7E) or G1 (0xA1-0xFE), and the escape that selects them.
_G0_SETS = {0x42: b"\x1b(B", 0x4E: b"\x1b(N", 0x53: b"\x1b(S"}
_G1_SETS = {0x45: b"\x1b)E", 0x51: b"\x1b)Q"}


def _reverse_map() -> dict[str, list[tuple[int, int, bool]]]:
    """Unicode character -> [(charset, byte, combining)], the default sets first."""
    found: dict[str, list[tuple[int, int, bool]]] = {}
    for charset in (_BASIC_LATIN, _ANSEL, 0x4E, 0x51, 0x53):
        for code, (uni, combining) in CODESETS[charset].items():
            if charset in _G1_SETS and code < 0xA0:
                continue  # C1 controls in the ANSEL table: never written
            found.setdefault(chr(uni), []).append((charset, code, bool(combining)))
    return found


_REVERSE = _reverse_map()


def _clusters(text: str) -> list[tuple[str, list[str]]]:
    """(base character, its combining marks): a letter MARC-8 has whole (Cyrillic ў, й) stays whole."""
    out: list[tuple[str, list[str]]] = []
    for whole in unicodedata.normalize("NFC", text):
        for char in whole if whole in _REVERSE else unicodedata.normalize("NFD", whole):
            if unicodedata.combining(char) and out:
                out[-1][1].append(char)
            else:
                out.append((char, []))
    return out


def encode_marc8(text: str) -> bytes:
    """One subfield's text as MARC-8 bytes, ending in the default sets again."""
    out = bytearray()
    g0, g1 = _BASIC_LATIN, _ANSEL

    def emit(char: str) -> None:
        nonlocal g0, g1
        if " " <= char <= "?" and g0 in (_BASIC_LATIN, 0x4E):
            # Space, digits and most punctuation are the same in the Latin and Cyrillic G0 sets.
            out.append(ord(char))
            return
        choices = _REVERSE.get(char, [])
        for charset, code, _combining in choices:  # prefer a set already selected: no escape
            if charset == g0 and code < 0x80 or charset == g1 and code >= 0x80:
                out.append(code)
                return
        for charset, code, _combining in choices:
            if code < 0x80 and charset in _G0_SETS:
                out.extend(_G0_SETS[charset])
                g0 = charset
                out.append(code)
                return
            if code >= 0x80 and charset in _G1_SETS:
                out.extend(_G1_SETS[charset])
                g1 = charset
                out.append(code)
                return
        if g0 != _BASIC_LATIN:
            out.extend(_G0_SETS[_BASIC_LATIN])
            g0 = _BASIC_LATIN
        out.extend(f"&#x{ord(char):04X};".encode("ascii"))

    for base, marks in _clusters(text):
        for mark in marks:  # MARC-8 puts the marks before their letter
            emit(mark)
        emit(base)
    if g0 != _BASIC_LATIN:
        out.extend(_G0_SETS[_BASIC_LATIN])
    if g1 != _ANSEL:
        out.extend(_G1_SETS[_ANSEL])
    return bytes(out)


_NCR = re.compile(r"&#x([0-9A-Fa-f]{4,6});")


def expand_references(text: str) -> str:
    """`&#x049B;` -> 'қ': what encode_marc8 wrote for characters MARC-8 lacks."""
    return _NCR.sub(lambda m: chr(int(m.group(1), 16)), text) if "&#x" in text else text


# ------------------------------------------------------------------ which encoding a record is in
_CP1251_LETTERS = re.compile(rb"[\xc0-\xff\xa8\xb8\xa1\xa2]{3,}")
_HIGH = re.compile(rb"[\x80-\xff]")


def guess_encoding(chunk: bytes) -> str:
    """'utf-8', 'marc-8' or 'cp1251' for one binary record.

    Leader/09 'a' says UTF-8 and is believed. Otherwise: escape sequences mean MARC-8; bytes
    that are valid UTF-8 with non-ASCII letters mean UTF-8 with a wrong leader; runs of three
    and more high bytes mean Windows-1251 words (MARC-8 puts one combining mark before an
    ASCII letter, so its high bytes come alone or in pairs); anything else is MARC-8.
    """
    if chunk[9:10] == b"a":
        return "utf-8"
    body = chunk[24:]
    if _ESC in body:
        return "marc-8"
    if not _HIGH.search(body):
        return "marc-8"  # plain ASCII reads the same either way
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    high = len(_HIGH.findall(body))
    in_words = sum(len(run) for run in _CP1251_LETTERS.findall(body))
    return "cp1251" if in_words * 2 >= high else "marc-8"
