"""One application being filled in, apart from any widget (IDLE's `entry_ok` idea).

`FormController` holds the answers as JSON-like dicts exactly as typed, asks
`forms.engine.evaluate` what they mean (lazily, once per change), and decides which messages
are shown where. Widgets push values in with `set(path, value)` and read messages out; the
store's autosave and the form view subscribe to "changed" with `add_listener`.

Paths name a place in the answers: `snils`, `applicant.surname` (a part of a compound
value), `children[1].child_birth_date` (a member of a repeat-group row),
`children[1].child.surname`.

Which messages are shown: a field's problems appear once it has been left at least once (or
its mask is complete, see `touch`), and every problem appears after an attempt to accept
(`reveal_all`). So a specialist typing a phone number is not told it is too short at the first
digit, but a wrong СНИЛС checksum shows the moment the eleventh digit is typed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

from forms import messages as m
from forms.calendar import ProductionCalendar
from forms.engine import Context, FeeResult, FormResult, Issue, due_date, evaluate
from forms.fields import is_empty
from forms.model import Catalog, DocumentRequirement, Field, FieldKind, Service, Severity
from workstation.ui.ports import DraftRecord

_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\.")
_GROUP_INDEX = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]")

Listener = Callable[["Change"], None]


def parse_path(path: str) -> list[str | int]:
    """`children[1].child.surname` -> ['children', 1, 'child', 'surname']."""
    tokens: list[str | int] = []
    pos = 0
    while pos < len(path):
        match = _TOKEN.match(path, pos)
        if match is None:
            raise ValueError(f"bad field path {path!r}")
        if match.group(1):
            tokens.append(match.group(1))
        elif match.group(2):
            tokens.append(int(match.group(2)))
        pos = match.end()
    if not tokens:
        raise ValueError("empty field path")
    return tokens


def top_field(path: str) -> str:
    token = parse_path(path)[0]
    assert isinstance(token, str)
    return token


def _clean(value: Any) -> Any:
    """What an empty widget means: None. Strings are kept as typed."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


@dataclass(frozen=True, slots=True)
class Change:
    paths: tuple[str, ...]  # what changed; "" for the whole form (a draft loaded)
    structural: bool = False  # rows added or removed: editors must be rebuilt
    source: object | None = None  # the editor that made the change, so it is not echoed back


@dataclass(slots=True)
class Presented:
    doc: str
    originals: int = 0
    copies: int = 0
    sheets: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "originals": self.originals, "copies": self.copies, "sheets": self.sheets}


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    doc: str
    name: str
    required: bool
    originals: int  # needed
    copies: int  # needed
    by_request: bool
    note: str
    presented: Presented


@dataclass(slots=True)
class _Evaluation:
    result: FormResult
    # Blank rows of a repeat group are not sent to the engine; this maps the engine's row
    # numbers back to the rows on screen.
    rows: dict[str, list[int]] = field(default_factory=dict)


