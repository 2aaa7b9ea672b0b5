"""Character-level normalisation shared by every analyser.

Why this exists: the same Uzbek word reaches us with six different apostrophes, in
decomposed Unicode from PDFs, and in the reformed Latin letters of the 2019-2026 drafts.
Everything here is about *spelling*, not language: it turns a word into the exact search
key form (NFC, lower case, one apostrophe per role, 1995 letters).

Key conventions (documented for the search backend and anyone reading an index):

* ``ʻ`` (U+02BB) follows ``o`` and ``g``: ``oʻ``, ``gʻ``.  Any apostrophe-like character
  after o/g becomes this one, because writers use all of them for these letters.
* ``ʼ`` (U+02BC) is the tutuq belgisi everywhere else (``sheʼr``, ``taʼna``, ``Isʼhoq``).
* Both are Unicode letters (Lm), so a whitespace tokenizer keeps them inside a key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

OKINA = "\u02bb"  # ʻ  in oʻ gʻ
TUTUQ = "\u02bc"  # ʼ  tutuq belgisi

#: Every character seen standing for oʻ/gʻ's mark or for the tutuq belgisi.
APOSTROPHES = (
    "'"  # U+0027 ASCII
    "`"  # U+0060 backtick
    "\u00b4"  # ´ acute accent
    "\u02b9"  # ʹ modifier prime
    "\u02bb"  # ʻ turned comma (official for oʻ gʻ)
    "\u02bc"  # ʼ modifier apostrophe (official tutuq)
    "\u02bd"  # ʽ reversed comma
    "\u02c8"  # ˈ vertical line
    "\u2018"  # ‘ (the most frequent one in real news text)
    "\u2019"  # ’
    "\u201b"  # ‛
    "\u2032"  # ′ prime
)
_APOS_SET = frozenset(APOSTROPHES)

#: Invisible characters that PDFs and word processors leave inside words.
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

# Reformed Latin letters (drafts of 2019, 2021, 2023, the 2026 amendment) -> 1995 spelling.
# Applied after lower-casing and NFC.  "c" for "ch" (2023 draft) is NOT here: a bare c also
# appears in foreign names in 1995 texts, so it is folded only when asked (see fold_latin).
_REFORMED = {
    "ö": "o" + OKINA,
    "õ": "o" + OKINA,
    "ŏ": "o" + OKINA,
    "ó": "o" + OKINA,
    "ô": "o" + OKINA,
    "ğ": "g" + OKINA,
    "ǵ": "g" + OKINA,
    "ĝ": "g" + OKINA,
    "ş": "sh",
    "ș": "sh",
    "ç": "ch",
}
#: Letters whose presence marks a text as written in a reformed Latin alphabet.
REFORMED_LETTERS = frozenset("öõŏóğǵşșçÖÕŎÓĞǴŞȘÇ")

# Case folding: str.lower() is already right for Uzbek (I -> i, no dotless-i rules);
# the Turkish letters are folded to plain i so that Turkish-keyboard input matches.
_CASE_FIX = str.maketrans({"İ": "i", "ı": "i"})

# Cyrillic letter variants used by other Turkic orthographies or old fonts for the
# Uzbek letters қ ғ ҳ (OCR and keyboard layouts produce them).
_CYR_VARIANTS = str.maketrans({"ҡ": "қ", "ӄ": "қ", "ӷ": "ғ", "ӽ": "ҳ", "ҳ": "ҳ", "ђ": "ғ"})

_BARE_C_RE = re.compile("c(?!h)")


def clean(word: str) -> str:
    """NFC, invisible characters removed, lower case (no Turkish dotless-i behaviour)."""
    if _INVISIBLE_RE.search(word):
        word = _INVISIBLE_RE.sub("", word)
    if not word.isascii():
        word = unicodedata.normalize("NFC", word).translate(_CASE_FIX)
    return word.lower()


def unify_apostrophes(word: str) -> str:
    """Every apostrophe becomes ʻ after o/g and ʼ elsewhere; repeated marks collapse.

    Expects a lower-cased word.
    """
    if not any(ch in _APOS_SET for ch in word):
        return word
    out: list[str] = []
    prev = ""
    for ch in word:
        if ch in _APOS_SET:
            if prev in (OKINA, TUTUQ):
                continue  # "o‘’" or "ŏ'" -> one mark
            ch = OKINA if prev in ("o", "g") else TUTUQ
        out.append(ch)
        prev = ch
    return "".join(out)


def reformed_to_1995(word: str) -> str:
    """ö õ ŏ ó -> oʻ, ğ ǵ -> gʻ, ş -> sh, ç -> ch (lower-cased input)."""
    if word.isascii():
        return word
    if not any(ch in _REFORMED for ch in word):
        return word
    return "".join(_REFORMED.get(ch, ch) for ch in word)


@lru_cache(maxsize=200_000)
def fold_latin(word: str, bare_c_is_ch: bool = False) -> str:
    """The exact key of a Latin-script word (Uzbek or not).

    ``bare_c_is_ch`` folds a c that is not followed by h to ch, as the 2023 draft writes
    ch; only for text known to be in that spelling (or as an extra query reading).
    """
    w = clean(word)
    w = reformed_to_1995(w)
    w = unify_apostrophes(w)
    if bare_c_is_ch and "c" in w:
        w = _BARE_C_RE.sub("ch", w)
    return w


def clean_cyrillic(word: str) -> str:
    """NFC (у+breve -> ў), lower case, look-alike letters -> Uzbek letters, apostrophes -> ʼ."""
    w = clean(word).translate(_CYR_VARIANTS)
    if any(ch in _APOS_SET for ch in w):
        # In Cyrillic an apostrophe stands for ъ (typed on keyboards without it).
        w = "".join("ъ" if ch in _APOS_SET else ch for ch in w)
    return w


@lru_cache(maxsize=200_000)
def fold_russian(word: str) -> str:
    """Russian key: Cyrillic kept, lower case, ё -> е."""
    return clean(word).replace("ё", "е")


REFORMED_LETTERS_RE = re.compile("[" + "".join(sorted(REFORMED_LETTERS)) + "]")


def has_reformed_letters(text: str) -> bool:
    return not text.isascii() and REFORMED_LETTERS_RE.search(text) is not None
