"""Browsing without a query: collections, types, subjects, years, authors A–Z, author pages.

Authors are listed by their folded key (javon.catalog.services.name_key), which is the
Uzbek Latin reading of the name whatever script it was catalogued in; so "Холмирзаев" and
"Xolmirzayev" sort together, and a letter of either alphabet selects the same keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from javon.access import policy
from javon.access import services as access
from javon.catalog.models import Agent, Collection, Contribution, Subject, Work, WorkType
from javon.text import normalize_lang
from javon.web import script as scripts

AUTHORS_PER_PAGE = 60
PUBLIC_WORKS = Q(works__status=Work.Status.READY) & ~Q(works__access=policy.STAFF)
WORKS_PER_PAGE = 20

# (Latin letter, Cyrillic letter, key prefix, key prefixes that belong to another letter)
# in the order of the Uzbek alphabets; C, W are for foreign names.
_LETTERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("A", "А", "a", ()),
    ("B", "Б", "b", ()),
    ("C", "", "c", ("ch",)),
    ("D", "Д", "d", ()),
    ("E", "Э", "e", ()),
    ("F", "Ф", "f", ()),
    ("G", "Г", "g", ("gʻ",)),
    ("H", "Ҳ", "h", ()),
    ("I", "И", "i", ()),
    ("J", "Ж", "j", ()),
    ("K", "К", "k", ()),
    ("L", "Л", "l", ()),
    ("M", "М", "m", ()),
    ("N", "Н", "n", ()),
    ("O", "О", "o", ("oʻ",)),
    ("P", "П", "p", ()),
    ("Q", "Қ", "q", ()),
    ("R", "Р", "r", ()),
    ("S", "С", "s", ("sh",)),
    ("T", "Т", "t", ()),
    ("U", "У", "u", ()),
    ("V", "В", "v", ()),
    ("W", "", "w", ()),
    ("X", "Х", "x", ()),
    ("Y", "Й", "y", ("ye", "yo", "yu", "ya")),
    ("Ye", "Е", "ye", ()),
    ("Yo", "Ё", "yo", ()),
    ("Yu", "Ю", "yu", ()),
    ("Ya", "Я", "ya", ()),
    ("Z", "З", "z", ()),
    ("Oʻ", "Ў", "oʻ", ()),
    ("Gʻ", "Ғ", "gʻ", ()),
    ("Sh", "Ш", "sh", ()),
    ("Ch", "Ч", "ch", ()),
]
_BY_PREFIX = {prefix: (latin, cyrillic, prefix, others) for latin, cyrillic, prefix, others in _LETTERS}


@dataclass(frozen=True)
class Letter:
    label: str
    prefix: str


def letters(script: str) -> list[Letter]:
    """The alphabet of the reader's script; a Latin-only letter stays Latin in Cyrillic."""
    out = []
    for latin, cyrillic, prefix, _others in _LETTERS:
        label = cyrillic if script == scripts.CYRL and cyrillic else latin
        out.append(Letter(label, prefix))
    if script == scripts.CYRL:
        order = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЪЬЭЮЯЎҚҒҲ"
        out.sort(key=lambda letter: (order.find(letter.label[0]) if letter.label[0] in order else 100, letter.label))
    return out


def _ready_works() -> QuerySet[Work]:
    return access.public_works()


def _agents_with_works() -> QuerySet[Agent]:
    return Agent.objects.filter(
        Q(contributions__work__status=Work.Status.READY) & ~Q(contributions__work__access=policy.STAFF)
    )


def authors_for(prefix: str, after: str = "") -> QuerySet[Agent]:
    """Agents with a published work whose key starts with `prefix`, in key order."""
    latin, _cyr, prefix, others = _BY_PREFIX[prefix]
    rows = _agents_with_works().filter(name_key__startswith=prefix)
    for other in others:
        rows = rows.exclude(name_key__startswith=other)
    if after:
        rows = rows.filter(name_key__gt=after)
    return rows.annotate(n=Count("contributions__work", distinct=True)).order_by("name_key", "id")


def uzbek_agents(agent_ids: list[int]) -> set[int]:
    """Which of these agents have an Uzbek work (their names are then shown in the reader's script)."""
    found: set[int] = set()
    rows = Contribution.objects.filter(agent_id__in=agent_ids).values_list("agent_id", "work__languages")
    for agent_id, languages in rows:
        if isinstance(languages, list) and any(normalize_lang(str(code)) == "uz" for code in languages):
            found.add(agent_id)
    return found


def _shown(agents: Sequence[Agent], script: str) -> list[tuple[Agent, str]]:
    uzbek = uzbek_agents([a.pk for a in agents])
    return [(a, scripts.display(a.name, script, a.pk in uzbek)) for a in agents]


