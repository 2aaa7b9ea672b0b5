"""Ingest: admit files (store their bytes), then process each in a task (sniff, extract,
catalogue, thumbnail, index).

Admission only stores the bytes, content-addressed, and records an ImportItem. The work
and all its files are created by process_item in one transaction, so a crash anywhere
leaves either nothing or a whole record, and never loses the stored original. A broken
file fails alone with a message; the batch goes on.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from javon.catalog import services as catalog
from javon.catalog.models import Work, WorkType
from javon.ingest import records
from javon.ingest.extractors import Extracted, ExtractionError, extract, make_thumbnail, sniff_mime
from javon.ingest.metadata import (
    MetadataError,
    is_manifest,
    normalise,
    read_manifest,
    read_sidecar,
    to_work_input,
)
from javon.ingest.models import ImportItem, ImportJob
from javon.storage import services as storage
from javon.storage.models import Blob, File, FileRole, PageText
from javon.text import detect_language

log = logging.getLogger(__name__)

STALL_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 3
_SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class Candidate:
    path: Path
    metadata: dict[str, Any]
    error: str = ""


# ------------------------------------------------------------------ finding files
def _walk(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name not in _SKIP_NAMES:
                yield Path(dirpath) / name


def collect(paths: Iterable[str | Path]) -> list[Candidate]:
    """Files to import under the given paths, with the metadata of their sidecars/manifests.

    A .json beside a file of the same name is its sidecar; a .csv with a `file` column is a
    manifest for the files it names. Neither is imported as a work.
    """
    files: list[Path] = []
    for raw in paths:
        root = Path(raw)
        if not root.exists():
            files.append(root)  # reported as failed below, with the reason
            continue
        files.extend(_walk(root))
    manifests: dict[str, dict[str, Any]] = {}
    manifest_errors: list[Candidate] = []
    for path in files:
        if path.exists() and is_manifest(path):
            try:
                manifests.update(read_manifest(path))
            except (MetadataError, OSError, UnicodeDecodeError) as exc:
                manifest_errors.append(Candidate(path, {}, f"manifest: {exc}"))
    file_set = {p.resolve() for p in files if p.exists()}
    stems = {f.with_suffix("") for f in file_set if f.suffix.lower() != ".json"}
    candidates: list[Candidate] = []
    for path in files:
        if not path.exists():
            candidates.append(Candidate(path, {}, "no such file or folder"))
            continue
        if is_manifest(path):
            continue
        if path.suffix.lower() == ".json" and _is_sidecar(path, file_set, stems):
            continue
        try:
            meta = dict(manifests.get(str(path.resolve()), {}))
            meta.update(read_sidecar(path))
            candidates.append(Candidate(path, meta))
        except MetadataError as exc:
            candidates.append(Candidate(path, {}, str(exc)))
    return candidates + manifest_errors


def _is_sidecar(path: Path, files: set[Path], stems: set[Path]) -> bool:
    """NAME.ext.json beside NAME.ext, or NAME.json beside NAME.<anything>."""
    stem = path.resolve().with_suffix("")
    return stem in files or stem in stems


# ------------------------------------------------------------------ admission
def start_job(*, source: str, actor: str, user: User | None = None, options: dict[str, Any] | None = None) -> ImportJob:
    return ImportJob.objects.create(source=source, actor=actor, user=user, options=options or {})


def import_paths(
    paths: Iterable[str | Path],
    *,
    defaults: dict[str, Any] | None = None,
    actor: str,
    user: User | None = None,
    source: str = "cli",
    ocr: str | None = None,
) -> ImportJob:
    """`javon import`: admit every file under `paths` into one job.

    `ocr` digitises the scans with those languages ("auto", "uzb+rus", …) or, "off", none;
    when digitising, a folder of page images becomes one work (pages in natural order)."""
    defaults = normalise(defaults or {}, "options")
    job = start_job(source=source, actor=actor, user=user, options={**defaults, **({"ocr": ocr} if ocr else {})})
    if ocr and ocr != "off":
        paths = _admit_page_folders(job, paths)
    for candidate in collect(paths):
        if candidate.error:
            ImportItem.objects.create(
                job=job,
                path=str(candidate.path),
                name=candidate.path.name,
                status=ImportItem.Status.FAILED,
                error=candidate.error,
            )
            continue
        admit(job, candidate.path, name=candidate.path.name, metadata=candidate.metadata)
    return job


def _admit_page_folders(job: ImportJob, paths: Iterable[str | Path]) -> list[Path]:
    """Admit each folder of page images as one bundle; the other files are returned."""
    from javon.ocr.pages import bundle_folder, is_page_folder

    rest: list[Path] = []
    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            rest.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            folder = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            if is_page_folder(folder):
                dirnames[:] = []
                with tempfile.TemporaryDirectory(prefix="javon-pages-") as tmp:
                    bundle = Path(tmp) / f"{folder.name}.zip"
                    bundle_folder(folder, bundle)
                    try:
                        metadata = read_sidecar(folder)
                    except MetadataError:
                        metadata = {}
                    admit(job, bundle, name=bundle.name, metadata=metadata, given_as=str(folder))
                continue
            rest.extend(folder / name for name in sorted(filenames) if not name.startswith("."))
    return rest


def admit(
    job: ImportJob, path: Path, *, name: str, metadata: dict[str, Any], given_as: str | None = None
) -> ImportItem:
    """Store one file's bytes and queue it for processing. Never raises for a bad file."""
    item = ImportItem(job=job, path=given_as or str(path), name=name[:500], metadata=_jsonable(metadata))
    try:
        size = path.stat().st_size
        if size == 0:
            raise ExtractionError("the file is empty (0 bytes)")
        if size > settings.MAX_UPLOAD_BYTES:
            raise ExtractionError(f"the file is {size:,} bytes, over the limit of {settings.MAX_UPLOAD_BYTES:,}")
        mime = sniff_mime(path)
        blob, _created = storage.store_path(path, mime)
    except (ExtractionError, OSError, storage.StorageIntegrityError) as exc:
        item.status = ImportItem.Status.FAILED
        item.error = str(exc)
        item.save()
        return item
    except Exception as exc:  # one file must not stop the batch: record it and go on
        log.exception("admitting %s failed", path)
        item.status = ImportItem.Status.FAILED
        item.error = f"unexpected error while storing the file ({type(exc).__name__}: {exc})"
        item.save()
        return item
    item.blob = blob
    existing = File.objects.filter(blob=blob, role=FileRole.ORIGINAL).select_related("work").first()
    if existing is not None:
        item.status = ImportItem.Status.DUPLICATE
        item.work = existing.work
        item.error = f"the same file is already in the library as work {existing.work_id}"
        item.save()
        return item
    with transaction.atomic():
        item.save()
        transaction.on_commit(lambda: _enqueue(item.pk))
    return item


