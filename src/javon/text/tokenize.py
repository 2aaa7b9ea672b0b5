"""Word segmentation with offsets into the original text.

A word is a run of letters, digits and combining marks; apostrophes inside it belong to
it (oʻqish, sheʼr, don't), and so does a final apostrophe after o/g (togʻ, bogʻ) unless
the word was opened by a quote mark ('bog' in quotes).  Hyphens split words (vitse-prezident
gives two tokens, 10-noyabr gives "10" and "noyabr"), as most search analysers do.
Decimal numbers (2.5, 1,000) stay one token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .normalize import APOSTROPHES

# Letters and digits (not "_", not the two modifier-letter apostrophes, which act as
# apostrophes), plus combining marks and invisible characters that live inside words.
_L = "(?:[^\\W_\u02b9\u02bb\u02bc\u02bd\u02c8]|[\u0300-\u036f\u00ad\u200c\u200d])"
_A = "[" + re.escape(APOSTROPHES) + "]"
WORD_RE = re.compile(rf"\d+(?:[.,]\d+)+(?![^\W_])|{_L}+(?:{_A}{{1,2}}{_L}+)*")
_APOS = frozenset(APOSTROPHES)

LATN = "latn"
CYRL = "cyrl"
NUM = "num"
OTHER = "other"


@lru_cache(maxsize=200_000)
def script_of(word: str) -> str:
    """Script of a word by its letters: "latn", "cyrl", "num" (no letters) or "other"."""
    cyr = lat = 0
    for ch in word:
        if "\u0400" <= ch <= "\u04ff":
            cyr += 1
        elif ch.isalpha() and ch not in _APOS:
            if ch < "\u0250" or "\u1e00" <= ch <= "\u1eff":
                lat += 1
            else:
                return OTHER
    if not cyr and not lat:
        return NUM
    return CYRL if cyr >= lat else LATN


def keeps_final_mark(text: str, start: int, end: int) -> bool:
    """Does the apostrophe at text[end] belong to the word text[start:end]?

    Yes for the modifier letters ʻ ʼ (never quote marks: qatʼ, manʼ) and after o/g (togʻ,
    bogʻ), unless a quote mark opened the word ('bog') or a letter follows.
    """
    ch = text[end]
    if end + 1 < len(text) and text[end + 1].isalnum():
        return False
    if ch in "\u02bb\u02bc":
        return True
    return text[end - 1] in "oOgG" and not (start > 0 and text[start - 1] in _APOS)


# The same words for the indexer, which needs no offsets, as one findall: keeps_final_mark
# written into the pattern. With one character class per letter it runs 2.5x faster than
# WORD_RE, so it serves texts without combining marks or invisible characters (nearly
# all); words() checks that and falls back to iter_words for the rest.
_L1 = "[^\\W_\u02b9\u02bb\u02bc\u02bd\u02c8]"
_W1 = f"{_L1}+(?:{_A}{{1,2}}{_L1}+)*"
_KEEP = "(?![^\\W_])"  # a kept final mark is not followed by a letter or digit
FAST_WORD_RE = re.compile(
    rf"\d+(?:[.,]\d+)+(?![^\W_])(?:[\u02bb\u02bc]{_KEEP})?"
    # opened by a quote mark: only the modifier letters ʻ ʼ stay on at the end
    rf"|(?<={_A}){_W1}(?:[\u02bb\u02bc]{_KEEP})?"
    rf"|{_W1}(?:(?:[\u02bb\u02bc]|(?<=[oOgG]){_A}){_KEEP})?"
)
_NEEDS_SLOW_RE = re.compile("[\u0300-\u036f\u00ad\u200c\u200d]")


def words(text: str) -> list[str]:
    """The words of ``text``, exactly as ``[text[s:e] for s, e in iter_words(text)]``."""
    if _NEEDS_SLOW_RE.search(text) is None:
        return FAST_WORD_RE.findall(text)
    return [text[s:e] for s, e in iter_words(text)]


def iter_words(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) for each word of ``text``."""
    n = len(text)
    for m in WORD_RE.finditer(text):
        start, end = m.span()
        if end < n and text[end] in _APOS and keeps_final_mark(text, start, end):
            end += 1
        yield start, end
