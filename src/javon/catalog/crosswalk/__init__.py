"""Crosswalks between the catalogue and exchange formats: BibTeX, RIS, CSL-JSON, CSV; citations.

    read_records(path_or_bytes, "bibtex") -> [WorkInput | RecordError, …]
    format_citation(work, "gost")          -> "Qodiriy, A. Oʻtkan kunlar / A. Qodiriy. – …"

Imports give one RecordError per broken record and read the rest; nothing here writes to the
database (create the works with javon.catalog.services.create_work).
"""

from __future__ import annotations

from pathlib import Path

from javon.catalog.crosswalk import bibtex, csl, ris, tabular
from javon.catalog.crosswalk.citation import EXPORTS, FORMATS, STYLES, UnknownFormat, format_citation
from javon.catalog.crosswalk.common import RecordError
from javon.catalog.services import WorkInput

READERS = {"bibtex": bibtex.loads, "ris": ris.loads, "csl-json": csl.loads, "csv": tabular.loads}
_BY_EXTENSION = {".bib": "bibtex", ".ris": "ris", ".json": "csl-json", ".csv": "csv"}

__all__ = [
    "EXPORTS",
    "FORMATS",
    "READERS",
    "STYLES",
    "RecordError",
    "UnknownFormat",
    "format_citation",
    "read_records",
    "write_records",
]


def read_records(source: str | Path | bytes, format: str | None = None) -> list[WorkInput | RecordError]:
    """Records from a file (a path) or its bytes; `format` is 'bibtex', 'ris', 'csl-json' or 'csv',
    or guessed from a path's extension."""
    if isinstance(source, bytes):
        raw = source
    else:
        path = Path(source)
        format = format or _BY_EXTENSION.get(path.suffix.lower())
        raw = path.read_bytes()
    if format not in READERS:
        raise UnknownFormat(f"unknown metadata format {format!r}: use one of {', '.join(READERS)}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [RecordError(1, f"not UTF-8 text (byte {exc.start})")]
    return READERS[format](text)


def write_records(records: list[WorkInput], format: str, *, keys: list[str] | None = None) -> str:
    """Several records in one exchange format (keys name BibTeX entries and CSL items)."""
    keys = keys or [f"record{i}" for i in range(1, len(records) + 1)]
    if format == "bibtex":
        return bibtex.dumps(zip(keys, records, strict=True))
    if format == "ris":
        return ris.dumps(records)
    if format == "csl-json":
        return csl.dumps([csl.to_csl(data, item_id=key) for key, data in zip(keys, records, strict=True)])
    if format == "csv":
        return tabular.dumps(records)
    raise UnknownFormat(f"unknown metadata format {format!r}: use one of {', '.join(READERS)}")
