"""Access rules and who they let in — plain Python, no database, so every door decides alike.

A rule is written the way librarians type it (`javon import --access RULE`, sidecars, the
admin, the API):

    open                anyone
    registered          any signed-in reader
    group:NAME          members of the reader group NAME (a Django auth group)
    onsite              readers inside a library's network (campus, reading room)
    staff               staff only; others do not even see that the work exists
    metadata-only       the record is public, the files and text are closed to all but staff
    embargo:YYYY-MM-DD  like metadata-only until that day, then open

A work has one rule; a file may have its own, which decides for that file's bytes. Staff
(librarians, administrators) may read everything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

OPEN = "open"
REGISTERED = "registered"
GROUP = "group"
ONSITE = "onsite"
STAFF = "staff"
METADATA_ONLY = "metadata-only"
EMBARGO = "embargo"

KINDS = (OPEN, REGISTERED, GROUP, ONSITE, STAFF, METADATA_ONLY, EMBARGO)
_GROUP_NAME = re.compile(r"^[\w .@+-]{1,150}$")


class RuleError(ValueError):
    """A rule that cannot be read; the message says what is accepted."""


@dataclass(frozen=True)
class Rule:
    kind: str
    group: str = ""
    until: dt.date | None = None

    def __str__(self) -> str:
        if self.kind == GROUP:
            return f"group:{self.group}"
        if self.kind == EMBARGO and self.until:
            return f"embargo:{self.until.isoformat()}"
        return self.kind

    def in_force(self, today: dt.date) -> Rule:
        """The rule as it applies today: an embargo whose day has come is open."""
        if self.kind == EMBARGO and self.until is not None and today >= self.until:
            return Rule(OPEN)
        return self

    @property
    def hides_record(self) -> bool:
        return self.kind == STAFF


def parse_rule(text: str | None) -> Rule:
    """Read a rule; blank means open. Raises RuleError with the accepted forms."""
    value = (text or "").strip()
    if not value:
        return Rule(OPEN)
    kind, _sep, arg = value.partition(":")
    kind = kind.strip().lower()
    arg = arg.strip()
    if kind in (OPEN, REGISTERED, ONSITE, STAFF, METADATA_ONLY) and not arg:
        return Rule(kind)
    if kind == GROUP and _GROUP_NAME.match(arg):
        return Rule(GROUP, group=arg)
    if kind == EMBARGO:
        try:
            return Rule(EMBARGO, until=dt.date.fromisoformat(arg))
        except ValueError:
            pass
    raise RuleError(
        f"unknown access rule {value!r}: use open, registered, group:NAME, onsite, staff, "
        "metadata-only or embargo:YYYY-MM-DD"
    )


def validate_rule(value: str) -> None:
    """Django field validator: blank (for files: as the work) or a readable rule."""
    from django.core.exceptions import ValidationError

    try:
        parse_rule(value)
    except RuleError as error:
        raise ValidationError(str(error)) from error


def is_valid_rule(text: str) -> bool:
    try:
        parse_rule(text)
    except RuleError:
        return False
    return True


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as far as access goes."""

    authenticated: bool = False
    staff: bool = False
    groups: frozenset[str] = field(default_factory=frozenset)
    onsite: bool = False

    def audiences(self) -> list[str] | None:
        """The content audiences this viewer belongs to (see `audience`); None: everything."""
        if self.staff:
            return None
        found = [OPEN]
        if self.authenticated:
            found.append(REGISTERED)
            found += [f"group:{name}" for name in sorted(self.groups)]
        if self.onsite:
            found.append(ONSITE)
        return found


ANONYMOUS = Viewer()


def may_see_record(viewer: Viewer, rule: Rule) -> bool:
    return viewer.staff or not rule.hides_record


def may_read(viewer: Viewer, rule: Rule, today: dt.date) -> bool:
    """May `viewer` have the bytes and text that `rule` guards, today?"""
    if viewer.staff:
        return True
    rule = rule.in_force(today)
    if rule.kind == OPEN:
        return True
    if rule.kind == REGISTERED:
        return viewer.authenticated
    if rule.kind == GROUP:
        return viewer.authenticated and rule.group in viewer.groups
    if rule.kind == ONSITE:
        return viewer.onsite
    return False  # staff, metadata-only, embargo still running


def audience(rule: Rule, today: dt.date) -> str:
    """The one audience token a rule admits today — what the search index stores, so that
    full text is matched only for readers who may read it. Closed content gets "staff"."""
    rule = rule.in_force(today)
    if rule.kind in (OPEN, REGISTERED, ONSITE):
        return rule.kind
    if rule.kind == GROUP:
        return str(rule)
    return STAFF


def explain(rule: Rule, today: dt.date) -> tuple[str, str]:
    """(what the rule is, what to do to get access), in plain words for the reader."""
    rule = rule.in_force(today)
    if rule.kind == OPEN:
        return str(_("Open to everyone.")), ""
    if rule.kind == REGISTERED:
        return str(_("Open to registered readers.")), str(_("Sign in or register to read it."))
    if rule.kind == GROUP:
        return (
            str(_("Open to members of the group “%(group)s”.") % {"group": rule.group}),
            str(_("Sign in with an account of that group; ask your library to add you.")),
        )
    if rule.kind == ONSITE:
        return (
            str(_("Readable only inside the library's network.")),
            str(_("Come to the library or connect from its network (campus, reading room).")),
        )
    if rule.kind == EMBARGO and rule.until is not None:
        return (
            str(_("Under embargo until %(date)s; only the description is public.") % {"date": rule.until.isoformat()}),
            str(_("It opens to everyone on that day.")),
        )
    if rule.kind == METADATA_ONLY:
        return str(_("Only the description is public; the files are not.")), str(_("Ask the library for a copy."))
    return str(_("Available to library staff only.")), ""
