"""The smallest Django site worth comparing with: one page from a template, startproject's middleware.

pages_bench.py serves it with granian exactly as `javon serve` serves Javon, so that the ratio of
their request rates says what Javon's own work costs on top of Django itself:

    granian --interface wsgi --workers 2 --no-ws --working-dir bench minimal_site:application
"""

from __future__ import annotations

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul></main></body></html>"""


def page(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"title": "Minimal", "items": range(10)}, request))


urlpatterns = [path("", page)]

settings.configure(
    DEBUG=False,
    SECRET_KEY="minimal-bench-site-not-secret",  # noqa: S106 - a benchmark page on loopback
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": False}],
    DATABASES={},
    USE_TZ=True,
)
application = get_wsgi_application()
