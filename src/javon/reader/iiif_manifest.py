"""IIIF Presentation API 3.0 manifests: a work as a sequence of page images.

The canvases are the pages of the PDF the reader would read (the access copy OCR made of a
scan before the scan itself), or else the work's image files; the other PDFs the reader may
download are `rendering` links. Labels are language maps in the work's languages; the field
names of `metadata` are given in English, and in Uzbek and Russian where the catalogues
translate them.
"""

from __future__ import annotations

import re
from typing import Any, Final

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from javon.access import services as access
from javon.catalog.crosswalk.citation import EXPORTS
from javon.catalog.models import Script, Work, WorkType
from javon.reader import iiif
from javon.reader import services as reader
from javon.storage.models import File, FileRole

CONTEXT: Final = "http://iiif.io/api/presentation/3/context.json"
THUMBNAIL_WIDTH: Final = 200
LABEL_LANGUAGES: Final = ("en", "uz", "ru")
# ISO 639-2 codes catalogues use, to the BCP 47 keys of language maps.
_LANGUAGE_KEYS: Final = {"uzb": "uz", "rus": "ru", "eng": "en", "uz-latn": "uz", "uz-cyrl": "uz"}
_LANGUAGE = re.compile(r"[a-z]{2,3}")
# Presentation 3 takes only Creative Commons and RightsStatements.org URIs, in http form.
_RIGHTS = re.compile(
    r"https?://(creativecommons\.org/(?:licenses|publicdomain)/[^\s]+|rightsstatements\.org/vocab/[^\s]+)",
    re.IGNORECASE,
)


def rights_uri(licence: str) -> str | None:
    """The licence as a `rights` URI if it is one IIIF allows, else None (it still shows in
    requiredStatement)."""
    m = _RIGHTS.fullmatch((licence or "").strip())
    return f"http://{m[1]}" if m else None


def language_key(code: str) -> str:
    """A language map key for a catalogue code: "uz", "ru", "en" …, or "none"."""
    code = (code or "").strip().lower()
    code = _LANGUAGE_KEYS.get(code, code)
    return code if _LANGUAGE.fullmatch(code) else "none"


def _title_key(work: Work) -> str:
    return language_key(work.title_language or work.language)


def _translations(text: str | Promise) -> dict[str, list[str]]:
    """`text` in English, and in Uzbek and Russian where the catalogues translate it."""
    found: dict[str, list[str]] = {}
    for lang in LABEL_LANGUAGES:
        with translation.override(lang):
            value = str(text)
        if lang == "en" or value != found["en"][0]:
            found[lang] = [value]
    return found


def _entry(label: str | Promise, values: list[str], lang: str = "none") -> dict[str, Any]:
    return {"label": _translations(label), "value": {lang: values}}


def _metadata(work: Work) -> list[dict[str, Any]]:
    lang = language_key(work.language)
    entries = []
    names = [c.agent.name + (f" ({c.agent.dates})" if c.agent.dates else "") for c in work.contributions.all()]
    if names:
        entries.append(_entry(_("Authors"), names))
    entries.append({"label": _translations(_("Type")), "value": _translations(WorkType(work.type).label)})
    for alt in work.alternative_titles.all():
        entries.append(_entry(_("Also titled"), [alt.title], language_key(alt.language)))
    if work.date or work.year:
        entries.append(_entry(_("Date"), [work.date or str(work.year)]))
    if work.languages:
        entries.append(_entry(_("Language"), list(work.languages)))
    for label, value in ((_("Publisher"), work.publisher), (_("Place of publication"), work.place)):
        if value:
            entries.append(_entry(label, [value], lang))
    if work.edition:
        entries.append(_entry(_("Edition"), [work.edition], lang))
    if work.series:
        number = f" ({work.series_number})" if work.series_number else ""
        entries.append(_entry(_("Series"), [work.series + number], lang))
    subjects = [s.term for s in work.subjects.all()]
    if subjects:
        entries.append(_entry(_("Subjects"), subjects, lang))
    for identifier in work.identifiers.all():
        entries.append(_entry(identifier.get_scheme_display(), [identifier.value]))
    return entries


def image_files(who: Any, work: Work) -> list[File]:
    """The files whose pages become canvases, for `who`: the PDF they would read, else the
    work's image files that they may read online."""
    best = reader.best_file(who, work)
    if best is not None and reader.reader_kind(best) == "pdf":
        return [best]
    images = File.objects.filter(work=work, role__in=list(iiif.IMAGE_ROLES)).select_related("blob", "work")
    return [f for f in images if iiif.is_image_file(f) and access.can_read(who, work, f, online=True)]


