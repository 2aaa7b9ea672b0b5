from __future__ import annotations

import datetime as dt

import pytest

from javon.access import policy
from javon.access.policy import ANONYMOUS, Rule, RuleError, Viewer, may_read, may_see_record, parse_rule

TODAY = dt.date(2026, 11, 29)
READER = Viewer(authenticated=True)
MEMBER = Viewer(authenticated=True, groups=frozenset({"talabalar"}))
ONSITE = Viewer(onsite=True)
STAFF = Viewer(authenticated=True, staff=True)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "open"),
        ("open", "open"),
        (" Registered ", "registered"),
        ("group:talabalar", "group:talabalar"),
        ("onsite", "onsite"),
        ("staff", "staff"),
        ("metadata-only", "metadata-only"),
        ("embargo:2027-01-15", "embargo:2027-01-15"),
    ],
)
def test_rules_read_and_write_back(text: str, expected: str) -> None:
    assert str(parse_rule(text)) == expected


@pytest.mark.parametrize(
    "text", ["public", "group:", "embargo:tomorrow", "embargo:2027-13-01", "open:now", "group:a/b"]
)
def test_bad_rules_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(RuleError, match="open, registered, group:NAME"):
        parse_rule(text)


@pytest.mark.parametrize(
    "rule, allowed",
    [
        ("open", {"anonymous", "reader", "member", "onsite", "staff"}),
        ("registered", {"reader", "member", "staff"}),
        ("group:talabalar", {"member", "staff"}),
        ("onsite", {"onsite", "staff"}),
        ("staff", {"staff"}),
        ("metadata-only", {"staff"}),
        ("embargo:2026-12-01", {"staff"}),
        ("embargo:2026-11-29", {"anonymous", "reader", "member", "onsite", "staff"}),
    ],
)
def test_who_may_read(rule: str, allowed: set[str]) -> None:
    viewers = {"anonymous": ANONYMOUS, "reader": READER, "member": MEMBER, "onsite": ONSITE, "staff": STAFF}
    assert {name for name, v in viewers.items() if may_read(v, parse_rule(rule), TODAY)} == allowed


def test_only_staff_rule_hides_the_record() -> None:
    assert not may_see_record(READER, Rule(policy.STAFF))
    assert may_see_record(STAFF, Rule(policy.STAFF))
    assert may_see_record(ANONYMOUS, parse_rule("metadata-only"))


def test_search_audiences() -> None:
    assert ANONYMOUS.audiences() == ["open"]
    assert MEMBER.audiences() == ["open", "registered", "group:talabalar"]
    assert STAFF.audiences() is None
    assert policy.audience(parse_rule("embargo:2027-01-01"), TODAY) == "staff"
    assert policy.audience(parse_rule("embargo:2026-01-01"), TODAY) == "open"
    assert policy.audience(parse_rule("group:talabalar"), TODAY) == "group:talabalar"


def test_explanations_say_what_to_do() -> None:
    from django.utils import translation

    with translation.override("en"):
        what, how = policy.explain(parse_rule("registered"), TODAY)
        assert "registered" in what and "Sign in" in how
        what, how = policy.explain(parse_rule("embargo:2027-03-08"), TODAY)
        assert "2027-03-08" in what
