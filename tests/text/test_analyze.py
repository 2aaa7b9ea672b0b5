from __future__ import annotations

import pytest

from javon.text import Token, analyze, detect_language, fold, query_variants


def test_offsets_map_back_to_the_original_text() -> None:
    text = "  O‘zbekiston — 'bog' va tog‘, she'r; 10-noyabr, 2,5 kg. Isʼhoq\u00adjon "
    toks = analyze(text, "uz")
    assert [t.text for t in toks] == [
        "O‘zbekiston", "bog", "va", "tog‘", "she'r", "10", "noyabr", "2,5", "kg",
        "Isʼhoq\u00adjon",
    ]  # fmt: skip
    for i, t in enumerate(toks):
        assert text[t.start : t.end] == t.text
        assert t.position == i
    assert toks[3].key == "togʻ"
    assert toks[4].key == "sheʼr"
    assert toks[-1].key == "isʼhoqjon"


def test_token_is_a_frozen_dataclass() -> None:
    tok = analyze("kitob", "uz")[0]
    assert isinstance(tok, Token)
    with pytest.raises(AttributeError):
        tok.key = "x"  # type: ignore[misc]


def test_cyrillic_and_latin_documents_get_the_same_keys() -> None:
    cyr = "Ўзбекистон Республикасининг пойтахти Тошкент шаҳри. Шеър ўқиш."
    lat = "O‘zbekiston Respublikasining poytaxti Toshkent shahri. She’r o'qish."
    assert [t.key for t in analyze(cyr)] == [t.key for t in analyze(lat)]


def test_russian_keeps_cyrillic_keys() -> None:
    toks = analyze("Ёжик читал книги в библиотеке", "ru")
    assert [t.key for t in toks] == ["ежик", "читал", "книги", "в", "библиотеке"]
    auto = analyze("Я сегодня ходил в библиотеку и читал новые книги о войне.")
    assert auto[0].key == "я"
    assert all(not t.key.isascii() for t in auto)


def test_uzbek_letters_force_uzbek_reading_in_russian_text() -> None:
    toks = analyze("Книга «Ўткан кунлар»", "ru")
    assert [t.key for t in toks] == ["книга", "oʻtkan", "кунлар"]


def test_numbers_and_other_scripts() -> None:
    toks = analyze("2024 йил, ISBN 978-5-17 كتاب", "uz")
    assert [t.key for t in toks] == ["2024", "yil", "isbn", "978", "5", "17", "كتاب"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ўзбекистон пойтахти Тошкент шаҳри", "uz-Cyrl"),
        ("Oʻzbekiston poytaxti Toshkent shahri", "uz-Latn"),
        ("Bugun havo juda issiq boʻldi", "uz-Latn"),
        ("Я сегодня ходил в школу и читал книгу", "ru"),
        ("The quick brown fox jumps over the lazy dog", "en"),
        ("Der schnelle braune Fuchs springt über den faulen Hund", "other"),
        ("12345", "other"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_fold_joins_keys() -> None:
    assert fold("Abdulla Qodiriy — «O‘tgan kunlar»", "uz") == "abdulla qodiriy oʻtgan kunlar"


def test_query_variants_ambiguous_cyrillic() -> None:
    keys = {tuple(t.key for t in v) for v in query_variants("китоб")}
    assert ("kitob",) in keys and ("китоб",) in keys
    keys = {tuple(t.key for t in v) for v in query_variants("книга")}
    assert ("книга",) in keys


def test_query_variants_uzbek_letters_one_reading() -> None:
    variants = query_variants("қўл")
    assert {tuple(t.key for t in v) for v in variants} == {("qoʻl",)}


def test_query_variants_latin_uz_and_en() -> None:
    variants = query_variants("libraries")
    stems = {v[0].stem for v in variants}
    assert "librari" in stems  # English reading
    assert len(variants) == len({tuple((t.key, t.stem, t.loose) for t in v) for v in variants})


def test_empty_text() -> None:
    assert analyze("") == []
    assert analyze("  ,.;  ") == []
    assert fold("") == ""
    assert query_variants("") == []
    assert query_variants(" -- ") == []


def test_analyze_tuples_matches_analyze() -> None:
    from javon.text.analyzer import analyze_tuples

    text = "Ўзбекистон кутубхоналари: 'bog' va togʻ, sheʼr."
    assert [
        (t.text, t.key, t.stem, t.loose, t.start, t.end, t.position) for t in analyze(text, "uz")
    ] == analyze_tuples(text, "uz")


def test_reformed_query_gets_the_bare_c_reading() -> None:
    keys = {tuple(t.key for t in v) for v in query_variants("cõl")}
    assert ("choʻl",) in keys
    keys = {tuple(t.key for t in v) for v in query_variants("Coca")}
    assert ("coca",) in keys and ("chocha",) in keys


@pytest.mark.parametrize(
    "document",
    [
        "Ўзбекистон кутубхоналарида шеърлар ўқилди",
        "O‘zbekiston kutubxonalarida she'rlar o`qildi",
        "Ozbekiston kutubxonalarida şe'rlar öqildi",
        "Война и мир: книги в библиотеках Ташкента",
        "The libraries of Samarkand and Bukhara",
    ],
)
def test_index_and_query_agree(document: str) -> None:
    """Every document word, typed alone as a query, has a reading with the same stem."""
    for tok in analyze(document):
        readings = query_variants(tok.text)
        assert any(v[0].key == tok.key for v in readings), tok
        assert any(v[0].stem == tok.stem for v in readings), tok


def test_latin_query_finds_cyrillic_document() -> None:
    doc = {t.stem for t in analyze("Ўзбекистон кутубхоналарида шеърлар ўқилди")}
    for query in ["kutubxona", "sheʼr", "she'rlar", "Oʻzbekiston", "кутубхона"]:
        assert any(v[0].stem in doc for v in query_variants(query)), query


def test_mixed_script_look_alikes_are_repaired() -> None:
    assert analyze("Тoшкент", "uz")[0].key == "toshkent"  # Latin o inside Cyrillic
    assert analyze("Тoлстой", "ru")[0].key == "толстой"
    assert analyze("Toshkеnt", "uz")[0].key == "toshkent"  # Cyrillic е inside Latin
    assert analyze("Тoшкент", "uz")[0].text == "Тoшкент"  # the surface is kept


@pytest.mark.parametrize(
    ("tag", "code"),
    [("uz", "uz"), ("uz-Latn", "uz"), ("uz_Cyrl", "uz"), ("uzb", "uz"), ("ru-RU", "ru"),
     ("rus", "ru"), ("en-GB", "en"), ("eng", "en"), ("fr", "other"), ("auto", None),
     (None, None), ("", None)],
)  # fmt: skip
def test_language_tags(tag: str | None, code: str | None) -> None:
    from javon.text import normalize_lang

    assert normalize_lang(tag) == code


def test_marc_language_codes_select_the_stemmer() -> None:
    assert [t.stem for t in analyze("Pride and Prejudice", "eng")][2] == "prejudic"
    assert analyze("кутубхоналар", "uzb")[0].stem == "kutubxona"
    assert analyze("книгами", "rus")[0].stem == "книг"
