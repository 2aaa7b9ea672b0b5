"""IIIF routes: the Image API 3.0 service under /iiif/3/<file id>-<page>/ and manifests per work."""

from django.urls import path

from javon.reader import iiif_views

app_name = "iiif"
urlpatterns = [
    path("works/<int:work_id>/manifest.json", iiif_views.manifest, name="manifest"),
    path("<str:identifier>", iiif_views.base, name="base"),
    path("<str:identifier>/info.json", iiif_views.info, name="info"),
    path(
        "<str:identifier>/<str:region>/<str:size>/<str:rotation>/<str:quality>.<str:fmt>",
        iiif_views.image,
        name="image",
    ),
]