def admit_upload(job: ImportJob, upload: UploadedFile, metadata: dict[str, Any]) -> ImportItem:
    """Admit a file sent through a form or the API (the page and the API share this)."""
    name = Path(upload.name or "upload").name
    if upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        return ImportItem.objects.create(
            job=job,
            path=name,
            name=name[:500],
            status=ImportItem.Status.FAILED,
            error=f"the file is {upload.size:,} bytes, over the limit of {settings.MAX_UPLOAD_BYTES:,}",
        )
    if hasattr(upload, "temporary_file_path"):
        # Django already spooled a large upload to disk: store from there, no second copy.
        return admit(job, Path(upload.temporary_file_path()), name=name, metadata=metadata, given_as=name)
    with tempfile.NamedTemporaryFile(prefix="javon-upload-") as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        return admit(job, Path(tmp.name), name=name, metadata=metadata, given_as=name)


def _enqueue(item_id: int) -> None:
    from javon.ingest.tasks import process_item as process_item_task

    process_item_task.enqueue(item_id)


def _jsonable(meta: dict[str, Any]) -> dict[str, Any]:
    out = dict(meta)
    if "creators" in out:
        out["creators"] = [
            {"name": c.name, "role": c.role, "dates": c.dates} if isinstance(c, catalog.Creator) else c
            for c in out["creators"]
        ]
    if "identifiers" in out:
        out["identifiers"] = [{"scheme": s, "value": v} for s, v in out["identifiers"]]
    return out


