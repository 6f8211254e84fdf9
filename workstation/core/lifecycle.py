"""The case lifecycle as the centres work it, and the only transitions allowed.

    draft → accepted → sent → ready → issued
    accepted / sent → refused | withdrawn | returned
    returned → accepted (corrected papers) | withdrawn
    ready → issued

`draft → accepted` happens only through acceptance (validation, number, due date); the others
through `cases.change_status`. Refusal, withdrawal and return need a reason.
"""

from __future__ import annotations

from enum import StrEnum

from workstation.core import messages as m
from workstation.core.errors import InvalidOperation, TransitionRefused


class Status(StrEnum):
    DRAFT = "draft"
    ACCEPTED = "accepted"
    SENT = "sent"
    READY = "ready"
    ISSUED = "issued"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return m.STATUS_LABELS[self.value]


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.ACCEPTED}),
    Status.ACCEPTED: frozenset({Status.SENT, Status.REFUSED, Status.WITHDRAWN, Status.RETURNED}),
    Status.SENT: frozenset({Status.READY, Status.REFUSED, Status.WITHDRAWN, Status.RETURNED}),
    Status.READY: frozenset({Status.ISSUED}),
    Status.RETURNED: frozenset({Status.ACCEPTED, Status.WITHDRAWN}),
    Status.ISSUED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
NEEDS_REASON = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.RETURNED})
FINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def parse(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise InvalidOperation(m.UNKNOWN_STATUS.format(status=value)) from None


def allowed(old: Status | str, new: Status | str) -> bool:
    return Status(new) in TRANSITIONS[Status(old)]


def check(old: Status | str, new: Status | str, reason: str | None) -> None:
    """Raise `TransitionRefused` unless `old → new` is a lifecycle transition with what it needs."""
    old_s, new_s = Status(old), Status(new)
    if new_s not in TRANSITIONS[old_s]:
        raise TransitionRefused(m.TRANSITION_REFUSED.format(old=old_s.label, new=new_s.label))
    if new_s in NEEDS_REASON and not (reason or "").strip():
        raise TransitionRefused(m.REASON_REQUIRED.format(new=new_s.label))
