"""The interface in Uzbek (Latin and Cyrillic), Russian and English.

What is checked: every message of the templates and the Python code is translated (and the
test names what is not); the Cyrillic Uzbek catalogue is the Latin one transliterated; the
compiled catalogues are current; pages in uz, uz-cyrl and ru show no English message; the
switcher and Accept-Language choose the language and the choice sticks; an Uzbek interface
language chooses the script of Uzbek metadata; dates, sizes and counts are localised.
"""

from __future__ import annotations

import html
import re
import subprocess
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format

from javon.catalog.services import Creator
from javon.ingest import services as ingest
from javon.ingest.models import ImportItem
from javon.web import catalogues
from tests.factories import make_work, write_pdf

LOCALES = {"uz": "uz", "uz-cyrl": "uz_Cyrl", "ru": "ru"}


@cache
def wanted() -> polib.POFile:
    """The messages the code asks for now (makemessages into a temporary folder)."""
    return catalogues.extract()


@cache
def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(catalogues.po_path(locale)))


# -- the catalogues ----------------------------------------------------------------------


@pytest.mark.parametrize("locale", catalogues.TRANSLATED)
def test_every_message_is_translated(locale: str) -> None:
    gaps = catalogues.missing(wanted(), catalogue(locale), locale)
    assert not gaps, (
        f"{len(gaps)} message(s) to translate: run `make messages`, translate them in "
        "src/javon/web/locale/{uz,ru}/LC_MESSAGES/django.po (uz_Cyrl is made from uz), "
        "and run `make messages` again:\n" + "\n".join(map(str, gaps))
    )


def _entries(po: polib.POFile) -> list[tuple[str, str, str, str]]:
    return [
        (e.msgctxt or "", e.msgid, e.msgstr, repr(sorted(e.msgstr_plural.items())))
        for e in po
        if not e.obsolete
    ]


def test_cyrillic_catalogue_is_the_latin_one_transliterated() -> None:
    made = catalogues.cyrillic_catalogue(catalogue("uz"), catalogues.read_overrides())
    assert _entries(made) == _entries(catalogue("uz_Cyrl")), "uz_Cyrl drifted from uz: run `make messages`"


@pytest.mark.parametrize("locale", catalogues.TRANSLATED)
def test_compiled_catalogues_are_current(locale: str, tmp_path: Path) -> None:
    po = catalogues.po_path(locale)
    fresh = tmp_path / "django.mo"
    # --check: placeholders of every translation match the English ones, plural forms are sound.
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    compiled = po.with_suffix(".mo")
    assert compiled.exists() and compiled.read_bytes() == fresh.read_bytes(), (
        f"{compiled} is missing or older than its .po: run `make setup` (or `make messages`)"
    )


def test_transliteration_keeps_placeholders_markup_and_names() -> None:
    overrides = catalogues.read_overrides()
    assert catalogues.transliterate("%(n)s ta asar", overrides) == "%(n)s та асар"
    assert catalogues.transliterate('<a href="%(url)s">bu yerda</a>', overrides) == '<a href="%(url)s">бу ерда</a>'
    assert catalogues.transliterate("%(title)s: %%N-sahifa", overrides) == "%(title)s: %%N-саҳифа"
    assert catalogues.transliterate("PDF faylni yuklab olish", overrides) == "PDF файлни юклаб олиш"
    assert catalogues.transliterate("masalan, embargo:YYYY-MM-DD", overrides) == "масалан, embargo:YYYY-MM-DD"
    assert catalogues.transliterate("GOST matni", overrides) == "ГОСТ матни"
    assert catalogues.transliterate("Annotatsiya", overrides) == "Аннотация"
    assert catalogues.transliterate("Oʻqish", overrides) == "Ўқиш"
    assert catalogues.transliterate("Mualliflar A–Z", overrides) == "Муаллифлар А–Я"
    assert catalogues.transliterate("%s KB", overrides) == "%s КБ"
    assert catalogues.transliterate("masalan, uzb_cyrl+rus (.mrc)", overrides) == "масалан, uzb_cyrl+rus (.mrc)"


