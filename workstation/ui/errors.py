"""What the user sees when something fails, and what the log keeps.

Two kinds of failure, as in Thonny:

* a **user error** — `UserError`, or any exception with a Russian `user_message` (every
  `workstation.core.errors.StoreError` has one) — is shown as it is, without a traceback, and
  is logged only by class name;
* anything else is **unexpected**: it is logged with its traceback under a short reference
  («E-3F9A2C»), and the user sees a plain sentence with that reference to quote to support.

Exception *messages* are never logged: they may quote what was typed (a name, a passport
number). The log gets the exception class, the frames (file, line, function, source line) and
the chain of causes — enough to find the bug, nothing about the applicant.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from workstation.ui import texts as t

log = logging.getLogger("workstation.ui")


class UserError(Exception):
    """A failure the user can understand and act on; `message` is plain Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def user_message(self) -> str:
        return self.message


def user_text(exc: BaseException) -> str | None:
    """The Russian text to show for a user error, or None if `exc` is unexpected."""
    message = getattr(exc, "user_message", None)
    return message if isinstance(message, str) and message.strip() else None


def new_reference() -> str:
    return "E-" + os.urandom(3).hex().upper()


def redacted_traceback(exc: BaseException) -> str:
    """The traceback of `exc` and its causes with every exception message left out."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    for n, item in enumerate(reversed(chain)):
        if n:
            lines.append("-- which led to --")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        lines.append(f"{type(item).__module__}.{type(item).__qualname__} (message withheld)")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Report:
    text: str
    reference: str | None  # None for a user error
    where: str = ""

    @property
    def unexpected(self) -> bool:
        return self.reference is not None


class ErrorReporter:
    """Turns an exception into a `Report`, logs it and hands it to `show` (on the Tk thread)."""

    def __init__(self, show: Callable[[Report], None] | None = None, *, keep: int = 50) -> None:
        self._show = show
        self._keep = keep
        self.reports: list[Report] = []  # the latest ones, for tests and the support dialog

    def set_display(self, show: Callable[[Report], None]) -> None:
        self._show = show

    def report(self, exc: BaseException, where: str = "") -> Report:
        text = user_text(exc)
        if text is not None:
            log.info("user error %s in %s", type(exc).__qualname__, where or "ui")
            report = Report(text, None, where)
        else:
            ref = new_reference()
            log.error("unexpected error %s in %s\n%s", ref, where or "ui", redacted_traceback(exc))
            report = Report(t.ERROR_UNEXPECTED.format(ref=ref), ref, where)
        self.reports.append(report)
        del self.reports[: -self._keep]
        if self._show is not None:
            try:
                self._show(report)
            except Exception:  # the display itself failed: the log still has the report
                log.exception("could not display error %s", report.reference or "(user error)")
        return report

    def tk_callback_exception(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """A drop-in for `Tk.report_callback_exception`."""
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        self.report(exc, "tk callback")
