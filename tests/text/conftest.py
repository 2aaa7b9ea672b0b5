"""javon.text is pure Python: its tests need no Django settings, storage or index.

The project-wide autouse fixture needs pytest-django's ``settings``; it is overridden here
by a no-op of the same name so that these tests also run with ``-p no:django``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def isolated_storage_and_index() -> Iterator[None]:
    yield