# ------------------------------------------------------------------ processing
_MEDIA_TYPES = {"audio": WorkType.AUDIO, "video": WorkType.VIDEO}


def _merge(item: ImportItem, extracted: Extracted, mime: str) -> dict[str, Any]:
    """Options < embedded metadata < sidecar/manifest: the librarian's word wins."""
    given = normalise(item.metadata, "metadata") if item.metadata else {}
    job_defaults = normalise(item.job.options, "options") if item.job.options else {}
    embedded: dict[str, Any] = {}
    if extracted.title:
        embedded["title"] = extracted.title.strip()
    if extracted.creators:
        embedded["creators"] = [catalog.parse_creator(c) for c in extracted.creators if c.strip()]
    if extracted.language:
        embedded["languages"] = [extracted.language]
    if extracted.year and mime != "application/pdf":
        # A PDF's CreationDate is when the file was made (a scan, an export), not when the
        # work was published; EPUB's dc:date and DOCX properties are the work's own.
        embedded["year"] = extracted.year
    if extracted.subjects:
        embedded["subjects"] = extracted.subjects
    if extracted.description:
        embedded["abstract"] = extracted.description
    merged = {**job_defaults, **embedded, **given}
    merged.setdefault("title", Path(item.name).stem.replace("_", " ").strip() or item.name)
    if "type" not in merged and mime.split("/")[0] in _MEDIA_TYPES:
        merged["type"] = _MEDIA_TYPES[mime.split("/")[0]]
    if not merged.get("languages"):
        sample = " ".join(extracted.pages[:3])[:20000]
        detected = detect_language(sample) if sample.strip() else "other"
        if detected != "other":
            merged["languages"] = [detected.split("-")[0]]
    return merged


def process_item(item_id: int) -> str:
    """Sniff, extract, catalogue, store derivatives and queue indexing for one admitted file.

    Idempotent: an item already finished is left alone; one interrupted is done again.
    """
    with transaction.atomic():
        item = ImportItem.objects.select_for_update(of=("self",)).select_related("job", "blob").get(pk=item_id)
        if item.status in ImportItem.FINAL:
            return item.status
        item.status = ImportItem.Status.PROCESSING
        item.stage = "extract"
        item.attempts += 1
        item.save(update_fields=["status", "stage", "attempts", "updated"])
    blob = item.blob
    assert blob is not None
    record_format = records.format_of(item)
    if record_format is not None:  # a MARC or MARCXML file holds many works: read in batches
        return records.import_record_file(item, record_format)
    try:
        with storage.local_copy(blob) as local:
            mime = sniff_mime(local)
            extracted = extract(local, mime)
            thumbnail = _thumbnail(local, mime)
        _set_stage(item, "catalogue")
        work = _catalogue(item, blob, mime, extracted, thumbnail)
    except (ExtractionError, MetadataError, catalog.CatalogError) as exc:
        return _fail(item, str(exc))
    except Exception as exc:  # one file must not stop the batch: record it and go on
        log.exception("import item %s (%s) failed", item.pk, item.name)
        return _fail(item, f"unexpected error while processing ({type(exc).__name__}: {exc})")
    if work is None:
        return ImportItem.Status.DUPLICATE
    _digitise_if_scan(item, work, mime, extracted)
    return ImportItem.Status.OK


def _digitise_if_scan(item: ImportItem, work: Work, mime: str, extracted: Extracted) -> None:
    """Queue OCR for a scan: when the import asked for it ("ocr" option: languages or "off"),
    or by itself for a PDF without a text layer and for TIFF, DjVu and page-image bundles."""
    from javon.ocr import services as ocr

    choice = item.job.options.get("ocr") or item.metadata.get("ocr") or None
    if ocr.wants_ocr(mime, extracted.pages, choice):
        try:
            ocr.start_run(work, languages="auto" if choice in (None, ocr.OFF) else str(choice), actor=item.job.actor)
        except ValueError as exc:  # an unknown language choice: the work stays, without OCR
            log.warning("no OCR for work %s: %s", work.pk, exc)


