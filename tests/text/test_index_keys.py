"""The indexer's fast path (tokenize.words, analyzer.index_keys) gives the same words and
keys as the analysis used for queries and snippets."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from javon.text import analyze
from javon.text.analyzer import index_keys
from javon.text.tokenize import iter_words, words

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def slow_words(text: str) -> list[str]:
    return [text[s:e] for s, e in iter_words(text)]


def test_fast_words_equal_iter_words_on_the_real_corpus() -> None:
    paths = sorted(CORPUS.glob("*.txt"))
    assert paths, "the shared corpus is missing"
    for path in paths:
        text = path.read_text(encoding="utf-8")[:100_000]  # every language and script, in seconds
        for start in range(0, len(text), 20_000):
            chunk = text[start : start + 20_000]
            assert words(chunk) == slow_words(chunk), path.name


def test_fast_words_equal_iter_words_on_apostrophe_puzzles() -> None:
    # Every apostrophe, o/g before a final mark, quote-opened words, digits, underscores,
    # Cyrillic, a combining accent and a soft hyphen (the two send words() to the slow path).
    alphabet = "oOgGab1 2.,_-'`´ʹʻʼʽˈ‘’‛′кўҚ\u0301\u00ad\"«»"
    rng = random.Random(7)
    for _ in range(30_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert words(text) == slow_words(text), repr(text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Oʻzbekiston kutubxonalarimizdan kitoblar oʻqish sheʼr 'bog' togʻ", "uz"),
        ("Кутубхоналаримиздан китоблар ўқиш шеър", "uz"),
        ("Библиотеки и книги ёлки", "ru"),
        ("Libraries and reading of books", "en"),
        ("Söz, ğalaba, şahar", None),
    ],
)
def test_index_keys_hold_the_analysis_keys(text: str, lang: str | None) -> None:
    tokens = [t for t in analyze(text, lang) if t.key]
    keys, stems, looses = index_keys(text, lang)
    assert keys.split() == [t.key for t in tokens]
    # Stems and loose keys are given only where they differ from the key.
    assert stems.split() == [t.stem for t in tokens if t.stem != t.key]
    assert looses.split() == [t.loose for t in tokens if t.loose != t.key]


def test_index_keys_of_empty_text() -> None:
    assert index_keys("", "uz") == ("", "", "")
    assert index_keys(" — ", "uz")[0].strip() == ""