class FormController:
    def __init__(
        self,
        service: Service,
        catalog: Catalog,
        *,
        today: date,
        office_type: str | None = None,
        channel: str = "window",
        calendar: ProductionCalendar | None = None,
        answers: Mapping[str, Any] | None = None,
    ) -> None:
        self.service = service
        self.catalog = catalog
        self.today = today
        self.office_type = office_type
        self.channel = channel
        self.calendar = calendar
        self.answers: dict[str, Any] = {}
        self.presented: dict[str, Presented] = {}
        self.privileges: set[str] = set()
        self.notification: str = service.notification[0] if service.notification else "none"
        self.touched: set[str] = set()
        self.reveal_all = False
        self.focus_path = ""
        self.draft_id: str | None = None
        self.applicant_id: str | None = None  # the person chosen at intake (see `prefill`)
        self._listeners: list[Listener] = []
        self._evaluation: _Evaluation | None = None
        self._fields = {f.id: f for f in service.fields}
        for f in service.fields:
            if f.default is not None and f.kind is not FieldKind.GROUP:
                self.answers[f.id] = copy.deepcopy(f.default)
            elif f.kind is FieldKind.GROUP and f.min_items:
                self.answers[f.id] = [{} for _ in range(f.min_items)]
        if answers:
            self.answers.update(copy.deepcopy(dict(answers)))

    # --- listeners ---------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    def _changed(self, change: Change) -> None:
        self._evaluation = None
        for listener in list(self._listeners):
            listener(change)

    # --- values ------------------------------------------------------------------------------
    def field_def(self, path: str) -> Field:
        """The catalog definition of the field or group member at `path`."""
        tokens = [t for t in parse_path(path) if isinstance(t, str)]
        f = self._fields[tokens[0]]
        if f.kind is FieldKind.GROUP and len(tokens) > 1:
            return next(sub for sub in f.fields if sub.id == tokens[1])
        return f

    def get(self, path: str) -> Any:
        node: Any = self.answers
        for token in parse_path(path):
            if isinstance(token, int):
                if not isinstance(node, list) or token >= len(node):
                    return None
                node = node[token]
            else:
                if not isinstance(node, Mapping):
                    return None
                node = node.get(token)
            if node is None:
                return None
        return node

    def set(self, path: str, value: Any, *, source: object | None = None) -> None:
        """Record what was typed at `path`; an empty string counts as no value."""
        value = _clean(value)
        tokens = parse_path(path)
        if tokens[0] not in self._fields:
            raise KeyError(path)
        if self.get(path) == value:
            return
        node: Any = self.answers
        for token, following in pairwise(tokens):
            if isinstance(token, int):
                while len(node) <= token:
                    node.append({})
                if not isinstance(node[token], dict):
                    node[token] = {}
                node = node[token]
            else:
                child = node.get(token)
                wanted = list if isinstance(following, int) else dict
                if not isinstance(child, wanted):
                    child = wanted()
                    node[token] = child
                node = child
        last = tokens[-1]
        if isinstance(last, int):
            while len(node) <= last:
                node.append({})
            node[last] = value
        elif value is None and node is self.answers:
            node.pop(last, None)
        else:
            node[last] = value
        self._changed(Change((path,), source=source))

    def load(
        self,
        answers: Mapping[str, Any],
        *,
        presented: Iterable[Mapping[str, Any]] = (),
        notification: str | None = None,
        privileges: Iterable[str] = (),
    ) -> None:
        """Replace everything (a draft reopened, an example filled in)."""
        self.answers = copy.deepcopy({k: v for k, v in answers.items() if k in self._fields})
        self.presented = {}
        for row in presented:
            doc = str(row.get("doc", ""))
            self.presented[doc] = Presented(
                doc, _count(row.get("originals")), _count(row.get("copies")), _count(row.get("sheets"))
            )
        if notification:
            self.notification = notification
        self.privileges = set(privileges)
        self._changed(Change(("",), structural=True))

    def prefill(self, values: Mapping[str, Any], *, applicant_id: str | None = None) -> list[str]:
        """Start from a known applicant's data (`ApplicantCard.answers`); returns the fields filled.

        Only the fields this form declares are taken, and an identity document only if the field
        accepts its kind. They stay editable and count as left, so a remark on them shows at once.
        """
        filled = []
        for field_id, value in values.items():
            f = self._fields.get(field_id)
            if f is None or f.kind is FieldKind.GROUP or is_empty(value):
                continue
            if f.kind is FieldKind.IDENTITY_DOCUMENT:
                kind = value.get("kind") if isinstance(value, Mapping) else None
                if kind not in (f.document_kinds or ("passport-rf",)):
                    continue
            self.answers[field_id] = copy.deepcopy(value)
            self.touched.add(field_id)
            filled.append(field_id)
        if applicant_id is not None:
            self.applicant_id = applicant_id
        if filled:
            self._changed(Change(tuple(filled)))
        return filled

    # --- repeat groups -----------------------------------------------------------------------
    def items(self, group_id: str) -> list[dict[str, Any]]:
        value = self.answers.get(group_id)
        return value if isinstance(value, list) else []

    def add_item(self, group_id: str) -> int:
        f = self._fields[group_id]
        items = self.items(group_id)
        if f.max_items is not None and len(items) >= f.max_items:
            return -1
        items = [*items, {}]
        self.answers[group_id] = items
        self._changed(Change((group_id,), structural=True))
        return len(items) - 1

    def remove_item(self, group_id: str, index: int) -> None:
        items = list(self.items(group_id))
        if not 0 <= index < len(items):
            return
        del items[index]
        self.answers[group_id] = items
        prefix = f"{group_id}["
        self.touched = {p for p in self.touched if not p.startswith(prefix)}
        self._changed(Change((group_id,), structural=True))

    def can_add(self, group_id: str) -> bool:
        f = self._fields[group_id]
        return f.max_items is None or len(self.items(group_id)) < f.max_items

    # --- documents, privileges, notification -------------------------------------------------
    def set_presented(self, doc: str, *, originals: int | None = None, copies: int | None = None,
                      sheets: int | None = None) -> None:
        row = self.presented.setdefault(doc, Presented(doc))
        before = (row.originals, row.copies, row.sheets)
        if originals is not None:
            row.originals = max(0, originals)
        if copies is not None:
            row.copies = max(0, copies)
        if sheets is not None:
            row.sheets = max(0, sheets)
        if before != (row.originals, row.copies, row.sheets):
            self._changed(Change((f"documents.{doc}",)))

    def present_all(self) -> None:
        """Tick every required document of the checklist with the numbers it asks for."""
        for row in self.checklist():
            if row.required and not row.by_request:
                self.presented[row.doc] = Presented(
                    row.doc,
                    max(row.originals, row.presented.originals),
                    max(row.copies, row.presented.copies),
                    row.presented.sheets,
                )
        self._changed(Change(("documents",)))

    def set_privileges(self, ids: Iterable[str]) -> None:
        new = set(ids)
        if new != self.privileges:
            self.privileges = new
            self._changed(Change(("privileges",)))

    def set_notification(self, channel: str) -> None:
        if channel != self.notification:
            self.notification = channel
            self._changed(Change(("notification",)))

    # --- evaluation --------------------------------------------------------------------------
    @property
    def context(self) -> Context:
        return Context(self.today, self.office_type, self.channel, frozenset(self.privileges))

    @property
    def result(self) -> FormResult:
        return self._evaluate().result

    def _evaluate(self) -> _Evaluation:
        if self._evaluation is None:
            answers, rows = self._engine_answers()
            presented = [p.as_dict() for p in self.presented.values()] if self.reveal_all else None
            result = evaluate(self.service, answers, self.context, tariffs=self.catalog.tariffs, presented=presented)
            if rows:
                result = _renumber(result, rows)
            self._evaluation = _Evaluation(result, rows)
        return self._evaluation

    def _engine_answers(self) -> tuple[dict[str, Any], dict[str, list[int]]]:
        answers = dict(self.answers)
        rows: dict[str, list[int]] = {}
        for f in self.service.fields:
            if f.kind is not FieldKind.GROUP or not isinstance(answers.get(f.id), list):
                continue
            kept = [n for n, item in enumerate(answers[f.id]) if not is_empty(item)]
            if len(kept) != len(answers[f.id]) or kept != list(range(len(kept))):
                rows[f.id] = kept
                answers[f.id] = [answers[f.id][n] for n in kept]
        return answers, rows

    def is_visible(self, path: str) -> bool:
        """A top-level field, a section id (`section:<id>`) or a group member path."""
        result = self.result
        if path.startswith("section:"):
            return path.removeprefix("section:") in result.visible_sections
        match = _GROUP_INDEX.match(path)
        if match and "." in path:
            group_id = match.group(1)
            if group_id not in result.visible_fields:
                return False
            member = self.field_def(path)
            if member.visible_if is None:
                return True
            return path.split(".")[0] + "." + member.id in result.visible_fields
        return path in result.visible_fields

    # --- messages ----------------------------------------------------------------------------
    def touch(self, path: str) -> None:
        """The specialist left this field (or completed its mask): its messages may show now."""
        if path not in self.touched:
            self.touched.add(path)
            self._changed(Change((path,)))

    def reveal(self) -> None:
        if not self.reveal_all:
            self.reveal_all = True
            self._changed(Change(("",)))

    def issues_at(self, path: str) -> list[Issue]:
        """Problems of the editor at `path`: its own and its parts', not its group rows'."""
        prefix = path + "."
        return [i for i in self.result.issues if i.path == path or i.path.startswith(prefix)]

    def shown_issues(self, path: str) -> list[Issue]:
        if not (self.reveal_all or self.is_touched(path)):
            return []
        return self.issues_at(path)

    def is_touched(self, path: str) -> bool:
        if path in self.touched:
            return True
        # A rule on a compound field (identity) is about the whole value: any touched part counts.
        return any(p.startswith(path + ".") for p in self.touched)

    def shown_all(self) -> list[Issue]:
        """Every problem the specialist may see now, in form order."""
        if self.reveal_all:
            return list(self.result.issues)
        return [i for i in self.result.issues if self.is_touched(self.editor_path(i.path))]

    def editor_path(self, issue_path: str) -> str:
        """The path of the editor that shows an issue (`identity.series` -> `identity`)."""
        if issue_path.startswith("documents."):
            return issue_path
        tokens = parse_path(issue_path)
        head = tokens[0]
        assert isinstance(head, str)
        f = self._fields.get(head)
        if f is None:
            return head
        if f.kind is FieldKind.GROUP and len(tokens) >= 3 and isinstance(tokens[1], int):
            return f"{head}[{tokens[1]}].{tokens[2]}"
        return head

    def issue_text(self, issue: Issue) -> str:
        """The remark as the specialist reads it; documents are named, not given by their id."""
        if issue.field == "documents" and issue.path.startswith("documents."):
            doc = issue.path.partition(".")[2]
            kind = self.catalog.documents.get(doc)
            if kind is not None:
                return issue.text.replace(f"«{doc}»", f"«{kind.name}»")
        return issue.text

    def missing_required(self) -> int:
        return sum(1 for i in self.result.issues if i.message == m.REQUIRED and i.severity is Severity.ERROR)

    # --- checklist, fee, deadline -------------------------------------------------------------
    def checklist(self) -> list[ChecklistRow]:
        rows = []
        for item in self.result.checklist:
            req: DocumentRequirement = item.requirement
            kind = self.catalog.documents.get(req.doc)
            rows.append(
                ChecklistRow(
                    doc=req.doc,
                    name=kind.name if kind else req.doc,
                    required=item.required,
                    originals=req.originals,
                    copies=req.copies,
                    by_request=req.by_request,
                    note=req.note,
                    presented=self.presented.get(req.doc, Presented(req.doc)),
                )
            )
        return rows

    @property
    def fee(self) -> FeeResult:
        return self.result.fee

    def due(self, accepted_on: date | None = None) -> date | None:
        if self.calendar is None:
            return None
        return due_date(self.result.deadline, accepted_on or self.today, self.calendar)

    def calculated(self) -> list[tuple[str, str, Any]]:
        """The calculated values to show; none from a field with an error in it (an age from a birth
        date in the future would read «-3»: the field's remark says what is wrong instead)."""
        result = self.result
        rule_messages = {r.message for r in self.service.rules}
        faulty = {i.field for i in result.issues
                  if i.severity is Severity.ERROR and i.message != m.REQUIRED and i.message not in rule_messages}
        shown = []
        for c in self.service.calculated:
            hidden = bool(c.expr.roots & faulty)
            if hidden:
                faulty.add(c.id)  # and what is calculated from it
            shown.append((c.id, c.label, None if hidden else result.calculated.get(c.id)))
        return shown

    # --- drafts ------------------------------------------------------------------------------
    def draft(self, **extra: Any) -> DraftRecord:
        return DraftRecord(
            service_id=self.service.id,
            form_version=self.service.form_version,
            catalog_version=self.catalog.version,
            answers=copy.deepcopy(self.answers),
            presented=[p.as_dict() for p in self.presented.values()],
            notification=self.notification,
            privileges=sorted(self.privileges),
            focus=self.focus_path,
            draft_id=self.draft_id,
            applicant_id=self.applicant_id,
            **extra,
        )

    def accept_check(self) -> FormResult:
        """Everything that stops acceptance, with the documents checklist as ticked."""
        self.reveal_all = True
        self._evaluation = None
        result = self.result
        self._changed(Change(("",)))
        return result


def _count(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _renumber(result: FormResult, rows: Mapping[str, list[int]]) -> FormResult:
    """Engine row numbers (blank rows left out) back to on-screen row numbers."""

    def fix(path: str) -> str:
        match = _GROUP_INDEX.match(path)
        if not match or match.group(1) not in rows:
            return path
        kept = rows[match.group(1)]
        n = int(match.group(2))
        if n >= len(kept):
            return path
        return f"{match.group(1)}[{kept[n]}]{path[match.end():]}"

    issues = tuple(replace(i, path=fix(i.path)) for i in result.issues)
    visible = frozenset(fix(p) for p in result.visible_fields)
    return replace(result, issues=issues, visible_fields=visible)


def format_money(amount: Decimal) -> str:
    """«1 500 ₽», «1 500,50 ₽»."""
    whole = int(amount)
    kopecks = int((amount - whole) * 100)
    text = f"{whole:,}".replace(",", "\u00a0")
    if kopecks:
        text += f",{kopecks:02d}"
    return f"{text}\u00a0₽"
