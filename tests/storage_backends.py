"""A storage with no local paths, like an object store: nothing may assume a disk."""

from __future__ import annotations

from typing import IO, Any

from django.core.files.storage import InMemoryStorage, Storage


class NoPathStorage(Storage):
    """Bytes kept in memory; path() and rename do not exist, as on S3."""

    def __init__(self) -> None:
        self._inner = InMemoryStorage()

    def _open(self, name: str, mode: str = "rb") -> Any:
        return self._inner._open(name, mode)

    def _save(self, name: str, content: IO[bytes]) -> str:
        return self._inner._save(name, content)

    def delete(self, name: str) -> None:
        self._inner.delete(name)

    def exists(self, name: str) -> bool:
        return self._inner.exists(name)

    def size(self, name: str) -> int:
        return self._inner.size(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self._inner.listdir(path)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("no public URLs")
