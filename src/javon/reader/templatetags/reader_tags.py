"""What the work page needs from the readers: which files open in a reader, and the text-only size."""

from __future__ import annotations

from typing import Any

from django import template

from javon.reader import services as reader

register = template.Library()


@register.filter
def reader_kind(f: Any) -> str:
    """"pdf", "epub", "text", "audio", "video", or "" for a file no reader shows."""
    return reader.reader_kind(f) or ""


@register.simple_tag
def text_only(request: Any, work: Any) -> reader.TextOnly | None:
    """The work's text-only version as `request` may have it (with its size in bytes), or None."""
    return reader.text_only(request, work)


@register.simple_tag
def best_file(request: Any, work: Any) -> Any:
    """The file the "Read" button opens, or None when nothing of the work can be read online."""
    return reader.best_file(request, work)
