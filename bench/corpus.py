"""A seeded generator of catalogue records for benchmarks, built from the real corpus words.

Titles, creators, subjects and abstracts are drawn from the words of ../shared/corpus in
their real frequencies (Zipf-like, as in real catalogues), in Uzbek, Russian and English.
The same seed gives the same records.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
WORD = re.compile(r"[^\W\d_]+(?:[ʻʼ'’‘][^\W\d_]+)*", re.UNICODE)
TYPES = ["book"] * 6 + ["article"] * 3 + ["textbook", "monograph", "dissertation", "abstract", "reference"]


@dataclass
class Record:
    title: str
    creators: list[str]
    subjects: list[str]
    abstract: str
    type: str
    language: str
    year: int


def vocabulary(lang: str, limit: int = 20000) -> tuple[list[str], list[int]]:
    counts: Counter[str] = Counter()
    for path in sorted(CORPUS.glob(f"{lang}-*.txt")):
        counts.update(w.lower() for w in WORD.findall(path.read_text(encoding="utf-8")) if len(w) > 2)
    common = counts.most_common(limit)
    return [w for w, _ in common], [c for _, c in common]


class Generator:
    def __init__(self, seed: int = 42) -> None:
        self.rng = random.Random(seed)
        self.vocab = {lang: vocabulary(lang) for lang in ("uz", "ru", "en")}
        # Cumulative weights once: random.choices would re-add 20,000 weights on every call.
        self.cum = {lang: list(itertools.accumulate(weights)) for lang, (_w, weights) in self.vocab.items()}
        self.surnames = {lang: [w.capitalize() for w in self.vocab[lang][0][200:2200]] for lang in self.vocab}

    def words(self, lang: str, n: int) -> list[str]:
        return self.rng.choices(self.vocab[lang][0], cum_weights=self.cum[lang], k=n)

    def record(self) -> Record:
        rng = self.rng
        lang = rng.choices(["uz", "ru", "en"], weights=[5, 3, 2])[0]
        title = " ".join(self.words(lang, rng.randint(2, 7))).capitalize()
        creators = [
            f"{rng.choice(self.surnames[lang])}, {rng.choice(self.surnames[lang])}"
            for _ in range(rng.choice([1, 1, 1, 2, 3]))
        ]
        subjects = [" ".join(self.words(lang, rng.randint(1, 2))) for _ in range(rng.randint(1, 4))]
        abstract = " ".join(self.words(lang, rng.randint(20, 80))).capitalize() + "."
        return Record(title, creators, subjects, abstract, rng.choice(TYPES), lang, rng.randint(1900, 2026))

    def records(self, n: int) -> list[Record]:
        return [self.record() for _ in range(n)]
