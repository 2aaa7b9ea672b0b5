"""Choosing the interface language, and how it goes with the script of Uzbek metadata.

The switcher in base.html posts to Django's ``set_language`` (the ``django_language``
cookie; without it LocaleMiddleware reads Accept-Language).  Picking Oʻzbekcha or Ўзбекча
is also a choice of script: it forgets an earlier Lotin/Кирилл choice, so Uzbek metadata
follows the new language (javon.web.script.reader_script) until the reader picks a script
again.  Picking Русский or English keeps the script the reader chose.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language_info, gettext_noop
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from javon.web import script as scripts

UZBEK = frozenset({"uz", "uz-cyrl"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    if request.POST.get("language", "").lower() in UZBEK and response.status_code in (302, 204):
        response.delete_cookie(scripts.COOKIE, samesite="Lax")
    return response


# Names of languages are Django's; ours win where Django's Uzbek is poor ("O'zbek tili", ASCII apostrophe).
_OWN_NAMES = (gettext_noop("Uzbek"), gettext_noop("Russian"), gettext_noop("English"))


def language_name(code: str) -> str:
    """A language code of the catalogue (uz, ru, en …) as a name in the interface language."""
    try:
        return str(get_language_info(code.strip().lower())["name_translated"])
    except KeyError:
        return code
