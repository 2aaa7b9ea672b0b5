"""The metadata formats the OAI-PMH provider disseminates: oai_dc always, marcxml when the
MARC crosswalk (javon.catalog.crosswalk.marc, with pymarc) is installed."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from javon.catalog.crosswalk import dc
from javon.catalog.models import Work
from javon.catalog.services import WorkInput

MARC_NS = "http://www.loc.gov/MARC21/slim"


@dataclass(frozen=True)
class Format:
    prefix: str
    schema: str
    namespace: str
    write: Callable[[Work, WorkInput, str], Any]


def _oai_dc(work: Work, data: WorkInput, site: str) -> Any:
    return dc.to_dc(data, urls=[site + work.get_absolute_url()])


def _marcxml(work: Work, data: WorkInput, site: str) -> Any:
    import pymarc

    record = importlib.import_module("javon.catalog.crosswalk.marc").work_to_record(work)
    element = etree.fromstring(pymarc.record_to_xml(record, namespace=True))
    if element.tag != f"{{{MARC_NS}}}record":
        raise ValueError(f"the MARC crosswalk wrote {element.tag}, not a MARCXML record")
    return element


OAI_DC = Format("oai_dc", dc.SCHEMA, dc.OAI_DC, _oai_dc)
MARCXML = Format("marcxml", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", MARC_NS, _marcxml)


@functools.cache
def _marc_available() -> bool:
    try:
        import pymarc  # noqa: F401

        marc = importlib.import_module("javon.catalog.crosswalk.marc")
    except ImportError:
        return False
    return hasattr(marc, "work_to_record")


def available() -> dict[str, Format]:
    found = {OAI_DC.prefix: OAI_DC}
    if _marc_available():
        found[MARCXML.prefix] = MARCXML
    return found


def disseminate(prefix: str, work: Work, data: WorkInput, site: str) -> Any:
    return available()[prefix].write(work, data, site)
