from __future__ import annotations

import pytest

from javon.text import fold, to_cyrillic, to_latin

CASES = [
    ("поезд", "poyezd"),
    ("Европа", "Yevropa"),
    ("театр", "teatr"),
    ("ер", "yer"),
    ("шоир", "shoir"),
    ("целлофан", "sellofan"),
    ("кварц", "kvars"),
    ("конструкция", "konstruksiya"),
    ("конституция", "konstitutsiya"),
    ("лицей", "litsey"),
    ("ёмғир", "yomgʻir"),
    ("заём", "zayom"),
    ("шеър", "sheʼr"),
    ("маъно", "maʼno"),
    ("санъат", "sanʼat"),
    ("мўъжиза", "moʻjiza"),
    ("Исҳоқ", "Isʼhoq"),
    ("разъезд", "razyezd"),
    ("объект", "obyekt"),
    ("апрель", "aprel"),
    ("интервью", "intervyu"),
    ("павильон", "pavilyon"),
    ("Ўзбекистон", "Oʻzbekiston"),
    ("ҲАЁТ", "HAYOT"),
    ("Шаҳар", "Shahar"),
    ("кутубхона", "kutubxona"),
    ("дунё", "dunyo"),
    ("миқёс", "miqyos"),
    ("ғалаба", "gʻalaba"),
    ("қишлоқ", "qishloq"),
    ("щётка", "shyotka"),
]


@pytest.mark.parametrize(("cyr", "lat"), CASES)
def test_cyrillic_to_latin(cyr: str, lat: str) -> None:
    assert to_latin(cyr) == lat


@pytest.mark.parametrize(
    ("cyr", "lat"),
    [
        ("сентябрь", "sentabr"),
        ("октябрь", "oktabr"),
        ("доцент", "dotsent"),
        ("абзац", "abzas"),
        ("самолёт", "samolyot"),
        ("нуқтаи", "nuqtayi"),
        ("бисёр", "bisyor"),
        ("антициклон", "antisiklon"),
    ],
)
def test_exception_words(cyr: str, lat: str) -> None:
    assert to_latin(cyr) == lat


def test_exception_word_with_inflection() -> None:
    assert to_latin("сентябрда") == "sentabrda"
    assert to_latin("целлофанга") == "sellofanga"
    assert to_cyrillic("sentabrda") == "сентябрда"


def test_text_keeps_punctuation_and_other_scripts() -> None:
    assert to_latin("Шеър, ҳикоя ва роман (2024).") == "Sheʼr, hikoya va roman (2024)."
    assert to_latin("IT-парк") == "IT-park"


@pytest.mark.parametrize(
    ("lat", "cyr"),
    [
        ("Oʻzbekiston", "Ўзбекистон"),
        ("o'qish", "ўқиш"),
        ("sheʼr", "шеър"),
        ("Isʼhoq", "Исҳоқ"),
        ("poyezd", "поезд"),
        ("Yevropa", "Европа"),
        ("eshik", "эшик"),
        ("poeziya", "поэзия"),
        ("yoʻl", "йўл"),
        ("yomgʻir", "ёмғир"),
        ("samolyot", "самолёт"),
        ("konstitutsiya", "конституция"),
        ("sellofan", "целлофан"),
        ("aytsa", "айтса"),
        ("SHAHAR", "ШАҲАР"),
    ],
)
def test_latin_to_cyrillic(lat: str, cyr: str) -> None:
    assert to_cyrillic(lat) == cyr


def test_quotes_are_not_letters_in_to_cyrillic() -> None:
    assert to_cyrillic("'kitob' va togʻ") == "'китоб' ва тоғ"


@pytest.mark.parametrize("word", [w for _, w in CASES] + ["moʻjiza", "tahririyat", "Toshkent"])
def test_round_trip_keys(word: str) -> None:
    assert fold(to_cyrillic(word), "uz") == fold(word, "uz")


@pytest.mark.parametrize(
    ("cyr", "lat"),
    [("кутубхона", "kutubxona"), ("ўқиш", "o‘qish"), ("шеър", "she'r"), ("Исҳоқ", "Is’hoq")],
)
def test_cyrillic_and_latin_give_one_key(cyr: str, lat: str) -> None:
    assert fold(cyr, "uz") == fold(lat, "uz")
