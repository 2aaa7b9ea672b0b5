"""Metadata that comes with files: sidecar NAME.json, CSV manifests, import options.

All of them become one plain dict with the keys of catalog.services.WorkInput, merged in
order of trust: options < embedded in the file < sidecar or manifest row.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from javon.catalog.services import (
    CatalogError,
    Creator,
    WorkInput,
    parse_creator,
    parse_creators,
    split_list,
    year_from_date,
)

MANIFEST_REQUIRED = {"file"}
_LIST_KEYS = {"subjects", "keywords", "collections", "languages"}
_ALIASES = {
    "language": "languages",
    "collection": "collections",
    "license": "licence",
    "authors": "creators",
    "author": "creators",
    "description": "abstract",
    "rights_statement": "rights",
}
_IDENTIFIER_COLUMNS = {"isbn", "issn", "doi", "udc", "bbk", "call_number", "uri"}
_KNOWN = set(WorkInput.__dataclass_fields__) | _LIST_KEYS | _IDENTIFIER_COLUMNS | {"script"}


class MetadataError(ValueError):
    """A sidecar or manifest that cannot be read; the message names the file and the problem."""


def normalise(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """Turn a sidecar/manifest/form dict into WorkInput keys, checking types as it goes."""
    out: dict[str, Any] = {}
    identifiers: list[tuple[str, str]] = []
    for key, value in raw.items():
        key = _ALIASES.get(key.strip().lower(), key.strip().lower())
        if value is None or value == "" or value == []:
            continue
        if key in _IDENTIFIER_COLUMNS:
            identifiers += [(key, v) for v in split_list(value if isinstance(value, list) else str(value))]
        elif key == "identifiers":
            if isinstance(value, dict):
                identifiers += [(str(k).lower(), str(v)) for k, v in value.items()]
            elif isinstance(value, list):
                for item in value:
                    if not isinstance(item, dict) or "scheme" not in item or "value" not in item:
                        raise MetadataError(f"{source}: identifiers must be {{scheme, value}} objects")
                    identifiers.append((str(item["scheme"]).lower(), str(item["value"])))
        elif key == "creators":
            if isinstance(value, str):
                out["creators"] = parse_creators(value)
            elif isinstance(value, list):
                creators = []
                for item in value:
                    if isinstance(item, str):
                        creators.append(parse_creator(item))
                    elif isinstance(item, dict) and item.get("name"):
                        creators.append(
                            Creator(
                                name=str(item["name"]),
                                role=str(item.get("role", "author")),
                                dates=str(item.get("dates", "")),
                            )
                        )
                    else:
                        raise MetadataError(f"{source}: each creator needs a name")
                out["creators"] = creators
            else:
                raise MetadataError(f"{source}: creators must be text or a list")
        elif key in _LIST_KEYS:
            out[key] = split_list(value if isinstance(value, list) else str(value))
        elif key == "year":
            try:
                out["year"] = int(str(value).strip()[:5])
            except ValueError:
                year = year_from_date(str(value))
                if year is None:
                    raise MetadataError(f"{source}: year {value!r} is not a year") from None
                out["year"] = year
        elif key == "script":
            out["title_script"] = str(value)
        elif key == "alternative_titles":
            if not isinstance(value, list):
                raise MetadataError(f"{source}: alternative_titles must be a list")
            out[key] = [v if isinstance(v, dict) else {"title": str(v)} for v in value]
        elif key in _KNOWN:
            out[key] = str(value).strip()
        # Unknown keys (source, notes, …) are ignored: manifests carry their own bookkeeping.
    if identifiers:
        out["identifiers"] = identifiers
    return out


def read_sidecar(path: Path) -> dict[str, Any]:
    """NAME.pdf may have NAME.pdf.json or NAME.json beside it."""
    for candidate in (path.with_name(path.name + ".json"), path.with_suffix(".json")):
        if candidate != path and candidate.is_file():
            try:
                raw = json.loads(candidate.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise MetadataError(f"{candidate.name}: not valid JSON ({exc})") from exc
            if not isinstance(raw, dict):
                raise MetadataError(f"{candidate.name}: must hold one JSON object")
            return normalise(raw, candidate.name)
    return {}


def is_manifest(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError):
        return False
    return {h.strip().lower() for h in header} >= MANIFEST_REQUIRED


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """A CSV with a `file` column (relative to the CSV) and metadata columns."""
    rows: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            name = (row.pop("file", None) or row.pop("File", None) or "").strip()
            if not name:
                continue
            target = (path.parent / name).resolve()
            rows[str(target)] = normalise(row, f"{path.name} line {line}")
    return rows


def to_work_input(meta: dict[str, Any]) -> WorkInput:
    fields = {k: v for k, v in meta.items() if k in WorkInput.__dataclass_fields__}
    if not fields.get("title"):
        raise CatalogError("title: none given and none found in the file")
    return WorkInput(**fields)