def decades() -> list[tuple[int, int]]:
    """(first year of the decade, works) for published works with a year, oldest first."""
    rows = (
        _ready_works()
        .exclude(year=None)
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        year = row["year"]
        if year is not None:
            counts[year // 10 * 10] += row["n"]
    return sorted(counts.items())


@require_safe
def browse(request: HttpRequest) -> HttpResponse:
    script = scripts.reader_script(request)
    labels = dict(WorkType.choices)
    types = _ready_works().values("type").annotate(n=Count("id")).order_by("-n")
    collections = list(
        Collection.objects.annotate(n=Count("works", filter=PUBLIC_WORKS)).order_by(
            "slug"
        )[:500]
    )
    subjects = (
        Subject.objects.annotate(n=Count("works", filter=PUBLIC_WORKS))
        .filter(n__gt=0)
        .order_by("-n", "term")[:80]
    )
    return render(
        request,
        "web/browse.html",
        {
            "types": [(t["type"], labels.get(t["type"], t["type"]), t["n"]) for t in types],
            "collections": [(c, c.slug.count("/")) for c in collections],
            "subjects": subjects,
            "decades": [(start, start + 9, n) for start, n in decades()],
            "letters": letters(script),
        },
    )


@require_safe
def authors(request: HttpRequest) -> HttpResponse:
    script = scripts.reader_script(request)
    prefix = request.GET.get("letter", "a")
    if prefix not in _BY_PREFIX:
        raise Http404(_("No such letter"))
    after = request.GET.get("after", "")[:500]
    page = list(authors_for(prefix, after)[: AUTHORS_PER_PAGE + 1])
    more = len(page) > AUTHORS_PER_PAGE
    page = page[:AUTHORS_PER_PAGE]
    current = next(letter for letter in letters(script) if letter.prefix == prefix)
    return render(
        request,
        "web/authors.html",
        {
            "letters": letters(script),
            "current": current,
            "authors": _shown(page, script),
            "next_after": page[-1].name_key if more and page else "",
        },
    )


@require_safe
def author(request: HttpRequest, agent_id: int) -> HttpResponse:
    agent = Agent.objects.filter(pk=agent_id).first()
    if agent is None:
        raise Http404(_("No such author"))
    script = scripts.reader_script(request)
    works_qs = (
        _ready_works()
        .filter(contributions__agent=agent)
        .distinct()
        .prefetch_related("contributions__agent")
        .order_by("-year", "title", "id")
    )
    total = works_qs.count()
    if total == 0:  # nothing published: the author has no public page yet
        raise Http404(_("No such author"))
    page = max(_int(request.GET.get("page")) or 1, 1)
    works = list(works_qs[(page - 1) * WORKS_PER_PAGE : page * WORKS_PER_PAGE])
    uzbek = bool(uzbek_agents([agent.pk]))
    co_authors = list(
        _agents_with_works()
        .filter(contributions__work__contributions__agent=agent)
        .exclude(pk=agent.pk)
        .annotate(n=Count("contributions__work", distinct=True))
        .order_by("-n", "name_key")[:12]
    )
    subjects = (
        Subject.objects.filter(PUBLIC_WORKS, works__contributions__agent=agent)
        .annotate(n=Count("works", distinct=True))
        .order_by("-n", "term")[:20]
    )
    return render(
        request,
        "web/author.html",
        {
            "agent": agent,
            "name": scripts.display(agent.name, script, uzbek),
            "works": works,
            "total": total,
            "page": page,
            "has_next": page * WORKS_PER_PAGE < total,
            "co_authors": _shown(co_authors, script),
            "subjects": subjects,
        },
    )


def related_works(work: Work, limit: int = 6) -> dict[str, list[Work]]:
    """Other published works by the same people, and works sharing the most subjects."""
    agent_ids = [c.agent_id for c in work.contributions.all()]
    by_authors = list(
        _ready_works()
        .filter(contributions__agent_id__in=agent_ids)
        .exclude(pk=work.pk)
        .distinct()
        .prefetch_related("contributions__agent")
        .order_by("-year", "id")[:limit]
    )
    seen = {w.pk for w in by_authors} | {work.pk}
    subject_ids = [s.pk for s in work.subjects.all()]
    by_subjects: list[Work] = []
    if subject_ids:
        by_subjects = list(
            _ready_works()
            .filter(subjects__in=subject_ids)
            .exclude(pk__in=seen)
            .annotate(shared=Count("subjects", filter=Q(subjects__in=subject_ids)))
            .prefetch_related("contributions__agent")
            .order_by("-shared", "-year", "id")[:limit]
        )
    return {"by_authors": by_authors, "by_subjects": by_subjects}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def most_read_works(limit: int = 8) -> list[Any]:
    """Published works read or downloaded most in the last 90 days."""
    from javon.stats import services as stats

    ids = stats.most_used(limit=limit * 2)
    works = {w.pk: w for w in _ready_works().filter(pk__in=ids).prefetch_related("contributions__agent")}
    return [works[i] for i in ids if i in works][:limit]
