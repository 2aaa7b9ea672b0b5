"""Content-addressed storage through Django's storage API only.

A stored object is named objects/ab/cd/<sha256>. It is first written under a temporary
name, its digest is checked by reading it back, and only then is it moved into place, so a
crash never leaves a half-written object under a real name. The same bytes are stored once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

from django.core.files import File as DjangoFile
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from javon.storage.models import Blob

CHUNK = 1024 * 1024


class StorageIntegrityError(RuntimeError):
    """The bytes in storage are not the bytes we were given."""


def storage() -> Storage:
    return storages["default"]


def object_name(sha256: str) -> str:
    return f"objects/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def digest_stream(stream: IO[bytes] | BinaryIO) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def digest_path(path: str | os.PathLike[str]) -> tuple[str, int]:
    with open(path, "rb") as fh:
        return digest_stream(fh)


def _promote(tmp_name: str, final_name: str) -> None:
    """Move a verified temporary object to its real name."""
    st = storage()
    try:
        src, dst = Path(st.path(tmp_name)), Path(st.path(final_name))
        local = src.is_file()
    except NotImplementedError:
        local = False
    if not local:
        # Object stores have no rename: copy, then drop the temporary object.
        with st.open(tmp_name, "rb") as fh:
            st.save(final_name, fh)
        st.delete(tmp_name)
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)


def store_path(path: str | os.PathLike[str], mime: str) -> tuple[Blob, bool]:
    """Store a local file; returns (blob, created). Existing content is recognised, not copied."""
    sha256, size = digest_path(path)
    existing = Blob.objects.filter(sha256=sha256).first()
    if existing is not None and storage().exists(existing.storage_name):
        return existing, False
    st = storage()
    tmp_name = f"tmp/{uuid.uuid4().hex}"
    with open(path, "rb") as fh:
        tmp_name = st.save(tmp_name, DjangoFile(fh))
    try:
        with st.open(tmp_name, "rb") as fh:
            check, check_size = digest_stream(fh)
        if (check, check_size) != (sha256, size):
            raise StorageIntegrityError(f"stored bytes differ from the source ({check[:12]} != {sha256[:12]})")
        final = object_name(sha256)
        if st.exists(final):
            st.delete(tmp_name)
        else:
            _promote(tmp_name, final)
    except BaseException:
        if st.exists(tmp_name):
            st.delete(tmp_name)
        raise
    try:
        with transaction.atomic():
            blob, created = Blob.objects.get_or_create(
                sha256=sha256, defaults={"size": size, "mime": mime, "storage_name": final}
            )
    except IntegrityError:
        blob, created = Blob.objects.get(sha256=sha256), False
    return blob, created


def store_bytes(data: bytes, mime: str) -> tuple[Blob, bool]:
    with tempfile.NamedTemporaryFile(prefix="javon-", delete=False) as tmp:
        tmp.write(data)
    try:
        return store_path(tmp.name, mime)
    finally:
        os.unlink(tmp.name)


def open_blob(blob: Blob) -> BinaryIO:
    return storage().open(blob.storage_name, "rb")  # type: ignore[return-value]


def read_blob(blob: Blob) -> bytes:
    with open_blob(blob) as fh:
        return fh.read()


@contextmanager
def local_copy(blob: Blob, suffix: str = "") -> Iterator[Path]:
    """A local path with the blob's bytes, for tools that need a real file (extractors)."""
    st = storage()
    path: Path | None
    try:
        path = Path(st.path(blob.storage_name))
    except NotImplementedError:
        path = None
    if path is not None and path.exists():
        yield path
        return
    fd, name = tempfile.mkstemp(prefix="javon-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out, open_blob(blob) as src:
            shutil.copyfileobj(src, out, CHUNK)
        yield Path(name)
    finally:
        os.unlink(name)


def verify_blob(blob: Blob) -> bool:
    """Fixity: recompute the digest of the stored bytes and record the result."""
    try:
        with open_blob(blob) as fh:
            sha256, size = digest_stream(fh)
        ok = sha256 == blob.sha256 and size == blob.size
    except FileNotFoundError:
        ok = False
    Blob.objects.filter(pk=blob.pk).update(verified=timezone.now(), fixity_ok=ok)
    return ok
