"""Language and script detection: py3langid for the language, letters for the script.

py3langid knows Uzbek but not which alphabet; the letters decide that (ў қ ғ ҳ are
Uzbek Cyrillic only; oʻ gʻ and the reformed letters are Uzbek Latin).  A Cyrillic text of
some length without a single ў қ ғ ҳ is not Uzbek: those letters are about one in twenty
in running Uzbek Cyrillic text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .normalize import APOSTROPHES, REFORMED_LETTERS_RE

UZ_LATN = "uz-Latn"
UZ_CYRL = "uz-Cyrl"
RU = "ru"
EN = "en"
OTHER = "other"

_SAMPLE = 1500  # characters looked at: a paragraph decides, the classifier is costly
_UZ_CYR_LETTERS = frozenset("ўқғҳЎҚҒҲ")
_OG_APOS_RE = re.compile("[oOgG][" + re.escape(APOSTROPHES) + "][a-zA-Z]")
_TURKIC = frozenset({"uz", "tr", "az", "tk", "kk", "ky", "tt", "ug", "crh"})


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _scores(text: str, langs: tuple[str, ...]) -> dict[str, float]:
    ranked = _identifier().rank(text)
    return {lang: float(p) for lang, p in ranked if lang in langs}


_CYR_RE = re.compile("[\u0400-\u04ff]")
_LAT_RE = re.compile("[A-Za-z\u00c0-\u024f]")
# Frequent short words: enough of them decides the language without the classifier.
_EN_WORDS_RE = re.compile(r"\b(?:the|and|of|to|is|was|that|with|for|in|it|he|she)\b")
_UZ_WORDS_RE = re.compile(
    r"\b(?:va|bilan|uchun|bu|ham|edi|deb|esa|emas|bo.lgan|bo.ladi|qilib|kerak|yil|ning)\b"
)
_LANGID_SAMPLE = 1000
# Short Cyrillic text without ў қ ғ ҳ: letters and endings only one of the languages has.
_RU_SIGNS_RE = re.compile(
    r"[ыщ]|ь(?![оеёюя])\B|(?:ого|его|ому|ие|ые|ый|ий|ая|яя|ой|ть|ться|ся|ских|ский|ция|ии)\b"
)
_UZ_CYR_SIGNS_RE = re.compile(
    r"(?:лар|нинг|ларни|ларга|ларда|дан|даги|лик|чилик|моқ|миз|ингиз)\b"
)


def detect_language(text: str) -> str:
    """"uz-Latn" | "uz-Cyrl" | "ru" | "en" | "other"."""
    if len(text) <= 200:
        return _detect_short(text)  # titles, names, subjects repeat: cache them
    return _detect(text[:_SAMPLE])


@lru_cache(maxsize=65_536)
def _detect_short(text: str) -> str:
    return _detect(text)


def _detect(sample: str) -> str:
    cyr = len(_CYR_RE.findall(sample))
    lat = len(_LAT_RE.findall(sample))
    if not cyr and not lat:
        return OTHER
    if cyr >= lat:
        if any(ch in sample for ch in _UZ_CYR_LETTERS):
            return UZ_CYRL
        if cyr >= 40:
            return RU
        low = sample.lower()
        if _RU_SIGNS_RE.search(low):
            return RU
        if _UZ_CYR_SIGNS_RE.search(low):
            return UZ_CYRL
        s = _scores(sample[:_LANGID_SAMPLE], ("uz", "ru"))
        return UZ_CYRL if s.get("uz", 0.0) > s.get("ru", 0.0) else RU
    # Latin script: letters first (oʻ gʻ with any apostrophe, reformed letters), then
    # frequent words, and the classifier only when those do not agree.
    uz_letters = len(_OG_APOS_RE.findall(sample)) + len(REFORMED_LETTERS_RE.findall(sample))
    low = sample.lower()
    en_words = len(_EN_WORDS_RE.findall(low))
    uz_words = len(_UZ_WORDS_RE.findall(low))
    if uz_letters >= 2 and uz_letters + uz_words > en_words:
        return UZ_LATN
    if en_words >= 3 and not uz_letters and uz_words * 4 < en_words:
        return EN
    ranked = _identifier().rank(sample[:_LANGID_SAMPLE])
    top = ranked[0][0]
    if top == "uz" or (top in _TURKIC and uz_letters):
        return UZ_LATN
    if top == "en":
        return UZ_LATN if uz_letters >= 2 and lat < 200 else EN
    if uz_letters >= 2:
        return UZ_LATN
    scores = {lang: float(p) for lang, p in ranked[:5]}
    if scores.get("uz", 0.0) > 0.2:
        return UZ_LATN
    return OTHER
