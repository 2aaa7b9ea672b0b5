from django.contrib import admin
from django.urls import include, path

from javon.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("javon.reader.urls")),
    path("", include("javon.web.urls")),
]
