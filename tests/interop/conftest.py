"""OAI-PMH test helpers: the official schemas (read from disk, never fetched), the demo
catalogue as works, and a client that checks every response against the schemas."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.conftest import CORPUS, SHARED

STANDARDS = SHARED / "data" / "standards"
OAI_XSD = STANDARDS / "oai-pmh"
MARC_XSD = STANDARDS / "marc" / "MARC21slim.xsd"
DATA = Path(__file__).resolve().parent / "data"
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "marc": "http://www.loc.gov/MARC21/slim",
}


class LocalSchemas(etree.Resolver):
    """Schema imports by their web address answered from ../shared/data/standards."""

    LOCAL = {
        "http://www.w3.org/2001/03/xml.xsd": OAI_XSD / "xml.xsd",
        "http://www.w3.org/2001/xml.xsd": OAI_XSD / "xml.xsd",
    }

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        local = self.LOCAL.get(system_url)
        if local is not None:
            return self.resolve_filename(str(local), context)
        if system_url.startswith(("http:", "https:")):
            raise AssertionError(f"a schema tried to load {system_url} from the network")
        return None


def _schema() -> etree.XMLSchema:
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:javon:tests">
      <xs:import namespace="http://www.openarchives.org/OAI/2.0/"
                 schemaLocation="{(OAI_XSD / "OAI-PMH.xsd").as_uri()}"/>
      <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"
                 schemaLocation="{(OAI_XSD / "oai_dc.xsd").as_uri()}"/>
      <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai-identifier"
                 schemaLocation="{(OAI_XSD / "oai-identifier.xsd").as_uri()}"/>
      <xs:import namespace="http://www.loc.gov/MARC21/slim" schemaLocation="{MARC_XSD.as_uri()}"/>
    </xs:schema>"""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas())
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=OAI_XSD.as_uri() + "/"))


_SCHEMA: etree.XMLSchema | None = None


def schema() -> etree.XMLSchema:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = _schema()
    return _SCHEMA


def validate(body: bytes) -> Any:
    """The parsed response, after checking it against OAI-PMH, oai_dc, oai-identifier and MARCXML."""
    root = etree.fromstring(body)
    checker = schema()
    assert checker.validate(root), f"{checker.error_log}\n{body[:3000].decode(errors='replace')}"
    return root


def oai(client: Any, **params: str) -> Any:
    """GET /oai with these arguments; the response must be valid XML of the right type."""
    response = client.get("/oai", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return validate(response.content)


def error_code(root: Any) -> str | None:
    found = root.find("oai:error", NS)
    return None if found is None else found.get("code")


def load_demo_catalogue(limit: int | None = None) -> list[Any]:
    """The demo library's records (../shared/corpus/catalog.csv) as catalogue works, with the
    collections `javon demo` files them in. OAI-PMH carries metadata only, so no files are made."""
    from javon.catalog.services import WorkInput, create_work, parse_creators, split_list
    from javon.ingest.demo import COLLECTIONS

    works = []
    with (CORPUS / "catalog.csv").open(encoding="utf-8", newline="") as fh:
        for row in list(csv.DictReader(fh))[:limit]:
            works.append(
                create_work(
                    WorkInput(
                        title=row["title"],
                        type=row["type"] or "book",
                        creators=parse_creators(row["creators"]),
                        languages=[row["language"]],
                        title_script=row["script"],
                        year=int(row["year"]) if row["year"].strip().lstrip("-").isdigit() else None,
                        subjects=split_list(row["subjects"]),
                        licence=row["licence"][:200],
                        collections=[COLLECTIONS.get(row["language"], "Other")],
                    ),
                    actor="demo",
                )
            )
    return works


@pytest.fixture
def demo_works(db: Any) -> list[Any]:
    return load_demo_catalogue()
