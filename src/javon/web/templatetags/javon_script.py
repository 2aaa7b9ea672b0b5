"""``{{ value|script:work }}``: Uzbek metadata in the script the reader chose.

The argument says whether the value is Uzbek: a work (its languages), an alternative
title (its language, else its work's), or a language code.  The script is the current
request's, recorded by the context processor ``javon.web.script.context``.

The result is a plain string, so autoescaping applies to it as to the value; a value
already marked safe (HTML) is returned untouched, since converting it would rewrite markup.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeData

from javon.web import script as scripts

register = template.Library()


@register.filter(name="script")
def script(value: Any, of: Any = None) -> Any:
    if not isinstance(value, str) or isinstance(value, SafeData) or not value:
        return value
    return scripts.display(value, scripts.current(), scripts.is_uzbek(of))
