"""analyze(), fold() and query_variants(): the one analysis used at index and query time.

A text is read once as a whole ("reading"): its language decides how every token is
keyed and stemmed.  Per token the rules are:

* Latin word  -> key = fold_latin (same for every language, so an Uzbek word in an
  English book gets the same key as in an Uzbek one); stem by the reading's language.
* Cyrillic word -> Uzbek (transliterated to the Latin key) when the reading is Uzbek or the
  word has ў қ ғ ҳ; otherwise Russian (key stays Cyrillic, ё -> е, Snowball stem).
* numbers and other scripts -> lower-cased NFC, not stemmed.

Readings: "uz", "uzc" (Uzbek in the 2023 draft where a bare c is ch), "ru", "en", "other".
A short query can be read several ways ("китоб": Uzbek or Russian?); query_variants returns
each distinct reading so that the search backend can OR them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .detect import detect_language
from .normalize import (
    APOSTROPHES,
    OKINA,
    TUTUQ,
    clean,
    clean_cyrillic,
    fold_latin,
    fold_russian,
    has_reformed_letters,
    unify_apostrophes,
)
from .stem import stem_en, stem_ru
from .stem_uz import stem_uz
from .tokenize import CYRL, LATN, WORD_RE, iter_words, keeps_final_mark, script_of, words
from .translit import cyr_word_to_latin_lower


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # surface form exactly as in the original text
    key: str  # exact folded search key
    stem: str  # key after stemming (== key when no stemmer applies)
    loose: str  # looser secondary key (never merged into key)
    start: int  # text[start:end] == self.text
    end: int
    position: int  # 0-based word position


READINGS = ("uz", "uzc", "ru", "en", "other")
_UZ_CYR_LETTERS = frozenset("ўқғҳЎҚҒҲ")
_APOS = frozenset(APOSTROPHES)

# ------------------------------------------------------------------ loose keys

_H_RE = re.compile("(?<![sc])h")
_SOFT_Y_RE = re.compile("(?<=[bcdfgjklmnpqrstvxz])y(?=[aeiou])")


@lru_cache(maxsize=200_000)
def loose_latin(key: str) -> str:
    """Secondary key for Uzbek: forgives dropped marks and Russian-keyboard letters.

    oʻ/o/u -> o (ў typed as у, oʻ typed as o), gʻ -> g, q -> k, h -> x (ҳ typed as х),
    sʼh -> sx, tutuq dropped, y between a consonant and a vowel dropped (валюта is
    valyuta or valuta, бюджет byudjet or budjet).  Much looser than the key on purpose:
    rank it below it.
    """
    s = key.replace("s" + TUTUQ + "h", "sx")
    if "h" in s:
        s = _H_RE.sub("x", s)
    s = s.replace(OKINA, "").replace(TUTUQ, "")
    if "y" in s:
        s = _SOFT_Y_RE.sub("", s)
    return s.replace("q", "k").replace("u", "o")


_CYR_LOOSE = str.maketrans({"ў": "у", "қ": "к", "ғ": "г", "ҳ": "х"})


def loose_cyrillic_uz(word: str) -> str:
    """Loose key of an Uzbek Cyrillic word: ў қ ғ ҳ -> у к г х before transliteration."""
    w = clean_cyrillic(word).translate(_CYR_LOOSE)
    return loose_latin(unify_apostrophes(cyr_word_to_latin_lower(w)))


def _strip_marks(key: str) -> str:
    return key.replace(OKINA, "").replace(TUTUQ, "") if not key.isascii() else key


# ------------------------------------------------------------------ per word

# OCR and careless typing mix look-alike letters of the two scripts inside one word
# ("Тoшкент" with a Latin o).  The word's majority script decides.
_LAT_TO_CYR = str.maketrans("aceopxykmtABCEHKMOPTXY", "асеорхукмтАВСЕНКМОРТХУ")
_CYR_TO_LAT = str.maketrans("асеорхукмтАВСЕНКМОРТХУ", "aceopxykmtABCEHKMOPTXY")
_HAS_LATIN_RE = re.compile("[A-Za-z]")
_HAS_CYR_RE = re.compile("[\u0400-\u04ff]")


def fix_homoglyphs(word: str, script: str) -> str:
    if script == CYRL:
        if word.isascii() or not _HAS_LATIN_RE.search(word):
            return word
        return word.translate(_LAT_TO_CYR)
    if script == LATN and not word.isascii() and _HAS_CYR_RE.search(word):
        return word.translate(_CYR_TO_LAT)
    return word


def analyze_word(word: str, reading: str = "uz") -> tuple[str, str, str]:
    """(key, stem, loose) of one surface word under a reading."""
    script = script_of(word)
    word = fix_homoglyphs(word, script)
    if script == LATN:
        key = fold_latin(word, reading == "uzc")
        if reading in ("uz", "uzc"):
            return key, stem_uz(key), loose_latin(key)
        if reading in ("en", "ru"):
            return key, stem_en(key), _strip_marks(key)
        return key, key, _strip_marks(key)
    if script == CYRL:
        if reading in ("uz", "uzc") or any(ch in _UZ_CYR_LETTERS for ch in word):
            key = unify_apostrophes(cyr_word_to_latin_lower(word))
            return key, stem_uz(key), loose_cyrillic_uz(word)
        key = fold_russian(word)
        return key, stem_ru(key), key
    key = clean(word)
    return key, key, key


# ------------------------------------------------------------------ readings


# Language tags as catalogues write them (BCP 47, ISO 639-2/B as in MARC) -> our codes.
_LANG_ALIASES = {"uzb": "uz", "rus": "ru", "eng": "en", "uzbek": "uz", "russian": "ru",
                 "english": "en", "o'z": "uz", "ўз": "uz"}  # fmt: skip


def normalize_lang(lang: str | None) -> str | None:
    """"uz", "ru", "en", "other" or None (detect) from any usual spelling of a language tag.

    uz, uz-Latn, uz_Cyrl, uzb, ru-RU, rus, en-GB, eng, auto ... ; unknown tags -> "other".
    """
    if lang is None:
        return None
    tag = lang.strip().lower().replace("_", "-")
    if tag in ("", "auto"):
        return None
    primary = tag.split("-", 1)[0]
    primary = _LANG_ALIASES.get(primary, primary)
    return primary if primary in ("uz", "ru", "en") else "other"


def _reading_for(lang: str | None, text: str) -> str:
    code = normalize_lang(lang)
    if code is None:
        code = detect_language(text).split("-", 1)[0]
    if code == "uz":
        if has_reformed_letters(text) and "ç" not in text and "Ç" not in text:
            return "uzc"
        return "uz"
    return code if code in ("ru", "en") else "other"


def analyze(text: str, lang: str | None = None) -> list[Token]:
    """Tokens of ``text``; ``lang`` is "uz", "ru", "en" or None/"auto" (detected)."""
    return _analyze_reading(text, _reading_for(lang, text))


TokenTuple = tuple[str, str, str, str, int, int, int]


def analyze_tuples(text: str, lang: str | None = None) -> list[TokenTuple]:
    """Same as analyze() as plain tuples (text, key, stem, loose, start, end, position).

    For the indexer's hot loop: building the frozen Token objects is most of analyze()'s
    time on long texts.
    """
    return _tuples(text, _reading_for(lang, text))


# Per-reading word caches: a plain dict look-up is the cheapest thing in the hot loop.
_WORD_CACHES: dict[str, dict[str, tuple[str, str, str]]] = {r: {} for r in READINGS}
_WORD_CACHE_MAX = 400_000


def _tuples(text: str, reading: str) -> list[TokenTuple]:
    cache = _WORD_CACHES[reading]
    out: list[TokenTuple] = []
    append = out.append
    n = len(text)
    for pos, m in enumerate(WORD_RE.finditer(text)):
        start, end = m.span()
        # Same trailing-apostrophe rule as tokenize.iter_words, inlined for speed.
        if end < n and text[end] in _APOS and keeps_final_mark(text, start, end):
            end += 1
        word = text[start:end]
        r = cache.get(word)
        if r is None:
            if len(cache) >= _WORD_CACHE_MAX:
                cache.clear()
            r = cache[word] = analyze_word(word, reading)
        append((word, r[0], r[1], r[2], start, end, pos))
    return out


# The indexer's word -> key, stem and loose key, per reading. Stems and loose keys equal to
# the key are kept as "" (see index_keys). Three dicts, so that joining a text's keys is a
# map over dict.__getitem__, a loop that never enters Python code.
_KEY_OF: dict[str, dict[str, str]] = {r: {} for r in READINGS}
_STEM_OF: dict[str, dict[str, str]] = {r: {} for r in READINGS}
_LOOSE_OF: dict[str, dict[str, str]] = {r: {} for r in READINGS}


def index_keys(text: str, lang: str | None = None) -> tuple[str, str, str]:
    """The indexer's view of ``text``: its keys, stems and loose keys, each space-joined.

    Keys come one per word, in order (positions for phrases). A stem or loose key equal to
    the word's key is left out, since the key already holds it: a search for a stem or a
    loose key looks in the key field too. On catalogue records this leaves 0.5 stems and
    0.26 loose keys per word, which is most of what indexing costs the search engine.
    """
    reading = _reading_for(lang, text)
    found = words(text)
    key_of, stem_of, loose_of = _KEY_OF[reading], _STEM_OF[reading], _LOOSE_OF[reading]
    try:
        keys = " ".join(map(key_of.__getitem__, found))
    except KeyError:
        if len(key_of) >= _WORD_CACHE_MAX:
            key_of.clear()
            stem_of.clear()
            loose_of.clear()
        for word in found:
            if word not in key_of:
                key, stem, loose = analyze_word(word, reading)
                stem_of[word] = "" if stem == key else stem
                loose_of[word] = "" if loose == key else loose
                key_of[word] = key
        keys = " ".join(map(key_of.__getitem__, found))
    return keys, " ".join(map(stem_of.__getitem__, found)), " ".join(map(loose_of.__getitem__, found))


# Frozen dataclasses set their fields through object.__setattr__ in __init__; setting the
# slots through their descriptors builds the same object in half the time.
_new = object.__new__
_SETTERS = tuple(
    Token.__dict__[f].__set__ for f in ("text", "key", "stem", "loose", "start", "end", "position")
)


def _analyze_reading(text: str, reading: str) -> list[Token]:
    s_text, s_key, s_stem, s_loose, s_start, s_end, s_pos = _SETTERS
    tokens: list[Token] = []
    append = tokens.append
    for word, key, stem, loose, start, end, pos in _tuples(text, reading):
        tok = _new(Token)
        s_text(tok, word)
        s_key(tok, key)
        s_stem(tok, stem)
        s_loose(tok, loose)
        s_start(tok, start)
        s_end(tok, end)
        s_pos(tok, pos)
        append(tok)
    return tokens


def fold(word_or_text: str, lang: str | None = None) -> str:
    """The exact key form of a string: its tokens' keys joined by single spaces."""
    return " ".join(t.key for t in analyze(word_or_text, lang))


def query_variants(text: str) -> list[list[Token]]:
    """Every plausible reading of a query, as distinct token lists (most likely first)."""
    first = _reading_for(None, text)
    readings = [first]
    has_latin = has_cyr = uz_letters = bare_c = False
    for start, end in iter_words(text):
        word = text[start:end]
        script = script_of(word)
        if script == LATN:
            has_latin = True
            low = clean(word)
            if re.search("c(?!h)", low):
                bare_c = True
        elif script == CYRL:
            has_cyr = True
            if any(ch in _UZ_CYR_LETTERS for ch in word):
                uz_letters = True
    if has_latin or has_cyr:
        readings.append("uz")
    if has_cyr and not uz_letters:
        readings.append("ru")
    if has_latin:
        readings.append("en")
        if bare_c:
            readings.append("uzc")
        readings.append("other")  # unstemmed: matches texts of undetected language
    seen: set[tuple[tuple[str, str, str], ...]] = set()
    out: list[list[Token]] = []
    for reading in dict.fromkeys(readings):
        toks = _analyze_reading(text, reading)
        sig = tuple((t.key, t.stem, t.loose) for t in toks)
        if toks and sig not in seen:
            seen.add(sig)
            out.append(toks)
    return out