def _thumbnail(local: Path, mime: str) -> bytes | None:
    try:
        return make_thumbnail(local, mime)
    except ExtractionError as exc:
        # A missing thumbnail is no reason to refuse a readable work.
        log.warning("no thumbnail for %s: %s", local.name, exc)
        return None


def _set_stage(item: ImportItem, stage: str) -> None:
    ImportItem.objects.filter(pk=item.pk).update(stage=stage, updated=timezone.now())


def _fail(item: ImportItem, message: str) -> str:
    ImportItem.objects.filter(pk=item.pk).update(
        status=ImportItem.Status.FAILED, error=message[:5000], stage="", updated=timezone.now()
    )
    return ImportItem.Status.FAILED


def _catalogue(item: ImportItem, blob: Blob, mime: str, extracted: Extracted, thumbnail: bytes | None) -> Work | None:
    meta = _merge(item, extracted, mime)
    data = to_work_input(meta)
    # Derived objects are content-addressed and immutable: storing them before the
    # transaction is safe, and a crash leaves at worst an unreferenced object.
    text = "\f".join(extracted.pages)
    text_blob = storage.store_bytes(text.encode("utf-8"), "text/plain")[0] if text.strip() else None
    thumb_blob = storage.store_bytes(thumbnail, "image/webp")[0] if thumbnail else None
    with transaction.atomic():
        Blob.objects.select_for_update().get(pk=blob.pk)  # one original per content, even with many workers
        existing = File.objects.filter(blob=blob, role=FileRole.ORIGINAL).first()
        if existing is not None:
            ImportItem.objects.filter(pk=item.pk).update(
                status=ImportItem.Status.DUPLICATE,
                work_id=existing.work_id,
                stage="",
                error=f"the same file is already in the library as work {existing.work_id}",
            )
            return None
        work = catalog.create_work(data, actor=item.job.actor, user=item.job.user)
        original = File.objects.create(
            work=work,
            blob=blob,
            role=FileRole.ORIGINAL,
            name=item.name,
            mime=mime,
            size=blob.size,
            page_count=extracted.page_count,
            duration=extracted.duration,
        )
        PageText.objects.bulk_create(
            PageText(file=original, number=i, text=page) for i, page in enumerate(extracted.pages, start=1)
        )
        stem = Path(item.name).stem
        for blob_, role, name, file_mime in (
            (text_blob, FileRole.TEXT, f"{stem}.txt", "text/plain; charset=utf-8"),
            (thumb_blob, FileRole.THUMBNAIL, f"{stem}.webp", "image/webp"),
        ):
            if blob_ is not None:
                File.objects.create(
                    work=work, blob=blob_, role=role, name=name, mime=file_mime, size=blob_.size, derived_from=original
                )
        ImportItem.objects.filter(pk=item.pk).update(
            status=ImportItem.Status.OK, work=work, stage="", error="", updated=timezone.now()
        )
    return work


# ------------------------------------------------------------------ progress
def job_finished(job: ImportJob) -> bool:
    return not job.items.exclude(status__in=ImportItem.FINAL).exists()


def recover_stalled() -> int:
    """Queue again items whose worker died (still queued or processing long after)."""
    cutoff = timezone.now() - STALL_AFTER
    stalled = ImportItem.objects.filter(
        status__in=[ImportItem.Status.QUEUED, ImportItem.Status.PROCESSING], updated__lt=cutoff
    )
    count = 0
    for item in stalled:
        if item.attempts >= MAX_ATTEMPTS:
            _fail(item, f"gave up after {item.attempts} attempts (the worker stopped each time)")
            continue
        ImportItem.objects.filter(pk=item.pk).update(status=ImportItem.Status.QUEUED, updated=timezone.now())
        _enqueue(item.pk)
        count += 1
    return count


def job_report(job: ImportJob) -> dict[str, Any]:
    """What `javon import --json` prints and the API returns."""
    items = [
        {
            "path": i.path,
            "status": i.status,
            "work_id": i.work_id,
            "error": i.error or None,
        }
        for i in job.items.order_by("id")
    ]
    return {"job": job.pk, "items": items, "counts": job.counts()}
