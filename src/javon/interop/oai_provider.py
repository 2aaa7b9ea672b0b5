"""The OAI-PMH 2.0 provider: the six verbs over the catalogue, as XML bytes.

    respond(params, base_url) -> bytes      (params: each argument's list of values)

Only public records are disseminated (published, and not kept to staff: what an anonymous
reader may see, javon.access.services.can_see); a record that stops being public, or whose
work was deleted (a DeletedRecord tombstone), is listed with status="deleted".
List verbs page by keyset on (datestamp, id): the resumption token carries the position,
the request's from/until/set/prefix and the moment the list started (records changed
after it have later datestamps and come in the next incremental harvest), signed, with an
expiry. So a harvest neither loses nor repeats records when the catalogue changes under it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Min, Q
from django.utils import timezone, translation
from lxml import etree

from javon.access import policy
from javon.catalog.models import AlternativeTitle, Contribution, Identifier, Work
from javon.catalog.services import Creator, WorkInput
from javon.interop import formats
from javon.interop.models import DeletedRecord
from javon.interop.oai_sets import SetIndex

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
SCHEMA_LOCATION = f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
TOKEN_SALT = "javon.interop.oai.token"  # noqa: S105 - a signing salt, not a secret
PATTERN_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
PATTERN_SET = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
}


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def page_size() -> int:
    return int(getattr(settings, "OAI_PAGE_SIZE", 200))


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "OAI_TOKEN_SECONDS", 24 * 3600)))


def repository_id() -> str:
    return str(getattr(settings, "OAI_REPOSITORY_ID", "javon.local"))


def oai_identifier(work_id: int) -> str:
    return f"oai:{repository_id()}:work/{work_id}"


def work_id_of(identifier: str) -> int | None:
    prefix = f"oai:{repository_id()}:work/"
    rest = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
    return int(rest) if rest.isdigit() and len(rest) < 19 else None


def datestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datestamp(text: str, *, end: bool) -> dt.datetime:
    """A from/until value as an instant; for `until` (end=True) the first instant after it."""
    if DAY.match(text):
        moment = dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.UTC)
        step = dt.timedelta(days=1)
    elif SECOND.match(text):
        moment = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        step = dt.timedelta(seconds=1)
    else:
        raise OaiError("badArgument", f"{text!r} is not a UTC datestamp (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)")
    return moment + step if end else moment


# ------------------------------------------------------------------ XML


def _sub(parent: Any, name: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{OAI}}}{name}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _envelope(base_url: str, request_attrs: dict[str, str]) -> Any:
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    _sub(root, "responseDate", datestamp(timezone.now()))
    _sub(root, "request", base_url, **request_attrs)
    return root


def _serialize(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


# ------------------------------------------------------------------ records


def public_filter() -> Q:
    """What an anonymous reader may see (javon.access.services.can_see), as a query."""
    return Q(status=Work.Status.READY) & ~Q(access=policy.STAFF)


def is_public(work: Work) -> bool:
    return work.status == Work.Status.READY and work.access != policy.STAFF


@dataclass
class Related:
    """A page's relations, read with one plain query each (model prefetching cost more than the
    rest of a ListRecords page together)."""

    creators: dict[int, list[Creator]] = field(default_factory=dict)
    alt_titles: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    subjects: dict[int, list[str]] = field(default_factory=dict)
    collections: dict[int, list[int]] = field(default_factory=dict)
    identifiers: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, ids: list[int], *, metadata: bool) -> Related:
        found = cls()
        if not ids:
            return found
        for work_id, collection_id in Work.collections.through.objects.filter(work_id__in=ids).values_list(
            "work_id", "collection_id"
        ):
            found.collections.setdefault(work_id, []).append(collection_id)
        if not metadata:
            return found
        for work_id, name, role, dates in (
            Contribution.objects.filter(work_id__in=ids)
            .order_by("work_id", "position", "id")
            .values_list("work_id", "agent__name", "role", "agent__dates")
        ):
            found.creators.setdefault(work_id, []).append(Creator(name, role, dates))
        for work_id, title, language in AlternativeTitle.objects.filter(work_id__in=ids).values_list(
            "work_id", "title", "language"
        ):
            found.alt_titles.setdefault(work_id, []).append({"title": title, "language": language})
        for work_id, term in (
            Work.subjects.through.objects.filter(work_id__in=ids).order_by("id").values_list("work_id", "subject__term")
        ):
            found.subjects.setdefault(work_id, []).append(term)
        for work_id, scheme, value in (
            Identifier.objects.filter(work_id__in=ids).order_by("id").values_list("work_id", "scheme", "value")
        ):
            found.identifiers.setdefault(work_id, []).append((scheme, value))
        return found


def work_input(work: Work, related: Related) -> WorkInput:
    """The work's metadata, its relations taken from the page's `related`."""
    return WorkInput(
        title=work.title,
        type=work.type,
        creators=related.creators.get(work.pk, []),
        languages=list(work.languages or []),
        title_language=work.title_language,
        alternative_titles=related.alt_titles.get(work.pk, []),
        publisher=work.publisher,
        place=work.place,
        date=work.date,
        year=work.year,
        series=work.series,
        series_number=work.series_number,
        abstract=work.abstract,
        subjects=related.subjects.get(work.pk, []),
        keywords=list(work.keywords or []),
        identifiers=related.identifiers.get(work.pk, []),
        rights=work.rights,
        licence=work.licence,
        access=work.access,
    )


@dataclass
class Item:
    """One entry of a list: a work (public or not) or a tombstone."""

    stamp: dt.datetime
    work_id: int
    work: Work | None = None
    sets: list[str] | None = None

    @property
    def deleted(self) -> bool:
        return self.work is None or not is_public(self.work)


def _header(parent: Any, item: Item, index: SetIndex, related: Related) -> None:
    header = _sub(parent, "header", status="deleted" if item.deleted else "")
    _sub(header, "identifier", oai_identifier(item.work_id))
    _sub(header, "datestamp", datestamp(item.stamp))
    specs = item.sets
    if specs is None and item.work is not None:
        specs = index.specs_of(item.work.type, related.collections.get(item.work_id, []))
    for spec in specs or []:
        _sub(header, "setSpec", spec)


def _record(parent: Any, item: Item, prefix: str, index: SetIndex, base_url: str, related: Related) -> None:
    record = _sub(parent, "record")
    _header(record, item, index, related)
    if not item.deleted and item.work is not None:
        metadata = _sub(record, "metadata")
        data = work_input(item.work, related)
        metadata.append(formats.disseminate(prefix, item.work, data, site_url(base_url)))


def site_url(base_url: str) -> str:
    return base_url.rsplit("/oai", 1)[0]


# ------------------------------------------------------------------ verbs


def identify(root: Any, base_url: str) -> None:
    body = _sub(root, "Identify")
    _sub(body, "repositoryName", str(getattr(settings, "OAI_REPOSITORY_NAME", "Javon")))
    _sub(body, "baseURL", base_url)
    _sub(body, "protocolVersion", "2.0")
    _sub(body, "adminEmail", str(getattr(settings, "OAI_ADMIN_EMAIL", "") or f"library@{repository_id()}"))
    earliest = [
        t
        for t in (
            Work.objects.aggregate(m=Min("updated"))["m"],
            DeletedRecord.objects.aggregate(m=Min("deleted_at"))["m"],
        )
        if t is not None
    ]
    _sub(body, "earliestDatestamp", datestamp(min(earliest) if earliest else timezone.now()))
    _sub(body, "deletedRecord", "persistent")
    _sub(body, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = _sub(body, "description")
    ident = etree.SubElement(description, f"{{{OAI_ID}}}oai-identifier", nsmap={None: OAI_ID})
    ident.set(f"{{{XSI}}}schemaLocation", f"{OAI_ID} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")
    for name, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", repository_id()),
        ("delimiter", ":"),
        ("sampleIdentifier", oai_identifier(1)),
    ):
        etree.SubElement(ident, f"{{{OAI_ID}}}{name}").text = text


def _known_item(identifier: str) -> Item:
    work_id = work_id_of(identifier)
    if work_id is not None:
        work = Work.objects.filter(pk=work_id).first()
        if work is not None:
            return Item(work.updated, work.pk, work)
        tomb = DeletedRecord.objects.filter(work_id=work_id).first()
        if tomb is not None:
            return Item(tomb.deleted_at, work_id, None, [s for s in tomb.sets.split("|") if s])
    raise OaiError("idDoesNotExist", f"{identifier!r} is not an identifier of this repository")


def list_metadata_formats(root: Any, identifier: str | None) -> None:
    if identifier is not None:
        _known_item(identifier)
    body = _sub(root, "ListMetadataFormats")
    for prefix, fmt in formats.available().items():
        entry = _sub(body, "metadataFormat")
        _sub(entry, "metadataPrefix", prefix)
        _sub(entry, "schema", fmt.schema)
        _sub(entry, "metadataNamespace", fmt.namespace)


def list_sets(root: Any) -> None:
    body = _sub(root, "ListSets")
    with translation.override("en"):  # one answer for every harvester, whatever its Accept-Language
        sets = SetIndex.load().all_sets()
    for spec, name in sets:
        entry = _sub(body, "set")
        _sub(entry, "setSpec", spec)
        _sub(entry, "setName", name)


def get_record(root: Any, identifier: str, prefix: str, base_url: str) -> None:
    item = _known_item(identifier)
    body = _sub(root, "GetRecord")
    related = Related.load([item.work_id] if item.work is not None else [], metadata=not item.deleted)
    _record(body, item, prefix, SetIndex.load(), base_url, related)


@dataclass
class ListState:
    """Where a list is: what it was asked for, and the last (datestamp, id) delivered."""

    verb: str
    prefix: str
    set_spec: str
    start: dt.datetime | None
    stop: dt.datetime  # exclusive: the request's until, or the moment the list began
    after: tuple[dt.datetime, int] | None
    cursor: int
    total: int

    def token(self) -> str:
        payload = {
            "v": self.verb,
            "p": self.prefix,
            "s": self.set_spec,
            "f": self.start.isoformat() if self.start else "",
            "u": self.stop.isoformat(),
            "a": [self.after[0].isoformat(), self.after[1]] if self.after else None,
            "c": self.cursor,
            "n": self.total,
        }
        return signing.dumps(payload, salt=TOKEN_SALT, compress=True)

    @classmethod
    def from_token(cls, token: str, verb: str) -> ListState:
        try:
            data = signing.loads(token, salt=TOKEN_SALT, max_age=token_lifetime())
            state = cls(
                verb=data["v"],
                prefix=data["p"],
                set_spec=data["s"],
                start=dt.datetime.fromisoformat(data["f"]) if data["f"] else None,
                stop=dt.datetime.fromisoformat(data["u"]),
                after=(dt.datetime.fromisoformat(data["a"][0]), int(data["a"][1])) if data["a"] else None,
                cursor=int(data["c"]),
                total=int(data["n"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError) as error:
            raise OaiError("badResumptionToken", "the resumption token is invalid or has expired") from error
        if state.verb != verb:
            raise OaiError("badResumptionToken", f"the resumption token belongs to {state.verb}, not {verb}")
        return state


def _queries(state: ListState, index: SetIndex) -> tuple[Any, Any]:
    works = Work.objects.filter(updated__lt=state.stop)
    tombs = DeletedRecord.objects.filter(deleted_at__lt=state.stop)
    if state.start is not None:
        works = works.filter(updated__gte=state.start)
        tombs = tombs.filter(deleted_at__gte=state.start)
    if state.set_spec:
        condition = index.work_filter(state.set_spec)
        if condition is None:
            raise OaiError("noRecordsMatch", f"there is no set {state.set_spec!r}")
        if condition:
            works = works.filter(pk__in=Work.objects.filter(condition).values("pk"))
        tombs = tombs.filter(sets__contains=f"|{state.set_spec}|")
    return works, tombs


def _page(state: ListState, index: SetIndex) -> tuple[list[Item], bool]:
    """The next page of items in (datestamp, id) order, and whether more follow."""
    works, tombs = _queries(state, index)
    if state.after is not None:
        at, pk = state.after
        works = works.filter(Q(updated__gt=at) | Q(updated=at, pk__gt=pk))
        tombs = tombs.filter(Q(deleted_at__gt=at) | Q(deleted_at=at, work_id__gt=pk))
    size = page_size()
    found = [Item(w.updated, w.pk, w) for w in works.order_by("updated", "pk")[: size + 1]]
    found += [
        Item(t.deleted_at, t.work_id, None, [s for s in t.sets.split("|") if s])
        for t in tombs.order_by("deleted_at", "work_id")[: size + 1]
    ]
    found.sort(key=lambda item: (item.stamp, item.work_id))
    return found[:size], len(found) > size


def list_items(root: Any, verb: str, args: dict[str, str], base_url: str) -> None:
    index = SetIndex.load()
    if "resumptionToken" in args:
        state = ListState.from_token(args["resumptionToken"], verb)
    else:
        start = parse_datestamp(args["from"], end=False) if "from" in args else None
        stop = parse_datestamp(args["until"], end=True) if "until" in args else None
        now = timezone.now()
        state = ListState(verb, args["metadataPrefix"], args.get("set", ""), start, min(stop or now, now), None, 0, 0)
        works, tombs = _queries(state, index)
        state.total = works.count() + tombs.count()
    if state.prefix not in formats.available():
        raise OaiError("cannotDisseminateFormat", f"records are not available as {state.prefix!r}")
    items, more = _page(state, index)
    if not items:
        raise OaiError("noRecordsMatch", "no records match the request")
    body = _sub(root, verb)
    full = verb == "ListRecords"
    related = Related.load([i.work_id for i in items if i.work is not None], metadata=full)
    for item in items:
        if full:
            _record(body, item, state.prefix, index, base_url, related)
        else:
            _header(body, item, index, related)
    delivered = state.cursor
    if more or state.cursor > 0:
        next_state = ListState(
            verb,
            state.prefix,
            state.set_spec,
            state.start,
            state.stop,
            (items[-1].stamp, items[-1].work_id),
            state.cursor + len(items),
            max(state.total, state.cursor + len(items)),
        )
        expires = datestamp(timezone.now() + token_lifetime())
        attrs = {"cursor": str(delivered), "completeListSize": str(next_state.total)}
        if more:
            attrs["expirationDate"] = expires
        _sub(body, "resumptionToken", next_state.token() if more else "", **attrs)


# ------------------------------------------------------------------ dispatch


def _arguments(params: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, checked as the protocol says (badVerb, badArgument)."""
    for name, values in params.items():
        if len(values) > 1:
            raise OaiError("badVerb" if name == "verb" else "badArgument", f"{name} is repeated")
    verbs = params.get("verb", [])
    verb = verbs[0] if verbs else ""
    if verb not in ARGUMENTS:
        raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb" if verb else "the verb is missing")
    args = {name: values[0] for name, values in params.items() if name != "verb"}
    required, optional = ARGUMENTS[verb]
    if "resumptionToken" in args and verb in ("ListSets", "ListIdentifiers", "ListRecords"):
        if set(args) != {"resumptionToken"}:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument")
        return verb, args
    unknown = set(args) - required - optional
    if unknown:
        raise OaiError("badArgument", f"{verb} does not take {', '.join(sorted(unknown))}")
    missing = required - set(args)
    if missing:
        raise OaiError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")
    if "metadataPrefix" in args and not PATTERN_PREFIX.match(args["metadataPrefix"]):
        raise OaiError("badArgument", "metadataPrefix has characters the protocol does not allow")
    if "set" in args and not PATTERN_SET.match(args["set"]):
        raise OaiError("badArgument", "set is not a set spec")
    for name in ("from", "until"):
        if name in args:
            parse_datestamp(args[name], end=False)
    if "from" in args and "until" in args:
        if len(args["from"]) != len(args["until"]):
            raise OaiError("badArgument", "from and until must have the same granularity")
        if parse_datestamp(args["from"], end=False) >= parse_datestamp(args["until"], end=True):
            raise OaiError("badArgument", "from is later than until")
    return verb, args


def respond(params: dict[str, list[str]], base_url: str) -> bytes:
    """The whole OAI-PMH response for one request's arguments."""
    try:
        verb, args = _arguments(params)
    except OaiError as error:
        # After badVerb or badArgument the request element carries no attributes (spec 3.6).
        root = _envelope(base_url, {})
        _sub(root, "error", error.message, code=error.code)
        return _serialize(root)
    root = _envelope(base_url, {"verb": verb, **args})
    try:
        if verb == "Identify":
            identify(root, base_url)
        elif verb == "ListMetadataFormats":
            list_metadata_formats(root, args.get("identifier"))
        elif verb == "ListSets":
            if "resumptionToken" in args:
                raise OaiError("badResumptionToken", "ListSets is never split: this token is not ours")
            list_sets(root)
        elif verb == "GetRecord":
            if args["metadataPrefix"] not in formats.available():
                raise OaiError("cannotDisseminateFormat", f"records are not available as {args['metadataPrefix']!r}")
            get_record(root, args["identifier"], args["metadataPrefix"], base_url)
        else:
            list_items(root, verb, args, base_url)
    except OaiError as error:
        for child in root[2:]:
            root.remove(child)
        _sub(root, "error", error.message, code=error.code)
    return _serialize(root)
