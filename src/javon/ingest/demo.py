"""The demo library: the real public-domain works in shared/corpus, with their real metadata.

Part of them are turned into PDF and EPUB files first, so that the demo goes through real
extraction, like any librarian's import.
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Any

from javon.ingest import samples
from javon.ingest.models import ImportJob
from javon.ingest.services import import_paths

log = logging.getLogger(__name__)

COLLECTIONS = {"uz": "Oʻzbek adabiyoti", "ru": "Русская литература", "en": "English-language books"}
# Which works become PDF or EPUB (the rest stay plain text). Small enough to build quickly.
AS_PDF = {
    "uz-navoiy-hikmatli-sozlar.txt",
    "uz-bobur-gazallar-ruboiylar.txt",
    "uz-xalq-ertagi-kenja-botir.txt",
    "uz-xalq-ertagi-zumrad-va-qimmat.txt",
    "ru-gogol-shinel.txt",
    "ru-turgenev-asya.txt",
    "en-wells-the-time-machine.txt",
    "en-strunk-elements-of-style.txt",
}
AS_EPUB = {
    "en-carroll-alices-adventures-in-wonderland.txt",
    "en-dickens-a-christmas-carol.txt",
    "ru-dostoevsky-krotkaya.txt",
    "uz-muqimiy-sherlar.txt",
}


def build(corpus: Path, out: Path) -> Path:
    """Write the demo files with sidecar metadata into `out`; returns `out`."""
    out.mkdir(parents=True, exist_ok=True)
    with (corpus / "catalog.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        source = corpus / row["file"]
        if not source.is_file():
            continue
        text = source.read_text(encoding="utf-8")
        author = row["creators"].split(";")[0].split("(")[0].strip()
        meta: dict[str, Any] = {
            "title": row["title"],
            "creators": row["creators"],
            "year": row["year"],
            "languages": [row["language"]],
            "script": row["script"],
            "type": row["type"] or "book",
            "subjects": row["subjects"],
            "licence": row["licence"],
            "collections": [COLLECTIONS.get(row["language"], "Other")],
        }
        stem = Path(row["file"]).stem
        if row["file"] in AS_PDF:
            target = out / f"{stem}.pdf"
            if not target.exists():
                target.write_bytes(
                    samples.text_to_pdf(text, title=row["title"], author=author, language=row["language"])
                )
        elif row["file"] in AS_EPUB:
            target = out / f"{stem}.epub"
            if not target.exists():
                target.write_bytes(
                    samples.text_to_epub(text, title=row["title"], author=author, language=row["language"])
                )
        else:
            target = out / row["file"]
            if not target.exists():
                target.write_text(text, encoding="utf-8")
        target.with_name(target.name + ".json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return out


def load(corpus: Path, workdir: Path) -> ImportJob:
    folder = build(corpus, workdir)
    return import_paths([folder], actor="demo")
