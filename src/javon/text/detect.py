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

from .normalize import APOSTROPHES, REFORMED_LETTERS

UZ_LATN = "uz-Latn"
UZ_CYRL = "uz-Cyrl"
RU = "ru"
EN = "en"
OTHER = "other"

_SAMPLE = 4000  # characters looked at; a page or a catalogue record is enough
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


def detect_language(text: str) -> str:
    """"uz-Latn" | "uz-Cyrl" | "ru" | "en" | "other"."""
    sample = text[:_SAMPLE]
    cyr = lat = uz_cyr = 0
    for ch in sample:
        if "\u0400" <= ch <= "\u04ff":
            cyr += 1
            if ch in _UZ_CYR_LETTERS:
                uz_cyr += 1
        elif ch.isascii():
            if ch.isalpha():
                lat += 1
        elif ch.isalpha() and ch < "\u0250":
            lat += 1
    if not cyr and not lat:
        return OTHER
    if cyr >= lat:
        if uz_cyr:
            return UZ_CYRL
        if cyr >= 60:
            return RU
        s = _scores(sample, ("uz", "ru"))
        return UZ_CYRL if s.get("uz", 0.0) > s.get("ru", 0.0) else RU
    # Latin script.
    uz_evidence = len(_OG_APOS_RE.findall(sample)) + sum(
        1 for ch in sample if ch in REFORMED_LETTERS
    )
    ranked = _identifier().rank(sample)
    top = ranked[0][0]
    if top == "uz" or (top in _TURKIC and uz_evidence):
        return UZ_LATN
    if top == "en":
        # Short English-looking text with Uzbek letters (oʻ gʻ) is Uzbek.
        return UZ_LATN if uz_evidence >= 2 and lat < 200 else EN
    if uz_evidence >= 2:
        return UZ_LATN
    scores = {lang: float(p) for lang, p in ranked[:5]}
    if scores.get("uz", 0.0) > 0.2:
        return UZ_LATN
    return OTHER
