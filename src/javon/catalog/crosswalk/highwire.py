"""Highwire Press citation_* meta tags, which Google Scholar and Zotero read from a work's page."""

from __future__ import annotations

from javon.catalog.crosswalk.common import creators_with, identifiers, one_line
from javon.catalog.models import IdentifierScheme, Role, WorkType
from javon.catalog.services import WorkInput


def meta_tags(data: WorkInput, *, page_url: str = "", pdf_url: str = "") -> list[tuple[str, str]]:
    """(name, content) pairs in Google Scholar's order. `pdf_url` only when the reader may have the PDF."""
    tags: list[tuple[str, str]] = [("citation_title", one_line(data.title))]
    authors = creators_with(data, Role.AUTHOR) or creators_with(data, Role.EDITOR)
    tags += [("citation_author", one_line(c.name)) for c in authors]
    when = str(data.year) if data.year is not None else one_line(data.date)
    if when:
        tags.append(("citation_publication_date", when))
    if data.publisher:
        name = "citation_dissertation_institution" if data.type == WorkType.DISSERTATION else "citation_publisher"
        tags.append((name, one_line(data.publisher)))
    tags += [("citation_isbn", v) for v in identifiers(data, IdentifierScheme.ISBN)]
    tags += [("citation_issn", v) for v in identifiers(data, IdentifierScheme.ISSN)]
    tags += [("citation_doi", v) for v in identifiers(data, IdentifierScheme.DOI)]
    tags += [("citation_language", lang) for lang in data.languages]
    words = [one_line(w) for w in [*data.keywords, *data.subjects] if one_line(w)]
    if words:
        tags.append(("citation_keywords", "; ".join(dict.fromkeys(words))))
    if data.series:
        tags.append(("citation_series_title", one_line(data.series)))
    if page_url:
        tags.append(("citation_abstract_html_url", page_url))
    if pdf_url:
        tags.append(("citation_pdf_url", pdf_url))
    return tags
