"""Text analysis for Javon: pure Python, no Django.

One analysis at index and query time: every Uzbek spelling (Cyrillic, 1995 Latin with any
apostrophe, reformed Latin letters) folds to one key; Uzbek, Russian and English are
stemmed.  See analyzer.py for the rules and normalize.py for the key conventions.
"""

from .analyzer import Token, analyze, analyze_tuples, fold, normalize_lang, query_variants
from .detect import detect_language
from .translit import to_cyrillic, to_latin

__all__ = [
    "Token",
    "analyze",
    "analyze_tuples",
    "detect_language",
    "fold",
    "normalize_lang",
    "query_variants",
    "to_cyrillic",
    "to_latin",
]