def test_russian_has_three_plural_forms_and_uzbek_one() -> None:
    assert catalogue("ru").metadata["Plural-Forms"].startswith("nplurals=3;")
    assert catalogue("uz").metadata["Plural-Forms"].startswith("nplurals=1;")
    with translation.override("ru"):
        forms = [translation.ngettext("%(n)s work", "%(n)s works", n) % {"n": n} for n in (1, 3, 5, 21, 11)]
    assert forms == ["1 произведение", "3 произведения", "5 произведений", "21 произведение", "11 произведений"]


# -- pages without English ---------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text a reader sees or hears: element text and the attributes shown or read aloud."""

    SHOWN = ("alt", "title", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.SHOWN and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    # Addresses (a citation's URL) are not words of the interface.
    return re.sub(r"\w+://\S+", " ", html.unescape(" ".join(parser.parts)))


_PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|%%")


def english_left(text: str, locale: str) -> list[str]:
    """English messages (whole words) in ``text`` that ``locale`` translates differently."""
    po = catalogue(locale)
    # Words the translations use too are not English left over (Import, Video, PDF).
    own = " ".join(e.msgstr or " ".join(e.msgstr_plural.values()) for e in po)
    # The switcher names each language in itself (English on every page).
    names = {name for _, name in settings.LANGUAGES}
    found = []
    for entry in wanted():
        if entry.msgid in names:
            continue
        for message in filter(None, (entry.msgid, entry.msgid_plural)):
            pieces = [p.strip(" .,:;") for p in _PLACEHOLDER.split(message)]
            for piece in pieces:
                whole = rf"(?<!\w){re.escape(piece)}(?!\w)"
                if len(piece) >= 3 and re.search(whole, text) and not re.search(whole, own):
                    found.append(piece)
    return found


@pytest.fixture
def library(staff_user: Any, tmp_path: Path) -> dict[str, Any]:
    """A work with a real PDF (pages, size, a date), a metadata-only work, and an import job."""
    folder = tmp_path / "in"
    folder.mkdir()
    text = "Kutubxona haqida kitob. Oʻquvchilar kitoblarni oʻqidilar. " * 20
    path = write_pdf(folder, "kitob.pdf", text, title="Kutubxona tarixi", author="Karimov, Anvar", language="uz")
    job = ingest.import_paths([path], actor="test", defaults={"languages": ["uz"], "subjects": "tarix; kutubxona"})
    item = job.items.get()
    assert item.status == ImportItem.Status.OK, item.error
    other = make_work(
        title="Oʻtkan kunlar",
        creators=[Creator("Qodiriy, Abdulla", dates="1894-1938")],
        subjects=["roman"],
        publisher="Gʻafur Gʻulom nomidagi nashriyot",
        abstract="Tarixiy roman.",
    )
    return {"work": item.work, "other": other, "job": job}


def pages_of(library: dict[str, Any]) -> dict[str, str]:
    work, other, job = library["work"], library["other"], library["job"]
    return {
        "home": "/",
        "search with hits": "/search?q=kutubxona",
        "search without hits": "/search?q=qwertyzx",
        "search with a filter": "/search?q=qwertyzx&type=book",
        "work with a file": f"/works/{work.pk}",
        "work with metadata only": f"/works/{other.pk}",
        "jobs": "/staff/jobs",
        "job": f"/staff/jobs/{job.pk}",
        "upload": "/staff/upload",
        "browse": "/browse",
        "authors": "/browse/authors",
        "missing": "/works/999999",
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", list(LOCALES))
def test_pages_show_no_english(language: str, client: Client, staff_user: Any, library: dict[str, Any]) -> None:
    client.force_login(staff_user)
    client.cookies["django_language"] = language
    for name, url in pages_of(library).items():
        response = client.get(url)
        assert response.status_code == (404 if name == "missing" else 200), url
        assert response.headers["Content-Language"] == language
        left = english_left(visible_text(response.content.decode()), LOCALES[language])
        assert not left, f"{name} ({url}) in {language} shows English: {left}"
        if name == "missing":  # our page, not Django's English "Not Found"
            with translation.override(language):
                assert f"<h1>{translation.gettext('Page not found')}</h1>" in response.content.decode()


# -- choosing the language ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("uz", "uz"),
        ("uz-UZ", "uz"),
        ("uz-Latn-UZ", "uz"),
        ("uz-Cyrl", "uz-cyrl"),
        ("uz-Cyrl-UZ", "uz-cyrl"),
        ("ru-RU", "ru"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-US", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE", "uz"),  # not offered: the default
        ("", "uz"),
    ],
)
def test_accept_language_chooses(header: str, language: str, client: Client) -> None:
    response = client.get("/", headers={"accept-language": header})
    assert response.headers["Content-Language"] == language
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    search_button = {"uz": "Qidirish", "uz-cyrl": "Қидириш", "ru": "Поиск", "en": "Search"}[language]
    assert f'<button type="submit">{search_button}</button>' in page


