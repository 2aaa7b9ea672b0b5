from __future__ import annotations

import unicodedata

import pytest

from javon.text import analyze, fold
from javon.text.normalize import APOSTROPHES, OKINA, TUTUQ, fold_latin

APOS_VARIANTS = ["'", "`", "´", "ʻ", "ʼ", "‘", "’", "ʹ", "′"]


@pytest.mark.parametrize("apos", APOS_VARIANTS)
def test_every_apostrophe_gives_one_key(apos: str) -> None:
    assert fold(f"o{apos}qish", "uz") == "o" + OKINA + "qish"
    assert fold(f"O{apos}zbekiston", "uz") == "o" + OKINA + "zbekiston"
    assert fold(f"g{apos}alaba", "uz") == "g" + OKINA + "alaba"
    assert fold(f"she{apos}r", "uz") == "she" + TUTUQ + "r"
    assert fold(f"ta{apos}lim", "uz") == "ta" + TUTUQ + "lim"


def test_apostrophe_list_covers_counted_characters() -> None:
    for ch in "\u2018\u02bb\u2019'\u02bc`\u00b4":
        assert ch in APOSTROPHES


@pytest.mark.parametrize(
    "spelling", ["oʻqish", "o'qish", "o‘qish", "o’qish", "ŏqish", "öqish", "õqish", "óqish"]
)
def test_reformed_and_1995_spellings_agree(spelling: str) -> None:
    assert fold(spelling, "uz") == "oʻqish"
    assert fold(spelling.upper(), "uz") == "oʻqish"


def test_reformed_consonants() -> None:
    assert fold("ğalaba", "uz") == fold("g‘alaba", "uz") == fold("ǵalaba", "uz")
    assert fold("şahar", "uz") == "shahar"
    assert fold("çiroq", "uz") == "chiroq"
    assert fold("Şoir", "uz") == "shoir"


def test_bare_c_is_ch_only_in_reformed_text() -> None:
    # 2023 draft: c for ch; folded when the text is in that spelling.
    assert fold("cõl va cang", "uz") == "choʻl va chang"
    # A 1995 text keeps foreign c.
    assert fold("Coca-Cola", "uz") == "coca cola"


def test_decomposed_unicode_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "ŏqish")
    assert fold(decomposed, "uz") == "oʻqish"
    assert fold(unicodedata.normalize("NFD", "қўл"), "uz") == "qoʻl"


def test_no_turkish_dotless_i() -> None:
    assert fold("ISHLAR", "uz") == "ishlar"
    assert fold("İstanbul", "uz") == "istanbul"
    assert fold_latin("KITOB") == "kitob"


def test_repeated_marks_collapse() -> None:
    assert fold("o‘’qish", "uz") == "oʻqish"
    assert fold("ŏ'qish", "uz") == "oʻqish"


def test_invisible_characters_removed() -> None:
    assert fold("kitob\u00adlar", "uz") == "kitoblar"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("bosh", "boʻsh"),
        ("sher", "sheʼr"),
        ("ot", "oʻt"),
        ("on", "oʻn"),
        ("tana", "taʼna"),
        ("surat", "surʼat"),
        ("кўл", "қўл"),
        ("ун", "ўн"),
        ("хол", "ҳол"),
        ("гўр", "ғўр"),
        ("бош", "бўш"),
    ],
)
def test_distinct_words_stay_distinct(a: str, b: str) -> None:
    assert fold(a, "uz") != fold(b, "uz")


def test_loose_key_forgives_russian_keyboard_and_dropped_marks() -> None:
    def loose(w: str) -> str:
        return analyze(w, "uz")[0].loose

    assert loose("кул") == loose("кўл") == loose("қўл") == loose("koʻl") == loose("kol")
    assert loose("sher") == loose("sheʼr")
    assert loose("Исхок") == loose("Исҳоқ") == loose("Isʼhoq")
    assert loose("хол") == loose("ҳол") == loose("hol")
    # ...but the exact keys stay apart
    assert analyze("кўл", "uz")[0].key != analyze("қўл", "uz")[0].key
