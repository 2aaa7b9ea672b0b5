"""Uzbek Cyrillic <-> Latin by the 1995 rules, with dictionary exceptions.

The rules that are not one-to-one (see ORTHOGRAPHY.md):

* е -> ye at the start of a word, after a vowel and after ъ/ь; e elsewhere.
* ц -> s at the start/end of a word and after a consonant; ts after a vowel.
* ё ю я -> yo yu ya (the Russian-loan cases where they only soften a consonant, as in
  сентябрь -> sentabr, come from the exception list: no rule decides them).
* ь is dropped, except before о where it is y (павильон -> pavilyon).
* ъ -> ʼ (шеър -> sheʼr, санъат -> sanʼat), dropped after ў (мўъжиза -> moʻjiza) and in
  Russian loans where a consonant precedes and е/ё/ю/я follows (объект -> obyekt).
* с + ҳ -> sʼh (Исҳоқ -> Isʼhoq) so that it does not read as sh.

Exceptions: ``data/cyr_exwords.csv`` (latin,cyrillic) and ``data/lat_exwords.csv``
(cyrillic,latin) from UzTransliterator (MIT, see data/UZTRANSLITERATOR-LICENSE). An
exception also applies to an inflected form when the rest of the word is a plain
inflectional ending (сентябрда, конституциясида).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .normalize import OKINA, TUTUQ, clean_cyrillic, fold_latin, has_reformed_letters
from .tokenize import CYRL, LATN, iter_words, script_of

CYR_VOWELS = frozenset("аеёиоуўэюяы")
LAT_VOWELS = frozenset("aeiou")

_SIMPLE_C2L = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ж": "j", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ч": "ch", "ш": "sh", "щ": "sh",
    "ы": "i", "э": "e", "ё": "yo", "ю": "yu", "я": "ya", "ў": "o" + OKINA, "қ": "q",
    "ғ": "g" + OKINA, "ҳ": "h",
}  # fmt: skip

# Exception entries in the upstream list that contradict the official rules or the
# spelling found in real Latin text (Европа is Yevropa; "ryeaksiya" is a typo of reaksiya).
_BAD_EXCEPTIONS = frozenset(
    {"европа", "реакция", "реакцион", "реакционер", "телеинсценировка", "видеофильм"}
)
# Where the upstream list has two readings, the one used by the official dictionary.
_PREFERRED = {
    "антициклон": "antisiklon",
    "коэффициент": "koeffitsiyent",
    "валюта": "valyuta",  # the spelling of today's Latin press
}

# A plain inflectional tail (plural, possessive, case, -dagi/-niki, common particles):
# an exception word followed by one of these keeps its exceptional spelling.
_LAT_TAIL_RE = re.compile(
    r"(?:lar)?(?:i|si|im|ing|imiz|ingiz|m|ng|miz|ngiz|ning)?"
    r"(?:ning|ni|ga|ka|qa|da|ta|dan|tan|dagi|niki|gacha|day|dek)?(?:mi|dir|gina|chi)?"
)
_CYR_TAIL_RE = re.compile(
    r"(?:лар)?(?:и|си|им|инг|имиз|ингиз|м|нг|миз|нгиз|нинг)?"
    r"(?:нинг|ни|га|ка|қа|да|та|дан|тан|даги|ники|гача|дай|дек)?(?:ми|дир|гина|чи)?"
)


def _read(name: str) -> list[tuple[str, str]]:
    text = resources.files(__package__).joinpath("data", name).read_text("utf-8")
    rows = []
    for line in text.splitlines():
        parts = line.strip().split(",")
        if len(parts) == 2 and parts[0] and parts[1]:
            rows.append((parts[0].strip(), parts[1].strip()))
    return rows


def _load() -> tuple[dict[str, str], dict[str, str]]:
    cyr2lat: dict[str, str] = {}
    lat2cyr: dict[str, str] = {}
    for lat, cyr in _read("cyr_exwords.csv"):
        c, la = clean_cyrillic(cyr), fold_latin(lat)
        if c in _BAD_EXCEPTIONS:
            continue
        cyr2lat.setdefault(c, la)  # first reading wins; it follows the rules
        lat2cyr.setdefault(la, c)
    for cyr, lat in _read("lat_exwords.csv"):
        c, la = clean_cyrillic(cyr), fold_latin(lat)
        lat2cyr[la] = c
        cyr2lat.setdefault(c, la)
    cyr2lat.update(_PREFERRED)
    # Words are split at hyphens, so a hyphenated entry (вице-президент) lends its parts.
    for table in (cyr2lat, lat2cyr):
        for src, dst in list(table.items()):
            if "-" in src and src.count("-") == dst.count("-"):
                for a, b in zip(src.split("-"), dst.split("-"), strict=True):
                    table.setdefault(a, b)
    # Words ending in ь lose it before endings (сентябрь -> сентябрда).
    for c, la in list(cyr2lat.items()):
        if c.endswith("ь") and len(c) > 5:
            cyr2lat.setdefault(c[:-1], la)
    return cyr2lat, lat2cyr


CYR_EXCEPTIONS, LAT_EXCEPTIONS = _load()
_MIN_PREFIX = 4


def _cyr_chunks(w: str, prev: str = "") -> list[str]:
    """Latin for each letter of a lower-case Uzbek Cyrillic word, by the rules.

    ``prev`` is the letter before ``w`` when ``w`` is the tail of a longer word.
    """
    out: list[str] = []
    n = len(w)
    for i, ch in enumerate(w):
        before = w[i - 1] if i else prev
        after = w[i + 1] if i + 1 < n else ""
        start = not before
        if ch == "е":
            out.append("ye" if start or before in CYR_VOWELS or before in "ъь" else "e")
        elif ch == "ц":
            out.append("s" if start or not after or before not in CYR_VOWELS else "ts")
        elif ch == "ь":
            out.append("y" if after == "о" else "")
        elif ch == "ъ":
            russian_loan = bool(before and after) and (
                before not in CYR_VOWELS and before not in "ъь" and after in "еёюя"
            )
            out.append("" if before == "ў" or russian_loan else TUTUQ)
        elif ch == "ҳ" and before == "с":
            out.append(TUTUQ + "h")
        else:
            out.append(_SIMPLE_C2L.get(ch, ch))
    return out


def _cyr_rules(w: str, prev: str = "") -> str:
    return "".join(_cyr_chunks(w, prev))


@lru_cache(maxsize=200_000)
def cyr_word_to_latin_lower(word: str) -> str:
    """Lower-case Latin form of one Uzbek Cyrillic word (no hyphens)."""
    w = clean_cyrillic(word)
    exc = CYR_EXCEPTIONS.get(w)
    if exc is not None:
        return exc
    # An exception word followed by an inflectional tail.
    for cut in range(len(w) - 1, _MIN_PREFIX - 1, -1):
        exc = CYR_EXCEPTIONS.get(w[:cut])
        if exc is not None and _CYR_TAIL_RE.fullmatch(w, cut):
            return exc + _cyr_rules(w[cut:], w[cut - 1])
    return _cyr_rules(w)


def _apply_case(src: str, out: str) -> str:
    letters = [c for c in src if c.isalpha()]
    if not letters or not any(c.isupper() for c in letters):
        return out
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return out.upper()
    # Mixed case: carry upper case letter by letter (Ш -> Sh).
    return out[:1].upper() + out[1:] if src[:1].isupper() and out else out


def _cyr_word_to_latin_cased(word: str) -> str:
    """Display form: the case of every Cyrillic letter carried to its Latin letters."""
    if word.islower() or not any(c.isupper() for c in word):
        return cyr_word_to_latin_lower(word)
    w = clean_cyrillic(word)
    if len(w) != len(word) or w in CYR_EXCEPTIONS or cyr_word_to_latin_lower(word) != _cyr_rules(w):
        return _apply_case(word, cyr_word_to_latin_lower(word))  # exception: whole-word case
    all_upper = len([c for c in word if c.isalpha()]) > 1 and word.isupper()
    parts = []
    for src, chunk in zip(word, _cyr_chunks(w), strict=True):
        if src.isupper():
            chunk = chunk.upper() if all_upper else chunk[:1].upper() + chunk[1:]
        parts.append(chunk)
    return "".join(parts)


def to_latin(cyrillic_uz: str) -> str:
    """Uzbek Cyrillic text -> 1995 Latin (ʻ in oʻ gʻ, ʼ for the tutuq); other text kept."""
    parts: list[str] = []
    last = 0
    for start, end in iter_words(cyrillic_uz):
        if script_of(cyrillic_uz[start:end]) != CYRL:
            continue
        parts.append(cyrillic_uz[last:start])
        parts.append(_cyr_word_to_latin_cased(cyrillic_uz[start:end]))
        last = end
    parts.append(cyrillic_uz[last:])
    return "".join(parts)


# ---------------------------------------------------------------- Latin -> Cyrillic

_L2C_MULTI = [
    ("s" + TUTUQ + "h", "сҳ"),
    ("yo" + OKINA, "йў"),
    ("o" + OKINA, "ў"),
    ("g" + OKINA, "ғ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("yo", "ё"),
    ("yu", "ю"),
    ("ya", "я"),
]
_L2C_SIMPLE = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "f": "ф", "g": "г", "h": "ҳ", "i": "и",
    "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ",
    "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "х", "y": "й",
    "z": "з", TUTUQ: "ъ", OKINA: "ъ",
}  # fmt: skip


def _lat_rules(w: str, prev: str = "") -> str:
    out: list[str] = []
    i, n = 0, len(w)
    while i < n:
        before = w[i - 1] if i else prev
        if w.startswith("ye", i):
            if not before or before in LAT_VOWELS or before in (TUTUQ, OKINA):
                out.append("е")
            else:
                out.append("ье")  # obyekt-like loans; ь keeps the y on the way back
            i += 2
            continue
        if w[i] == "e":
            out.append("э" if not before or before in LAT_VOWELS else "е")
            i += 1
            continue
        for lat, cyr in _L2C_MULTI:
            if w.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(_L2C_SIMPLE.get(w[i], w[i]))
            i += 1
    return "".join(out)


@lru_cache(maxsize=200_000)
def lat_word_to_cyrillic_lower(word: str, bare_c_is_ch: bool = False) -> str:
    w = fold_latin(word, bare_c_is_ch)
    exc = LAT_EXCEPTIONS.get(w)
    if exc is not None:
        return exc
    for cut in range(len(w) - 1, _MIN_PREFIX - 1, -1):
        exc = LAT_EXCEPTIONS.get(w[:cut])
        if exc is not None and _LAT_TAIL_RE.fullmatch(w, cut):
            if exc.endswith("ь"):
                exc = exc[:-1]  # сентябрь -> сентябрда: ь goes before an ending
            return exc + _lat_rules(w[cut:], w[cut - 1])
    return _lat_rules(w)


def _lat_word_to_cyr_cased(word: str, bare_c_is_ch: bool = False) -> str:
    low = lat_word_to_cyrillic_lower(word, bare_c_is_ch)
    letters = [c for c in word if c.isalpha() and c not in (OKINA, TUTUQ)]
    if not letters or not letters[0].isupper():
        return low
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return low.upper()
    return low[:1].upper() + low[1:]


def to_cyrillic(latin_uz: str) -> str:
    """Uzbek Latin text (any apostrophe, reformed letters too) -> Cyrillic; best effort.

    Apostrophes that open or close a quotation are left alone.  In a text written with the
    2023 draft letters (õ ğ ş, no ç) a bare c is ch.
    """
    bare_c = has_reformed_letters(latin_uz) and "ç" not in latin_uz and "Ç" not in latin_uz
    parts: list[str] = []
    last = 0
    for start, end in iter_words(latin_uz):
        if script_of(latin_uz[start:end]) != LATN:
            continue
        parts.append(latin_uz[last:start])
        parts.append(_lat_word_to_cyr_cased(latin_uz[start:end], bare_c))
        last = end
    parts.append(latin_uz[last:])
    return "".join(parts)
