"""OPDS test helpers: the official schemas from ../shared/data/standards, never fetched."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from tests.conftest import SHARED

STANDARDS = SHARED / "data" / "standards"
ATOM_NS = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/terms/"}


@cache
def opds1_schema() -> etree.RelaxNG:
    """The OPDS 1.2 RELAX NG compact grammar, converted by trang (rnc2rng cannot parse its
    `string - (...)` exceptions).

    One fix first: its atomUri pattern `[ <>{}|^`"\\nrt]` meant newline, CR and tab but, as
    written, forbids the letters r and t, so no http URI could pass; we read it as `\\n\\r\\t`."""
    trang = shutil.which("trang")
    assert trang, "trang is missing: scripts/system-packages installs it"
    out = Path(tempfile.mkdtemp(prefix="javon-opds-rng-"))
    source = STANDARDS / "opds1"
    shutil.copy(source / "atom.rnc", out / "atom.rnc")
    grammar = (source / "opds-1.2.rnc").read_text()
    assert "\\nrt]" in grammar
    (out / "opds.rnc").write_text(grammar.replace("\\nrt]", "\\n\\r\\t]"))
    subprocess.run([trang, "-I", "rnc", "-O", "rng", str(out / "opds.rnc"), str(out / "opds.rng")], check=True)
    schema = etree.RelaxNG(etree.parse(str(out / "opds.rng")))
    shutil.rmtree(out)
    return schema


@cache
def opds2_validator() -> Any:
    """The OPDS 2.0 feed schema with every $ref answered from the local copies. jsonschema_rs,
    because the Readium schemas use ECMA-262 regexes (named groups `(?<x>...)`) that Python's
    re, and so the jsonschema package, cannot compile."""
    import jsonschema_rs

    resources = []
    for folder in (STANDARDS / "opds2", STANDARDS / "readium-webpub-manifest" / "schema"):
        for path in folder.rglob("*.schema.json"):
            doc = json.loads(path.read_text())
            resources.append((doc["$id"], doc))

    def no_network(uri: str) -> Any:
        raise AssertionError(f"a schema tried to load {uri} from the network")

    feed = json.loads((STANDARDS / "opds2" / "feed.schema.json").read_text())
    return jsonschema_rs.Draft7Validator(feed, registry=jsonschema_rs.Registry(resources), retriever=no_network)


def atom(client: Any, url: str, kind: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(f"application/atom+xml;profile=opds-catalog;kind={kind}")
    root = etree.fromstring(response.content)
    schema = opds1_schema()
    assert schema.validate(root), f"{url}: {schema.error_log}"
    return root


def opds2(client: Any, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/opds+json")
    doc = response.json()
    errors = [f"{e.instance_path}: {e.message}" for e in opds2_validator().iter_errors(doc)]
    assert not errors, f"{url}: {errors[:5]}"
    return doc


def links(node: Any, rel: str, *, in_entries: bool = False) -> list[str]:
    """hrefs of the feed's (or entry's) own links with `rel`, or of its entries' links."""
    path = f"a:entry/a:link[@rel='{rel}']" if in_entries else f"a:link[@rel='{rel}']"
    return [link.get("href") for link in node.iterfind(path, ATOM_NS)]