def test_cyrillic_uzbek_is_a_known_language() -> None:
    info = translation.get_language_info("uz-cyrl")
    assert info["name_local"] == "ўзбек тили"
    assert translation.check_for_language("uz-cyrl")
    assert translation.get_supported_language_variant("uz-cyrl-uz") == "uz-cyrl"


def _form_token(client: Client) -> str:
    return str(client.get("/").context["csrf_token"])


@pytest.mark.django_db
def test_switcher_chooses_and_the_choice_sticks() -> None:
    client = Client(enforce_csrf_checks=True)
    home = client.get("/", headers={"accept-language": "en-US"})
    page = home.content.decode()
    assert 'action="/i18n/setlang/" method="post"' in page
    for code, name in (("uz", "Oʻzbekcha"), ("uz-cyrl", "Ўзбекча"), ("ru", "Русский"), ("en", "English")):
        assert f'name="language" value="{code}" lang="{code}"' in page and f">{name}</button>" in page
    # Without the CSRF token the choice is refused.
    assert client.post("/i18n/setlang/", {"language": "ru", "next": "/"}).status_code == 403

    token = _form_token(client)
    chosen = client.post("/i18n/setlang/", {"language": "ru", "next": "/search?q=kitob", "csrfmiddlewaretoken": token})
    assert chosen.status_code == 302
    assert chosen["Location"] == "/search?q=kitob"
    cookie = chosen.cookies["django_language"]
    assert cookie.value == "ru"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    # The cookie wins over the browser's languages, on every page.
    for url in ("/", "/search?q=kitob", "/browse"):
        response = client.get(url, headers={"accept-language": "en-US"})
        assert response.headers["Content-Language"] == "ru", url
        assert 'aria-pressed="true">Русский</button>' in response.content.decode()
    # Away to another site: refused, back home instead.
    away = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/", "csrfmiddlewaretoken": token}
    )
    assert away["Location"] == "/"


@pytest.mark.django_db(transaction=True)
def test_uzbek_interface_language_chooses_the_script_of_metadata(client: Client) -> None:
    work = make_work(title="Oʻtkan kunlar")
    url = f"/works/{work.pk}"

    def title() -> str:
        return html.unescape(re.search(r"<h1>(.*?)</h1>", client.get(url).content.decode()).group(1))  # type: ignore[union-attr]

    def language(code: str) -> Any:
        return client.post("/i18n/setlang/", {"language": code, "next": url})

    assert title() == "Oʻtkan kunlar"
    language("uz-cyrl")
    assert title() == "Ўткан кунлар"
    # An explicit script choice wins over the interface language...
    client.post("/script", {"script": "Latn", "next": url})
    assert title() == "Oʻtkan kunlar"
    # ...until the reader picks an Uzbek interface language again: the script follows it.
    picked = language("uz-cyrl")
    assert picked.cookies["javon_script"].value == ""  # deleted
    assert title() == "Ўткан кунлар"
    language("uz")
    assert title() == "Oʻtkan kunlar"
    # Russian and English readers keep the script they chose.
    client.post("/script", {"script": "Cyrl", "next": url})
    kept = language("ru")
    assert "javon_script" not in kept.cookies
    assert title() == "Ўткан кунлар"
    language("en")
    assert title() == "Ўткан кунлар"


