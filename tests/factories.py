"""Small builders of real files and works for tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from asgiref.local import Local
from django.tasks import task_backends


def write_pdf(
    folder: Path,
    name: str,
    text: str,
    *,
    title: str = "A PDF",
    author: str = "Test, Author",
    language: str = "en",
    **meta: Any,
) -> Path:
    from javon.ingest import samples

    path = folder / name
    path.write_bytes(samples.text_to_pdf(text, title=title, author=author, language=language))
    if meta:
        sidecar(path, meta)
    return path


def write_epub(
    folder: Path, name: str, text: str, *, title: str = "An EPUB", author: str = "Test, Author", **meta: Any
) -> Path:
    from javon.ingest import samples

    path = folder / name
    path.write_bytes(samples.text_to_epub(text, title=title, author=author))
    if meta:
        sidecar(path, meta)
    return path


def write_docx(
    folder: Path, name: str, text: str, *, title: str = "A DOCX", author: str = "Test, Author", **meta: Any
) -> Path:
    from javon.ingest import samples

    path = folder / name
    path.write_bytes(samples.text_to_docx(text, title=title, author=author))
    if meta:
        sidecar(path, meta)
    return path


def sidecar(path: Path, meta: dict[str, Any]) -> Path:
    side = path.with_name(path.name + ".json")
    side.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return side


def make_work(**overrides: Any) -> Any:
    from javon.catalog.services import Creator, WorkInput, create_work

    data = WorkInput(
        title=overrides.pop("title", "Oʻtkan kunlar"),
        creators=overrides.pop("creators", [Creator("Qodiriy, Abdulla", dates="1894-1938")]),
        languages=overrides.pop("languages", ["uz"]),
        year=overrides.pop("year", 1926),
        **overrides,
    )
    return create_work(data, actor="test")


def use_task_backend(settings: Any, backend: str) -> None:
    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": ["default", "ingest", "index", "ocr"]}}
    reset_task_backends()


def reset_task_backends() -> None:
    # Django caches task backends like database connections; forget them after a switch.
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)
