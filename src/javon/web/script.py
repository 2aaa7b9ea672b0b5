"""The script (Latin or Cyrillic) in which a reader sees Uzbek metadata.

Metadata is stored as catalogued, in either alphabet; pages show the Uzbek part of it in
the reader's script.  Only Uzbek is converted: Russian and English metadata are shown as
they are, and so is everything of a work whose languages do not include Uzbek.

The reader's choice is the ``javon_script`` cookie (set by ``web:set_script``); without
it, the Cyrillic interface language ("uz-cyrl") means Cyrillic, anything else Latin.
Template filters cannot see the template context, so the context processor ``context``
also records the request's script for the ``script`` filter (javon.web.templatetags).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest
from django.utils.translation import get_language

from javon.text import detect_language, normalize_lang, to_cyrillic, to_latin

LATN = "Latn"
CYRL = "Cyrl"
SCRIPTS = (LATN, CYRL)
COOKIE = "javon_script"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60

_CYR_RE = re.compile("[\u0400-\u04ff]")
_LAT_RE = re.compile("[A-Za-z\u00c0-\u024f]")
_UZ_CYR_LETTERS = frozenset("ўқғҳЎҚҒҲ")
# Letters Uzbek Cyrillic does not have: a string with one of them is Russian.
_RU_ONLY_LETTERS = frozenset("ыщЫЩ")
# oʻ gʻ with any apostrophe, and the letters of the reformed Latin alphabet.
_UZ_LATIN_RE = re.compile("[oOgG][\u02bb\u02bc\u2018\u2019'`\u00b4][a-zA-Z]|[öõŏóğǵşșçÖÕŎÓĞǴŞȘÇ]")
# Below this many letters the language detector is unreliable; such strings of an
# Uzbek work (titles, names, subjects) are taken to be Uzbek.
_LONG = 40

_current: ContextVar[str] = ContextVar("javon_script", default=LATN)


def _russian(text: str, cyr: int) -> bool:
    """Cyrillic text that cannot be Uzbek: no ў қ ғ ҳ, and a Russian-only letter or long."""
    if any(ch in _UZ_CYR_LETTERS for ch in text):
        return False
    return any(ch in _RU_ONLY_LETTERS for ch in text) or cyr >= _LONG


def _english(text: str, lat: int) -> bool:
    """Latin text that is plainly English: no Uzbek letters, long, and detected as English."""
    return lat >= _LONG and not _UZ_LATIN_RE.search(text) and detect_language(text) == "en"


def display(text: str, script: str, is_uzbek: bool) -> str:
    """``text`` in ``script`` ("Latn" or "Cyrl") when it is Uzbek metadata; else unchanged.

    Only a string written in the other script is converted, and only when its work is
    Uzbek: in a work that is not Uzbek, Cyrillic is Russian and Latin may be English.
    Even in an Uzbek work, plainly Russian or English strings (of a work in several
    languages) are left alone.
    """
    if not text or not is_uzbek or script not in SCRIPTS:
        return text
    cyr = len(_CYR_RE.findall(text))
    lat = len(_LAT_RE.findall(text))
    if script == LATN:
        if not cyr or _russian(text, cyr):
            return text
        return to_latin(text)
    if not lat or _english(text, lat):
        return text
    return to_cyrillic(text)


def is_uzbek(obj: Any) -> bool:
    """Is this metadata Uzbek?  ``obj``: a work (its languages), a record with a language
    (an alternative title; falls back to its work when blank), a language code, or a bool."""
    if obj is None:
        return False
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, str):
        return normalize_lang(obj) == "uz"
    languages = getattr(obj, "languages", None)
    if isinstance(languages, list | tuple):
        return any(isinstance(code, str) and normalize_lang(code) == "uz" for code in languages)
    language = getattr(obj, "language", None)
    if isinstance(language, str) and language.strip():
        return normalize_lang(language) == "uz"
    work = getattr(obj, "work", None)
    return work is not None and work is not obj and is_uzbek(work)


def reader_script(request: HttpRequest) -> str:
    """The script the reader chose (cookie), else the interface language's."""
    chosen = request.COOKIES.get(COOKIE, "")
    if chosen in SCRIPTS:
        return chosen
    return CYRL if (get_language() or "").lower() == "uz-cyrl" else LATN


def current() -> str:
    """The script of the request being rendered (Latin outside a request)."""
    return _current.get()


def context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``javon_script`` for templates, and for the ``script`` filter."""
    script = reader_script(request)
    _current.set(script)
    return {"javon_script": script}


def _forget(**_: Any) -> None:
    # A worker thread serves many requests: do not let one reader's choice outlive its request.
    _current.set(LATN)


request_finished.connect(_forget, dispatch_uid="javon.web.script.forget")
