"""The case lifecycle as the server enforces it: the server decides every status change.

Kept in step with `workstation/core/lifecycle.py` by a test (the server never imports the
workstation); a transition the workstation allowed offline but the server refuses is a permanent
rejection the person at the workstation sees.
"""

from __future__ import annotations

from sync import messages as m

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"accepted"}),
    "accepted": frozenset({"sent", "refused", "withdrawn", "returned"}),
    "sent": frozenset({"ready", "refused", "withdrawn", "returned"}),
    "ready": frozenset({"issued"}),
    "returned": frozenset({"accepted", "withdrawn"}),
    "issued": frozenset(),
    "refused": frozenset(),
    "withdrawn": frozenset(),
}
NEEDS_REASON = frozenset({"refused", "withdrawn", "returned"})
STATUSES = frozenset(TRANSITIONS)


def label(status: str) -> str:
    return m.STATUS_LABELS.get(status, status)


def refusal(old: str, new: str, reason: str | None) -> tuple[str, str] | None:
    """None if `old → new` is allowed with this reason, else (code, Russian message)."""
    if new not in STATUSES:
        return "unknown_status", m.UNKNOWN_STATUS.format(status=new)
    if old not in STATUSES or new not in TRANSITIONS[old]:
        return "transition_refused", m.TRANSITION_REFUSED.format(old=label(old), new=label(new))
    if new in NEEDS_REASON and not (reason or "").strip():
        return "reason_required", m.REASON_REQUIRED.format(new=label(new))
    return None