def manifest_url(who: Any, work: Work) -> str | None:
    """The work's manifest for `who` (absolute when `who` is a request); None if it has no pages for them."""
    if not image_files(who, work):
        return None
    path = reverse("iiif:manifest", args=[work.pk])
    return who.build_absolute_uri(path) if isinstance(who, HttpRequest) else path


def _image_body(request: HttpRequest, source: iiif.Source, size: str, width: int, height: int) -> dict[str, Any]:
    service_id = request.build_absolute_uri(reverse("iiif:base", args=[source.identifier]))
    return {
        "id": f"{service_id}/full/{size}/0/default.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": [iiif.service(service_id)],
    }


def _canvas(request: HttpRequest, base: str, number: int, source: iiif.Source, label: str) -> dict[str, Any]:
    canvas_id = f"{base}/canvas/p{number}"
    width, height = iiif.fit(source.width, source.height)
    return {
        "id": canvas_id,
        "type": "Canvas",
        "label": {"none": [label]},
        "width": source.width,
        "height": source.height,
        "items": [
            {
                "id": f"{base}/page/p{number}",
                "type": "AnnotationPage",
                "items": [
                    {
                        "id": f"{base}/annotation/p{number}-image",
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": _image_body(request, source, "max", width, height),
                        "target": canvas_id,
                    }
                ],
            }
        ],
    }


def _thumbnail(request: HttpRequest, source: iiif.Source) -> dict[str, Any]:
    width = min(THUMBNAIL_WIDTH, source.width)
    height = max(1, round(source.height * width / source.width))
    return _image_body(request, source, f"{width},", width, height)


def _renderings(request: HttpRequest, work: Work) -> list[dict[str, Any]]:
    """The PDFs the reader may download (lent works: none)."""
    out = []
    for f in File.objects.filter(work=work, role__in=[FileRole.ACCESS, FileRole.ORIGINAL]).order_by("id"):
        if reader.reader_kind(f) == "pdf" and access.can_read(request, work, f):
            out.append(
                {
                    "id": request.build_absolute_uri(reverse("reader:download", args=[work.pk, f.pk])),
                    "type": "Text",
                    "label": {"none": [f.name]},
                    "format": "application/pdf",
                }
            )
    return out


def build(request: HttpRequest, work: Work) -> dict[str, Any] | None:
    """The manifest of `work` as `request`'s reader may see it; None if they may not, or it has no pages."""
    if not access.can_see(request, work):
        return None
    files = image_files(request, work)
    pages = [source for f in files for source in iiif.sources(f)]
    if not pages:
        return None
    base = request.build_absolute_uri(reverse("iiif:manifest", args=[work.pk])).removesuffix("/manifest.json")
    several = len(files) > 1
    canvases = [
        _canvas(request, base, n, s, f"{s.file.name} {s.page}" if several else str(s.page))
        for n, s in enumerate(pages, start=1)
    ]
    title_key = _title_key(work)
    label: dict[str, list[str]] = {title_key: [work.title]}
    for alt in work.alternative_titles.all():
        key = language_key(alt.language)
        if key != "none" and key not in label:
            label[key] = [alt.title]
    page_url = request.build_absolute_uri(work.get_absolute_url())
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{base}/manifest.json",
        "type": "Manifest",
        "label": label,
        "metadata": _metadata(work),
        "viewingDirection": "right-to-left" if work.title_script == Script.ARABIC else "left-to-right",
        "thumbnail": [_thumbnail(request, pages[0])],
        "homepage": [{"id": page_url, "type": "Text", "label": {title_key: [work.title]}, "format": "text/html"}],
        "seeAlso": [
            {
                "id": request.build_absolute_uri(reverse("web:cite", args=[work.pk, "json"])),
                "type": "Dataset",
                "label": {"none": ["CSL-JSON"]},
                "format": EXPORTS["csl-json"].media_type,
            },
            {
                "id": request.build_absolute_uri(reverse("web:cite", args=[work.pk, "bib"])),
                "type": "Dataset",
                "label": {"none": ["BibTeX"]},
                "format": EXPORTS["bibtex"].media_type,
            },
        ],
        "items": canvases,
    }
    if len(canvases) > 1 and reader.reader_kind(files[0]) == "pdf":
        document["behavior"] = ["paged"]
    if work.abstract:
        document["summary"] = {language_key(work.language): [work.abstract]}
    if work.licence or work.rights:
        statement = " ".join(part for part in (work.licence.strip(), work.rights.strip()) if part)
        document["requiredStatement"] = _entry(_("Rights"), [statement])
    if rights := rights_uri(work.licence):
        document["rights"] = rights
    if renderings := _renderings(request, work):
        document["rendering"] = renderings
    return document
