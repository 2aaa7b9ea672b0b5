from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages

from javon.storage import services
from javon.storage.models import Blob
from tests.storage_backends import NoPathStorage

pytestmark = pytest.mark.django_db


def test_content_addressed_and_stored_once(settings: Any) -> None:
    data = "Oʻzbekiston milliy kutubxonasi".encode()
    blob, created = services.store_bytes(data, "text/plain")
    assert created
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.storage_name == f"objects/{blob.sha256[:2]}/{blob.sha256[2:4]}/{blob.sha256}"
    again, created_again = services.store_bytes(data, "text/plain")
    assert not created_again and again.pk == blob.pk
    assert services.read_blob(blob) == data
    root = Path(settings.MEDIA_ROOT)
    assert not list((root / "tmp").glob("*")) if (root / "tmp").exists() else True
    assert Blob.objects.count() == 1


def test_storage_without_local_paths(settings: Any) -> None:
    """Nothing may assume a disk: an object store has no path() and no rename."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.storage_backends.NoPathStorage"}}
    assert isinstance(storages["default"], NoPathStorage)
    blob, _ = services.store_bytes(b"%PDF-1.4 tiny", "application/pdf")
    assert storages["default"].exists(blob.storage_name)
    assert services.read_blob(blob) == b"%PDF-1.4 tiny"
    with services.local_copy(blob) as path:
        assert path.read_bytes() == b"%PDF-1.4 tiny"
    assert not path.exists()  # the temporary copy is gone
    assert services.verify_blob(blob)


def test_a_digest_mismatch_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = services.digest_stream
    calls = {"n": 0}

    def corrupted(stream: Any) -> tuple[str, int]:
        calls["n"] += 1
        digest, size = real(stream)
        # The second digest is of what landed in storage: pretend it differs.
        return ("0" * 64, size) if calls["n"] == 2 else (digest, size)

    monkeypatch.setattr(services, "digest_stream", corrupted)
    with pytest.raises(services.StorageIntegrityError):
        services.store_bytes(b"some bytes", "text/plain")
    assert Blob.objects.count() == 0
    assert not storages["default"].exists("objects")


def test_fixity_finds_damage(settings: Any) -> None:
    blob, _ = services.store_bytes(b"original bytes", "text/plain")
    assert services.verify_blob(blob)
    path = Path(storages["default"].path(blob.storage_name))
    path.chmod(0o644)
    path.write_bytes(b"damaged bytes!")
    assert not services.verify_blob(blob)
    blob.refresh_from_db()
    assert blob.fixity_ok is False
