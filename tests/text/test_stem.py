from __future__ import annotations

import pytest

from javon.text import analyze, fold
from javon.text.stem import stem_en, stem_ru
from javon.text.stem_uz import stem_uz


def s(word: str) -> str:
    return stem_uz(fold(word, "uz"))


@pytest.mark.parametrize("word", ["ota", "olma", "tizim", "boshqa", "tomon", "oʻqish", "bosh"])
def test_look_alike_endings_are_not_cut(word: str) -> None:
    assert s(word) == fold(word, "uz")


@pytest.mark.parametrize(
    ("forms", "stem"),
    [
        (["kitob", "kitoblar", "kitobim", "kitoblarimizdan", "kitobning", "kitobdagi"], "kitob"),
        (["ota", "otasi", "otamiz", "otalarimiz", "otasining"], "ota"),
        (["olma", "olmani", "olmalar"], "olma"),
        (["tizim", "tizimi", "tizimlari", "tizimida"], "tizim"),
        (["boshqa", "boshqalar", "boshqaning"], "boshqa"),
        (["yurak", "yuragi", "yuragim", "yurakka"], "yurak"),
        (["qishloq", "qishlogʻi", "qishloqqa", "qishloqlar"], "qishloq"),
        (["oʻgʻil", "oʻgʻli", "oʻgʻlim", "oʻgʻillar"], "oʻgʻil"),
        (["shahar", "shahri", "shahrida", "shaharlar"], "shahar"),
        (["burun", "burni"], "burun"),
        (["ogʻiz", "ogʻzi"], "ogʻiz"),
        (["koʻngil", "koʻngli"], "koʻngil"),
        (["singil", "singlim"], "singil"),
        (["koʻk", "koʻkka"], "koʻk"),
        (["kel", "keldi", "kelmadi", "keladi", "kelgan", "kelyapti", "kelib", "kelsa"], "kel"),
        (["oʻqi", "oʻqidi", "oʻqiydi", "oʻqigan", "oʻqimadi"], "oʻqi"),
        (["bor", "bordi", "boradi", "bormaydi", "borayotgan"], "bor"),
        (["oʻqish", "oʻqishni", "oʻqishga"], "oʻqish"),
    ],
)
def test_inflected_forms_share_a_stem(forms: list[str], stem: str) -> None:
    assert {s(f) for f in forms} == {stem}


@pytest.mark.parametrize(
    ("derived", "base"),
    [
        ("ishchi", "ish"),
        ("kutubxona", "kutub"),
        ("vatandosh", "vatan"),
        ("bilimli", "bilim"),
        ("aqlsiz", "aql"),
        ("doʻstlik", "doʻst"),
    ],
)
def test_derivation_is_kept(derived: str, base: str) -> None:
    assert s(derived) != s(base)
    assert s(derived + "lar") == s(derived)


def test_distinct_words_keep_distinct_stems() -> None:
    for a, b in [("ota", "ot"), ("olma", "ol"), ("bosh", "boʻsh"), ("sheʼr", "sher")]:
        assert s(a) != s(b)


def test_stem_spelling_independent() -> None:
    stems = {t.stem for w in ["китобларимиздан", "kitoblarimizdan", "KITOBLARIMIZDAN"]
             for t in analyze(w, "uz")}  # fmt: skip
    assert stems == {"kitob"}


def test_russian_and_english_snowball() -> None:
    assert stem_ru("книги") == stem_ru("книга") == stem_ru("книгу")
    assert analyze("Ёлки", "ru")[0].stem == analyze("елки", "ru")[0].stem
    assert stem_en("libraries") == stem_en("library")
    assert analyze("The dog's bones", "en")[1].stem == "dog"
    assert [t.stem for t in analyze("читал книги", "ru")] == ["чита", "книг"]


def test_stem_equals_key_when_no_stemmer() -> None:
    for t in analyze("2024 كتاب", "uz"):
        assert t.stem == t.key
