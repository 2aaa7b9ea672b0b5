"""Routes of the OPDS catalogues (1.2 Atom at /opds/, 2.0 JSON at /opds/v2/) and the sitemap."""

from typing import Any

from django.urls import URLPattern, include, path

from javon.interop import opds, opds_v2, sitemap


def _shelves(views: Any) -> list[URLPattern]:
    """The same shelves for both versions; `views` is opds or opds_v2."""
    return [
        path("", views.root, name="root"),
        path("new", views.new, name="new"),
        path("collections", views.collections, name="collections"),
        path("collections/<int:collection_id>", views.collections, name="collection"),
        path("collections/<int:collection_id>/works", views.collection_works, name="collection_works"),
        path("types", views.types, name="types"),
        path("types/<slug:kind>", views.by_type, name="type"),
        path("languages", views.languages, name="languages"),
        path("languages/<str:code>", views.by_language, name="language"),
        path("search", views.search, name="search"),
    ]


urlpatterns = [
    path("opds/v2/", include((_shelves(opds_v2), "opds2"))),
    path("opds/", include((_shelves(opds) + [path("opensearch.xml", opds.opensearch, name="opensearch")], "opds"))),
    path("sitemap.xml", sitemap.index, name="sitemap"),
    path("sitemap-<str:section>-<int:page>.xml", sitemap.section, name="sitemap_section"),
    path("robots.txt", sitemap.robots, name="robots"),
]