# -- dates, numbers, sizes -----------------------------------------------------------------


def test_counts_are_grouped_and_pluralised() -> None:
    request = RequestFactory().get("/")
    expected = {
        "uz": "Kutubxonada 12\xa0345 ta asar bor.",
        "uz-cyrl": "Кутубхонада 12\xa0345 та асар бор.",
        "ru": "В библиотеке 12\xa0345 произведений.",
        "en": "12,345 works in the library.",
    }
    for language, sentence in expected.items():
        with translation.override(language):
            page = render_to_string(
                "web/home.html",
                {"total": 12345, "recent": [], "collections": [], "types": [("book", "—", 1234)], "most_read": []},
                request=request,
            )
        assert sentence in page, language
        assert ("(1,234)" if language == "en" else "(1\xa0234)") in page, language


def test_dates_follow_the_language() -> None:
    moment = timezone.datetime(2026, 11, 29, 14, 5)
    with translation.override("uz"):
        assert date_format(moment, "DATE_FORMAT") == "29-Noyabr, 2026-yil"
        assert number_format(1234.5, 1, force_grouping=True) == "1\xa0234,5"
    with translation.override("uz-cyrl"):
        assert date_format(moment, "DATE_FORMAT") == "29-Ноябрь, 2026-йил"
        assert date_format(moment, "DATETIME_FORMAT") == "29-Ноябрь, 2026-йил 14:05"
    with translation.override("ru"):
        assert date_format(moment, "DATE_FORMAT") == "29 ноября 2026 г."
    with translation.override("en"):
        assert date_format(moment, "DATE_FORMAT") == "Nov. 29, 2026"


@pytest.mark.django_db(transaction=True)
def test_pages_show_local_dates_and_sizes(client: Client, staff_user: Any, library: dict[str, Any]) -> None:
    client.force_login(staff_user)
    started = timezone.localtime(library["job"].created)
    work_url = f"/works/{library['work'].pk}"
    shown = {"uz": ("-yil ", "KB"), "uz-cyrl": ("-йил ", "КБ"), "ru": (" г. ", "КБ"), "en": (", 20", "KB")}
    for language, (year_mark, kilobytes) in shown.items():
        client.cookies["django_language"] = language
        jobs = visible_text(client.get("/staff/jobs").content.decode())
        with translation.override(language):
            when = date_format(started, "DATETIME_FORMAT")
        assert when in jobs and year_mark in when, (language, when, jobs)
        work = visible_text(client.get(work_url).content.decode())
        size = re.search(r"(\d+(?:[.,]\d)?)\xa0(\w+)", work[work.index("kitob.pdf") :])
        assert size is not None and size.group(2) == kilobytes, (language, work)
        # One decimal: a point in English, a comma in the others.
        assert size.group(1)[-2] == ("." if language == "en" else ","), (language, size.group())


def test_language_codes_are_shown_as_names() -> None:
    from javon.web.language import language_name

    for language, name in (("uz", "Oʻzbekcha"), ("uz-cyrl", "Ўзбекча"), ("ru", "Узбекский"), ("en", "Uzbek")):
        with translation.override(language):
            assert language_name("uz") == name, language
    with translation.override("ru"):
        assert language_name("EN") == "Английский"
        assert language_name("kaa") == "kaa"  # not known to Django: the code as catalogued
