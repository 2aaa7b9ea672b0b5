"""{% iiif_manifest request work as url %}: the work's IIIF manifest for this reader, or None."""

from __future__ import annotations

from typing import Any

from django import template

from javon.reader.iiif_manifest import manifest_url

register = template.Library()


@register.simple_tag
def iiif_manifest(request: Any, work: Any) -> str | None:
    return manifest_url(request, work)
