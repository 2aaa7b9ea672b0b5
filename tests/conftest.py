"""Shared fixtures: every test gets its own stored-files folder and search index."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JAVON_TASKS", "immediate")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def isolated_storage_and_index(settings: Any, tmp_path: Path) -> Iterator[None]:
    from javon.search.backend import reset_backends

    settings.MEDIA_ROOT = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_SYNC = True
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def corpus() -> Path:
    assert (CORPUS / "catalog.csv").is_file(), f"the shared corpus is missing at {CORPUS}"
    return CORPUS


@pytest.fixture
def staff_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="librarian", password="a-long-test-password", is_staff=True)


@pytest.fixture
def api_token(staff_user: Any) -> str:
    from javon.access.services import create_token

    return create_token(staff_user, "tests")
