"""Shapes of the REST API's answers, shared by the API, `javon search --json` and tests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from javon.catalog.models import Work
from javon.search.services import SearchResponse
from javon.storage.models import File


def file_record(f: File) -> dict[str, Any]:
    return {
        "id": f.pk,
        "name": f.name,
        "role": f.role,
        "mime": f.mime,
        "size": f.size,
        "sha256": f.blob_id,
        "page_count": f.page_count,
        "duration": f.duration,
        "download_url": reverse("reader:download", args=[f.work_id, f.pk]),
    }


def work_summary(work: Work) -> dict[str, Any]:
    return {
        "id": work.pk,
        "url": work.get_absolute_url(),
        "title": work.title,
        "creators": work.creator_names(),
        "type": work.type,
        "language": work.language,
        "year": work.year,
    }


def work_record(work: Work, who: Any = None) -> dict[str, Any]:
    """The whole record; files listed are those `who` may have (a request or user; None: anonymous)."""
    from javon.access import services as access
    from javon.reader.iiif_manifest import manifest_url

    rule, how = access.explain(work)
    return {
        **work_summary(work),
        "languages": list(work.languages),
        "status": work.status,
        "contributors": [
            {"name": c.agent.name, "dates": c.agent.dates, "role": c.role} for c in work.contributions.all()
        ],
        "alternative_titles": [
            {"title": t.title, "language": t.language, "script": t.script} for t in work.alternative_titles.all()
        ],
        "publisher": work.publisher,
        "place": work.place,
        "date": work.date,
        "edition": work.edition,
        "series": work.series,
        "series_number": work.series_number,
        "abstract": work.abstract,
        "subjects": [s.term for s in work.subjects.all()],
        "keywords": list(work.keywords),
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in work.identifiers.all()],
        "collections": [{"slug": c.slug, "name": c.name} for c in work.collections.all()],
        "rights": work.rights,
        "licence": work.licence,
        "access": {"rule": work.access, "readable": access.can_read(who, work), "explanation": rule, "how": how},
        "created": work.created.isoformat(),
        "updated": work.updated.isoformat(),
        "files": [file_record(f) for f in work.files.all() if access.can_read(who, work, f)],
        "iiif_manifest": manifest_url(who, work),
    }


def prefetched_works(ids: list[int]) -> dict[int, Work]:
    works = Work.objects.filter(pk__in=ids).prefetch_related("contributions__agent")
    return {w.pk: w for w in works}


def search_record(response: SearchResponse) -> dict[str, Any]:
    works = prefetched_works([h.work_id for h in response.hits])
    hits = []
    for h in response.hits:
        work = works.get(h.work_id)
        if work is None:  # deleted since the index saw it
            continue
        hits.append(
            {
                **work_summary(work),
                "snippet": h.snippet,
                "page": h.page,
                "score": round(h.score, 4),
            }
        )
    return {
        "total": response.total,
        "hits": hits,
        "facets": response.facets,
        "did_you_mean": response.did_you_mean,
        "relaxed": response.relaxed,
    }
