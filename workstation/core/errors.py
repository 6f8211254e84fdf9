"""Everything the store raises on purpose, in one tree.

Every class carries `user_message`: Russian, safe to show as is (no personal data, no
traceback). The UI shows it in a dialog; the CLI prints it after «Ошибка:».

    StoreError
    ├── StoreUnavailable          the store cannot be opened at all
    │   ├── KeyringUnavailable    no usable OS keyring backend (never a plain-text fallback)
    │   ├── KeyMissing            the database exists but its key is not in the keyring
    │   ├── WrongKey              the key does not decrypt the file (file left untouched)
    │   ├── SchemaTooNew          the file comes from a newer program
    │   └── StoreCorrupt          the file is damaged
    ├── StoreWriteFailed          a change could not be written; nothing of it was stored
    │   ├── StoreReadOnly         read-only folder, file or medium
    │   ├── DiskFull
    │   └── StoreLocked           another program holds the write lock for too long
    ├── NotConfigured             office / workstation codes missing (numbers would collide)
    ├── NotFound                  a case / applicant that does not exist
    ├── InvalidOperation          refused by the rules (not a draft, bad transition, bad value)
    │   └── TransitionRefused
    └── ValidationFailed          the form engine found errors; `issues` lists them by field

A `StoreWriteFailed` is transient from the user's point of view: the draft autosaver keeps the
answers in memory and retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workstation.core import messages as m

if TYPE_CHECKING:
    from forms.engine import Issue


class StoreError(Exception):
    """Base of every deliberate store failure; `user_message` is ready for the user."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class StoreUnavailable(StoreError):
    pass


class KeyringUnavailable(StoreUnavailable):
    pass


class KeyMissing(StoreUnavailable):
    pass


class WrongKey(StoreUnavailable):
    pass


class SchemaTooNew(StoreUnavailable):
    pass


class StoreCorrupt(StoreUnavailable):
    pass


class StoreWriteFailed(StoreError):
    pass


class StoreReadOnly(StoreWriteFailed):
    pass


class DiskFull(StoreWriteFailed):
    pass


class StoreLocked(StoreWriteFailed):
    pass


class NotConfigured(StoreError):
    def __init__(self, user_message: str = m.NOT_CONFIGURED) -> None:
        super().__init__(user_message)


class NotFound(StoreError):
    pass


class InvalidOperation(StoreError):
    pass


class TransitionRefused(InvalidOperation):
    pass


class ValidationFailed(StoreError):
    """The form engine said no; `issues` are its errors, each naming the field."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        lines = [m.VALIDATION_FAILED, *(f"  • {i.text}" for i in self.issues)]
        super().__init__("\n".join(lines))

    @property
    def texts(self) -> list[str]:
        return [i.text for i in self.issues]
