"""The interface's gettext catalogues: extraction, the Cyrillic Uzbek one, and what is missing.

``src/javon/web/locale/{uz,ru}`` are written by hand (by translators); ``uz_Cyrl`` is made
from ``uz`` with ``javon.text.to_cyrillic``, so the two Uzbek catalogues never drift.  What
transliteration gets wrong is corrected by the reviewed list ``locale/uz_Cyrl.overrides``.
Django's own Uzbek strings (month names, form errors, file sizes) are folded into
``uz_Cyrl`` the same way, since Django ships no Cyrillic Uzbek catalogue.

``javon messages`` (``make messages``) runs all of it; tests call ``missing`` and
``cyrillic_catalogue`` to check that nothing is left untranslated and nothing drifted.
Tooling only: polib is a development dependency, and nothing serving pages imports this.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

import django
import polib
from django.core.management import call_command
from django.test.utils import override_settings

from javon.text import to_cyrillic

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/javon: what makemessages scans
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
OVERRIDES = LOCALE_DIR / "uz_Cyrl.overrides"
# Catalogues written by translators, and the one made from Uzbek Latin.
EDITED = ("uz", "ru")
CYRILLIC = "uz_Cyrl"
TRANSLATED = (*EDITED, CYRILLIC)
# Django's Uzbek catalogues whose strings appear on our pages (dates, sizes, form and login errors, the admin).
DJANGO_CATALOGUES = ("conf/locale/uz", "contrib/auth/locale/uz", "contrib/admin/locale/uz")
IGNORE = ["static/*", "*/static/*", "locale/*"]

# What must stay as it is in any script: format placeholders, markup, entities, addresses.
_PROTECTED = re.compile(
    r"%%[A-Z]\b"  # a literal %N that JavaScript fills in
    r"|%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifr%]"
    r"|\{[^{}]*\}"
    r"|<[^<>]*>"
    r"|&#?\w+;"
    r"|\w+://\S+"
    r"|`[^`]*`"
    r"|(?<!\w)\.[a-z0-9]+\b"  # file extensions: .mrc, .txt
    r"|[\w+]*_[\w+]*"  # names with an underscore: uzb_cyrl+rus
    r"|\b[a-z]+:[\w-]+"  # typed values: group:NAME, embargo:YYYY-MM-DD
    r"|[\w:./-]*\d[\w:./-]*"  # numbers, versions, addresses: 2019-05, 7.0.100-2018, 2001:db8::/32
)
_WORD = re.compile(r"\w+(?:[-\u02bb\u02bc'’‘]\w+)*")
# Names and abbreviations written in Latin letters in Cyrillic Uzbek text too.
_KEEP = frozenset(
    {"JavaScript", "BibTeX", "DjVu", "EPUB", "PDF", "JSON", "RIS", "APA", "ISBN", "ISSN", "DOI", "URL", "OCR"}
)


def po_path(locale: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / "django.po"


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


# -- extraction --------------------------------------------------------------------------


def make_messages(locales: Iterable[str], locale_dir: Path = LOCALE_DIR) -> None:
    """Run Django's makemessages over src/javon for ``locales`` into ``locale_dir``.

    File names without line numbers in the references: a moved line should not churn the catalogue.
    """
    with override_settings(LOCALE_PATHS=[str(locale_dir)]), chdir(PACKAGE_DIR):
        call_command(
            "makemessages",
            locale=list(locales),
            domain="django",
            ignore_patterns=IGNORE,
            no_obsolete=True,
            add_location="file",
            verbosity=0,
        )


def extract() -> polib.POFile:
    """Every message the templates and the Python code ask for (a fresh, untranslated catalogue)."""
    with tempfile.TemporaryDirectory() as tmp:
        make_messages(["en"], Path(tmp))
        return polib.pofile(str(po_path("en", Path(tmp))))


# -- completeness ---------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    locale: str
    msgid: str
    problem: str  # "absent", "untranslated" or "fuzzy"
    where: str

    def __str__(self) -> str:
        return f"{self.locale}: {self.problem} {self.msgid!r} ({self.where})"


def _translated(entry: polib.POEntry, forms: int = 0) -> bool:
    """Translated, and with ``forms`` plural forms when given (Russian three, Uzbek one)."""
    if entry.msgid_plural:
        filled = [s for s in entry.msgstr_plural.values() if s]
        return bool(filled) and len(filled) == len(entry.msgstr_plural) and (not forms or len(filled) == forms)
    return bool(entry.msgstr)


def plural_forms(catalogue: polib.POFile) -> int:
    found = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else 0


def missing(wanted: polib.POFile, catalogue: polib.POFile, locale: str) -> list[Gap]:
    """The messages of ``wanted`` that ``catalogue`` lacks, leaves empty or marks fuzzy."""
    have = {key(e): e for e in catalogue if not e.obsolete}
    forms = plural_forms(catalogue)
    gaps = []
    for entry in wanted:
        where = ", ".join(sorted({path for path, _ in entry.occurrences})) or "?"
        found = have.get(key(entry))
        if found is None:
            gaps.append(Gap(locale, entry.msgid, "absent", where))
        elif "fuzzy" in found.flags:
            gaps.append(Gap(locale, entry.msgid, "fuzzy", where))
        elif not _translated(found, forms):
            gaps.append(Gap(locale, entry.msgid, "untranslated", where))
    return gaps


# -- Cyrillic Uzbek -----------------------------------------------------------------


def read_overrides(path: Path = OVERRIDES) -> dict[str, str]:
    """``latin<TAB>cyrillic`` lines (``#`` comments): words or phrases transliteration gets wrong."""
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            latin, _, cyrillic = line.partition("\t")
            if not cyrillic:
                raise ValueError(f"{path}: no tab in {line!r}")
            pairs[latin.strip()] = cyrillic.strip()
    return pairs


def _cased(model: str, cyrillic: str) -> str:
    if model.isupper() and len(model) > 1:
        return cyrillic.upper()
    if model[:1].isupper():
        return cyrillic[:1].upper() + cyrillic[1:]
    return cyrillic


def _plain_to_cyrillic(text: str, overrides: dict[str, str]) -> str:
    # Phrases first (longest first), then word by word.
    phrases = sorted((p for p in overrides if " " in p), key=len, reverse=True)
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        out.append(text[last : match.start()])
        word = match.group()
        if word in overrides:
            out.append(overrides[word])
        elif word.lower() in overrides:
            out.append(_cased(word, overrides[word.lower()]))
        elif word in _KEEP or (word.isupper() and len(word) > 1 and word.isascii()):
            out.append(word)
        else:
            out.append(to_cyrillic(word))
        last = match.end()
    out.append(text[last:])
    result = "".join(out)
    for phrase in phrases:
        result = result.replace(to_cyrillic(phrase), overrides[phrase])
    return result


def transliterate(text: str, overrides: dict[str, str]) -> str:
    """Uzbek Latin interface text in Cyrillic, placeholders and markup untouched."""
    out: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        out.append(_plain_to_cyrillic(text[last : match.start()], overrides))
        out.append(match.group())
        last = match.end()
    out.append(_plain_to_cyrillic(text[last:], overrides))
    return "".join(out)


def _copy_entry(entry: polib.POEntry, overrides: dict[str, str], comment: str = "") -> polib.POEntry:
    return polib.POEntry(
        msgctxt=entry.msgctxt,
        msgid=entry.msgid,
        msgid_plural=entry.msgid_plural,
        msgstr=transliterate(entry.msgstr, overrides) if entry.msgstr else "",
        msgstr_plural={n: transliterate(s, overrides) for n, s in entry.msgstr_plural.items()},
        flags=[f for f in entry.flags if f != "fuzzy"],
        occurrences=entry.occurrences,
        comment=comment,
    )


def _django_entries() -> Iterator[polib.POEntry]:
    base = Path(django.__file__).resolve().parent
    for relative in DJANGO_CATALOGUES:
        path = base / relative / "LC_MESSAGES" / "django.po"
        if path.exists():
            entries = polib.pofile(str(path))
            yield from (e for e in entries if _translated(e) and not e.obsolete and "fuzzy" not in e.flags)


def cyrillic_catalogue(latin: polib.POFile, overrides: dict[str, str]) -> polib.POFile:
    """The uz_Cyrl catalogue: ours from ``latin``, then Django's Uzbek strings we do not have."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {**latin.metadata, "Language": CYRILLIC}
    po.header = "Generated from uz/LC_MESSAGES/django.po by `javon messages`: edit that file or uz_Cyrl.overrides."
    seen = set()
    for entry in latin:
        if entry.obsolete or "fuzzy" in entry.flags or not _translated(entry):
            continue  # untranslated in Latin: the completeness test names it there
        po.append(_copy_entry(entry, overrides))
        seen.add(key(entry))
    for entry in _django_entries():
        if key(entry) not in seen:
            seen.add(key(entry))
            copy = _copy_entry(entry, overrides, comment="Django's own Uzbek catalogue, transliterated")
            copy.occurrences = []
            po.append(copy)
    return po


# -- all of it ----------------------------------------------------------------------


def compile_catalogue(po: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise RuntimeError("msgfmt not found: install Debian's gettext (scripts/system-packages does)")
    subprocess.run([msgfmt, "--check", "-o", str(po.with_suffix(".mo")), str(po)], check=True)


def update_all() -> dict[str, list[Gap]]:
    """makemessages for uz and ru, uz_Cyrl from uz, compile all; the gaps left per locale."""
    make_messages(EDITED)
    for locale in EDITED:
        po = polib.pofile(str(po_path(locale)), wrapwidth=0)
        po.save()  # one line per message: diffs of translations stay readable
    latin = polib.pofile(str(po_path("uz")))
    cyrillic = po_path(CYRILLIC)
    cyrillic.parent.mkdir(parents=True, exist_ok=True)
    cyrillic_catalogue(latin, read_overrides()).save(str(cyrillic))
    wanted = extract()
    gaps = {}
    for locale in TRANSLATED:
        compile_catalogue(po_path(locale))
        gaps[locale] = missing(wanted, polib.pofile(str(po_path(locale))), locale)
    return gaps

