"""Shared fixtures: every test gets its own stored-files folder and search index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def isolated_storage_and_index(settings: Any, tmp_path: Path) -> Iterator[None]:
    from javon.search.backend import reset_backends
    from tests.factories import reset_task_backends, use_task_backend

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
    # Tasks run at once, in the test's process; tests of the queue switch to the database.
    use_task_backend(settings, "django.tasks.backends.immediate.ImmediateBackend")
    reset_backends()
    yield
    reset_backends()
    reset_task_backends()


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
