"""``{{ code|language_name }}``: a catalogue's language code as a name in the interface language."""

from __future__ import annotations

from django import template

from javon.web.language import language_name as _language_name

register = template.Library()


@register.filter
def language_name(code: object) -> object:
    return _language_name(code) if isinstance(code, str) else code


@register.filter
def language_names(codes: object) -> object:
    """A list of codes as names, joined with commas."""
    if not isinstance(codes, list | tuple):
        return codes
    return ", ".join(_language_name(c) for c in codes if isinstance(c, str))
