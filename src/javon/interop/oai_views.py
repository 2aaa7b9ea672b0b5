"""The OAI-PMH endpoint at /oai: GET or POST (form-encoded), always as an anonymous reader."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from javon.interop import oai_provider


@csrf_exempt  # harvesters POST without a session; the endpoint only reads
def endpoint(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    query = request.POST if request.method == "POST" else request.GET
    params = {name: query.getlist(name) for name in query}
    base_url = request.build_absolute_uri(request.path)
    body = oai_provider.respond(params, base_url)
    response = HttpResponse(body, content_type="text/xml; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
