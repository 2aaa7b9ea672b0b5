from django.contrib import admin
from django.urls import include, path

from javon.api.api import api
from javon.interop import oai_views
from javon.shelf.api import router as me_router
from javon.web import language

api.add_router("/me", me_router)  # the signed-in reader's own data (reading progress)

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's set_language, which also lets an Uzbek interface language choose the script.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("javon.access.urls")),
    path("", include("javon.access.lending_urls")),
    path("oai", oai_views.endpoint, name="oai"),
    path("", include("javon.interop.urls")),  # OPDS catalogues, sitemap.xml, robots.txt
    path("", include("javon.reader.urls")),
    path("iiif/3/", include("javon.reader.iiif_urls")),  # IIIF Image API 3.0 and Presentation 3.0
    path("", include("javon.shelf.urls")),
    path("", include("javon.ocr.urls")),
    path("", include("javon.web.urls")),
]
