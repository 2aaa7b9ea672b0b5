"""OAI-PMH sets: types of work and collections, and the tombstones that remember a deleted
work's sets (so that a harvest of one set learns of the deletion too)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from javon.catalog.models import Collection, Work, WorkType
from javon.interop.models import DeletedRecord


@dataclass
class SetIndex:
    """Collections and types as OAI sets: type:book, collection:3:17 (a collection's path of ids)."""

    parents: dict[int, int | None]
    names: dict[int, str]

    @classmethod
    def load(cls) -> SetIndex:
        rows = list(Collection.objects.values_list("pk", "parent_id", "name"))
        return cls({pk: parent for pk, parent, _ in rows}, {pk: name for pk, _, name in rows})

    def path(self, pk: int) -> list[int]:
        chain = [pk]
        while (parent := self.parents.get(chain[0])) is not None and parent not in chain:
            chain.insert(0, parent)
        return chain

    def collection_spec(self, pk: int) -> str:
        return "collection:" + ":".join(str(p) for p in self.path(pk))

    def specs_of(self, work_type: str, collection_ids: Iterable[int]) -> list[str]:
        """Every set the work is in, the enclosing sets included (a harvest of a set takes its subsets)."""
        specs = ["type", f"type:{work_type}"]
        for pk in collection_ids:
            path = self.path(pk)
            specs += ["collection"] + [
                "collection:" + ":".join(str(p) for p in path[: i + 1]) for i in range(len(path))
            ]
        return list(dict.fromkeys(specs))

    def descendants(self, pk: int) -> set[int]:
        found = {pk}
        grew = True
        while grew:
            more = {c for c, parent in self.parents.items() if parent in found} - found
            grew = bool(more)
            found |= more
        return found

    def work_filter(self, spec: str) -> Q | None:
        """The works of a set; None when there is no such set."""
        parts = spec.split(":")
        if spec == "type" or spec == "collection":
            return Q() if spec == "type" else Q(collections__isnull=False)
        if parts[0] == "type" and len(parts) == 2 and parts[1] in WorkType.values:
            return Q(type=parts[1])
        if parts[0] == "collection" and all(p.isdigit() for p in parts[1:]):
            ids = [int(p) for p in parts[1:]]
            if ids[-1] not in self.parents or self.path(ids[-1]) != ids:
                return None
            return Q(collections__in=self.descendants(ids[-1]))
        return None

    def all_sets(self) -> list[tuple[str, str]]:
        found = [("type", "Types of work")]
        found += [(f"type:{value}", f"Type: {label}") for value, label in WorkType.choices]
        found.append(("collection", "Collections"))
        for pk in sorted(self.names, key=lambda p: [self.names[i] for i in self.path(p)]):
            found.append((self.collection_spec(pk), " / ".join(self.names[i] for i in self.path(pk))))
        return found


def tombstone_sets(work: Work) -> str:
    index = SetIndex.load()
    specs = index.specs_of(work.type, work.collections.values_list("pk", flat=True))
    return "|" + "|".join(specs) + "|"


def record_deletion(work: Work) -> None:
    """Remember a work about to be deleted (call inside the deleting transaction)."""
    DeletedRecord.objects.update_or_create(
        work_id=work.pk, defaults={"deleted_at": timezone.now(), "sets": tombstone_sets(work)}
    )
