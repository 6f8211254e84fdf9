"""What a mutation changed, so screens refresh only what they show (as Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Op = Literal["created", "updated", "deleted"]


@dataclass(frozen=True, slots=True)
class Change:
    entity: str  # "case", "applicant", "bundle", "staff", "device"
    id: str
    op: Op


@dataclass(frozen=True, slots=True)
class ChangeSet:
    changes: tuple[Change, ...] = ()

    def __or__(self, other: ChangeSet) -> ChangeSet:
        seen = dict.fromkeys(self.changes)
        seen.update(dict.fromkeys(other.changes))
        return ChangeSet(tuple(seen))

    def __bool__(self) -> bool:
        return bool(self.changes)

    def ids(self, entity: str) -> frozenset[str]:
        return frozenset(c.id for c in self.changes if c.entity == entity)

    @property
    def cases(self) -> frozenset[str]:
        return self.ids("case")

    @property
    def applicants(self) -> frozenset[str]:
        return self.ids("applicant")

    def touches(self, entity: str) -> bool:
        return any(c.entity == entity for c in self.changes)


def changed(entity: str, entity_id: str, op: Op = "updated") -> ChangeSet:
    return ChangeSet((Change(entity, entity_id, op),))


NOTHING = ChangeSet()
