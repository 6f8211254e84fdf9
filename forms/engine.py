"""The form engine: what a compiled service says about one set of answers.

`evaluate` is called on every keystroke by the UI, on every import line by the store and on
accept, so it is a pure function of (service, answers, context) and cheap: expressions are
pre-compiled closures, the calendar is cached per year. It never raises for bad answers; it
returns issues. Values of fields hidden by a condition are dropped from the clean answers,
are not validated and are not printed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from forms import messages as m
from forms.calendar import ProductionCalendar
from forms.expressions import EvaluationError, Expression, truthy
from forms.fields import check_value, is_empty, parse_date, to_json
from forms.model import (
    Catalog,
    DeadlineRule,
    DeadlineUnit,
    DocumentKind,
    DocumentRequirement,
    Field,
    FieldKind,
    Rule,
    Service,
    Severity,
    Tariff,
)


@dataclass(frozen=True, slots=True)
class Context:
    """What the engine needs to know besides the answers."""

    today: date
    office_type: str | None = None
    channel: str = "window"
    privileges: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Issue:
    path: str  # "snils", "identity.series", "children[1].birth_date", "documents.passport-rf"
    field: str  # the top-level field id (for jumping to it), or "documents"
    label: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def text(self) -> str:
        return f"{self.label}: {self.message}"


@dataclass(frozen=True, slots=True)
class FeeResult:
    amount: Decimal  # what the applicant pays
    full_amount: Decimal  # before any exemption
    tariff: str | None
    title: str
    basis: str
    exempt_by: str | None = None  # privileged category id


FREE = FeeResult(Decimal(0), Decimal(0), None, "", "")


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    requirement: DocumentRequirement
    required: bool


@dataclass(frozen=True, slots=True)
class FormResult:
    answers: dict[str, Any]  # relevant answers only, normalised, JSON-safe
    values: dict[str, Any]  # the same, typed (dates, Decimals) — what expressions saw
    visible_sections: frozenset[str]
    visible_fields: frozenset[str]
    calculated: dict[str, Any]
    issues: tuple[Issue, ...]
    checklist: tuple[ChecklistItem, ...]
    fee: FeeResult
    deadline: DeadlineRule | None
    fee_note: str = ""

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)

    def issues_for(self, field_id: str) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.field == field_id)


@dataclass(slots=True)
class _Run:
    service: Service
    ctx: Context
    env: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)

    def add(self, path: str, top: str, label: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self.issues.append(Issue(path, top, label, message, severity))

    def holds(
        self, expr: Expression | None, scope: Mapping[str, Any] | None = None, *, default: bool = True
    ) -> bool:
        """A condition: absent -> default; unknown (None) or an evaluation error -> does not hold."""
        if expr is None:
            return default
        try:
            return truthy(expr.evaluate(scope if scope is not None else self.env)) is True
        except EvaluationError:
            return False


def _base_env(ctx: Context) -> dict[str, Any]:
    return {
        "__today__": ctx.today,
        "office_type": ctx.office_type,
        "channel": ctx.channel,
        "privileges": sorted(ctx.privileges),
    }


def evaluate(
    service: Service,
    answers: Mapping[str, Any],
    ctx: Context,
    *,
    tariffs: Mapping[str, Tariff] | None = None,
    presented: Sequence[Mapping[str, Any]] | None = None,
    documents: Mapping[str, DocumentKind] | None = None,
) -> FormResult:
    """Validate and interpret `answers` for `service`.

    `presented` is the documents checklist as the specialist ticked it
    (`[{doc, originals, copies, …}]`); when given, missing required documents are errors,
    named by `documents` (the catalog's document kinds) where it is given.
    """
    run = _Run(service, ctx, _base_env(ctx))
    fields = service.fields
    known = {f.id for f in fields}
    for key in answers:
        if key not in known:
            run.add(key, key, key, m.UNKNOWN_FIELD)

    # 1. Type every answer; a cascading choice after its parent, against the parent's typed value.
    typed: dict[str, Any] = {}
    problems: dict[str, list[Issue]] = {}
    rows: dict[str, list[_Row]] = {}
    for f in sorted(fields, key=lambda f: f.depends_on is not None):
        raw = answers.get(f.id)
        if is_empty(raw):
            typed[f.id], problems[f.id] = None, []
        elif f.kind is FieldKind.GROUP:
            rows[f.id], problems[f.id] = _check_group(f, raw, ctx)
            typed[f.id] = [row.typed for row in rows[f.id]]
        else:
            typed[f.id], problems[f.id] = _check_field(run, f, raw, typed.get(f.depends_on or ""))

    # 2. Relevance. A hidden field counts as empty for every condition and calculation, wherever
    #    it stands in the form, so repeat until the set of hidden fields stops changing.
    hidden: set[str] = set()
    visible_sections: set[str] = set()
    for _ in range(len(fields) + 2):
        run.env.update({fid: (None if fid in hidden else value) for fid, value in typed.items()})
        _calculate(run)
        visible_sections = set()
        now_hidden: set[str] = set()
        for section in service.sections:
            shown = run.holds(section.visible_if)
            if shown:
                visible_sections.add(section.id)
            for f in section.fields:
                if not (shown and run.holds(f.visible_if)):
                    now_hidden.add(f.id)
        changed = now_hidden ^ hidden
        hidden = now_hidden
        if not changed & service.condition_roots:
            # No condition or calculation looks at what changed: another pass would agree.
            run.env.update({fid: (None if fid in hidden else typed[fid]) for fid in changed})
            break
    visible_fields = known - hidden

    # 3. Required, value problems and group items of the visible fields; emptiness is judged on
    #    what was typed, so input that could not be understood is reported, never dropped.
    clean_typed: dict[str, Any] = {}
    for f in fields:
        if f.id in hidden:
            continue
        if is_empty(answers.get(f.id)):
            if _required(run, f.required, run.env) or (f.kind is FieldKind.GROUP and f.min_items > 0):
                run.add(f.id, f.id, f.label, m.REQUIRED)
            continue
        run.issues.extend(problems[f.id])
        if f.kind is FieldKind.GROUP and f.id in rows:
            clean_typed[f.id] = _group_visible_items(run, f, rows[f.id], visible_fields)
        elif typed[f.id] is not None:
            clean_typed[f.id] = typed[f.id]

    # 4. Cross-field rules, only over fields that are shown.
    for rule in service.rules:
        if rule.field and rule.field not in visible_fields:
            continue
        if any(root in known and root not in visible_fields for root in rule.check.roots):
            continue
        _apply_rule(run, rule, run.env, rule.field, service.field(rule.field).label if rule.field else "")

    checklist = _checklist(run)
    if presented is not None:
        _check_presented(run, checklist, presented, documents or {})
    fee, note = _fee(run, tariffs or {})
    deadline = next((d for d in service.deadline if run.holds(d.when)), None)
    return FormResult(
        answers={k: to_json(v) for k, v in clean_typed.items()},
        values=clean_typed,
        visible_sections=frozenset(visible_sections),
        visible_fields=frozenset(visible_fields),
        calculated={c.id: run.env.get(c.id) for c in service.calculated},
        issues=tuple(run.issues),
        checklist=checklist,
        fee=fee,
        deadline=deadline,
        fee_note=note,
    )


def _check_field(run: _Run, f: Field, raw: Any, parent: Any) -> tuple[Any, list[Issue]]:
    """Typed value of one non-empty top-level field and its problems (issued only if it is shown)."""
    if f.depends_on and is_empty(parent):
        parent_label = run.service.field(f.depends_on).label
        return None, [Issue(f.id, f.id, f.label, m.PARENT_FIRST.format(parent=parent_label))]
    checked = check_value(f, raw, run.ctx.today, parent)
    issues = [
        Issue(f"{f.id}.{p.part}" if p.part else f.id, f.id, f.label, p.message, p.severity)
        for p in checked.problems
    ]
    return checked.value, issues


@dataclass(slots=True)
class _Row:
    """One non-blank item of a repeat group, numbered as the person sees it (blank rows count)."""

    index: int
    raw: Mapping[str, Any]
    typed: dict[str, Any]
    problems: dict[str, list[Issue]]


def _check_group(f: Field, raw: Any, ctx: Context) -> tuple[list[_Row], list[Issue]]:
    if not isinstance(raw, list | tuple) or not all(isinstance(item, Mapping) for item in raw):
        return [], [Issue(f.id, f.id, f.label, m.NOT_ITEMS)]
    issues: list[Issue] = []
    rows: list[_Row] = []
    member_ids = {sub.id for sub in f.fields}
    ordered = sorted(f.fields, key=lambda sub: sub.depends_on is not None)
    for n, item in enumerate(raw):
        if is_empty(item):
            continue  # a blank row left by "add" is not an item
        for key in item:
            if key not in member_ids:
                issues.append(Issue(f"{f.id}[{n}].{key}", f.id, _item_label(f, n), m.UNKNOWN_FIELD))
        row = _Row(n, item, {}, {})
        for sub in ordered:
            raw_value = item.get(sub.id)
            row.typed[sub.id] = None
            row.problems[sub.id] = []
            if is_empty(raw_value):
                continue
            label = f"{_item_label(f, n)}, {sub.label}"
            parent = row.typed.get(sub.depends_on) if sub.depends_on else None
            if sub.depends_on and is_empty(parent):
                parent_label = next((s.label for s in f.fields if s.id == sub.depends_on), sub.depends_on)
                row.problems[sub.id].append(Issue(f"{f.id}[{n}].{sub.id}", f.id, label,
                                                  m.PARENT_FIRST.format(parent=parent_label)))
                continue
            checked = check_value(sub, raw_value, ctx.today, parent)
            row.typed[sub.id] = checked.value
            for p in checked.problems:
                path = f"{f.id}[{n}].{sub.id}" + (f".{p.part}" if p.part else "")
                row.problems[sub.id].append(Issue(path, f.id, label, p.message, p.severity))
        rows.append(row)
    if len(rows) < f.min_items:
        issues.append(Issue(f.id, f.id, f.label, m.TOO_FEW_ITEMS.format(n=f.min_items)))
    if f.max_items is not None and len(rows) > f.max_items:
        issues.append(Issue(f.id, f.id, f.label, m.TOO_MANY_ITEMS.format(n=f.max_items)))
    return rows, issues


def _item_label(f: Field, n: int) -> str:
    return f"{f.item_label or f.label} №{n + 1}"


def _group_visible_items(run: _Run, f: Field, rows: list[_Row], visible: set[str]) -> list[dict[str, Any]]:
    """Per item: member relevance, required members, member problems, the group's rules."""
    out = []
    for row in rows:
        n = row.index
        scope = {**run.env, **row.typed}
        kept: dict[str, Any] = {}
        for sub in f.fields:
            if not run.holds(sub.visible_if, scope):
                scope[sub.id] = None
                continue
            visible.add(f"{f.id}[{n}].{sub.id}")
            if is_empty(row.raw.get(sub.id)):
                if _required(run, sub.required, scope):
                    run.add(f"{f.id}[{n}].{sub.id}", f.id, f"{_item_label(f, n)}, {sub.label}", m.REQUIRED)
                continue
            run.issues.extend(row.problems[sub.id])
            if row.typed[sub.id] is not None:
                kept[sub.id] = row.typed[sub.id]
        for rule in f.rules:
            target = next((s for s in f.fields if s.id == rule.field), None)
            label = f"{_item_label(f, n)}, {target.label}" if target else _item_label(f, n)
            _apply_rule(run, rule, scope, f"{f.id}[{n}].{rule.field}" if rule.field else f.id, label, top=f.id)
        out.append(kept)
    return out


def _required(run: _Run, required: bool | Expression, scope: Mapping[str, Any]) -> bool:
    if isinstance(required, bool):
        return required
    return run.holds(required, scope, default=False)


def _apply_rule(
    run: _Run, rule: Rule, scope: Mapping[str, Any], path: str, label: str, top: str | None = None
) -> None:
    top = top or rule.field or path
    try:
        verdict = truthy(rule.check.evaluate(scope))
    except EvaluationError:
        run.add(path, top, label or rule.id, m.RULE_FAILED.format(rule=rule.id), Severity.WARNING)
        return
    if verdict is False:
        run.add(path, top, label or m.DOCUMENTS_LABEL, rule.message, rule.severity)


def _calculate(run: _Run) -> None:
    for calc in run.service.calculated:
        try:
            run.env[calc.id] = calc.expr.evaluate(run.env)
        except EvaluationError:
            run.env[calc.id] = None


def _checklist(run: _Run) -> tuple[ChecklistItem, ...]:
    items = []
    for req in run.service.documents:
        if req.when is not None and not run.holds(req.when):
            continue
        items.append(ChecklistItem(req, _required(run, req.required, run.env)))
    return tuple(items)


def _check_presented(
    run: _Run,
    checklist: tuple[ChecklistItem, ...],
    presented: Sequence[Mapping[str, Any]],
    names: Mapping[str, DocumentKind],
) -> None:
    given: dict[str, tuple[int, int]] = {}
    for row in presented:
        doc = str(row.get("doc", ""))
        originals, copies = given.get(doc, (0, 0))
        given[doc] = (originals + _count(row.get("originals")), copies + _count(row.get("copies")))
    for item in checklist:
        req = item.requirement
        if not item.required or req.by_request:
            continue
        originals, copies = given.get(req.doc, (0, 0))
        path = f"documents.{req.doc}"
        name = names[req.doc].name if req.doc in names else req.doc
        if originals == 0 and copies == 0:
            run.add(path, "documents", m.DOCUMENTS_LABEL, m.DOCUMENT_MISSING.format(doc=name))
        elif originals < req.originals:
            run.add(
                path,
                "documents",
                m.DOCUMENTS_LABEL,
                f"«{name}»: " + m.DOCUMENT_ORIGINALS.format(n=req.originals),
            )
        elif copies < req.copies:
            run.add(
                path,
                "documents",
                m.DOCUMENTS_LABEL,
                f"«{name}»: " + m.DOCUMENT_COPIES.format(n=req.copies),
            )


def _count(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _fee(run: _Run, tariffs: Mapping[str, Tariff]) -> tuple[FeeResult, str]:
    for rule in run.service.fee:
        if not run.holds(rule.when):
            continue
        tariff = tariffs.get(rule.tariff)
        if tariff is None:
            return FREE, ""
        amount = tariff.amount_on(run.ctx.today)
        if amount is None:
            return FREE, ""
        times = 1
        if rule.times is not None:
            try:
                value = rule.times.evaluate(run.env)
            except EvaluationError:
                value = None
            times = int(value) if isinstance(value, int | Decimal) and value >= 0 else 1
        full = amount * times
        exempt = sorted(run.ctx.privileges & set(run.service.exemptions))
        if exempt:
            return FeeResult(Decimal(0), full, tariff.id, tariff.title, tariff.basis, exempt[0]), ""
        return FeeResult(full, full, tariff.id, tariff.title, tariff.basis), ""
    return FREE, ""


def due_date(deadline: DeadlineRule | None, accepted_on: date, calendar: ProductionCalendar) -> date | None:
    """The day the result is ready: counted from the acceptance day on the production calendar."""
    if deadline is None:
        return None
    if deadline.unit is DeadlineUnit.WORKING_DAYS:
        return calendar.add_working_days(accepted_on, deadline.amount)
    if deadline.unit is DeadlineUnit.CALENDAR_DAYS:
        return calendar.add_calendar_days(accepted_on, deadline.amount)
    return calendar.add_months(accepted_on, deadline.amount)


def calendar_for(catalog: Catalog) -> ProductionCalendar:
    return ProductionCalendar(dict(catalog.calendar_overrides))


def evaluate_case(
    catalog: Catalog,
    service_id: str,
    answers: Mapping[str, Any],
    ctx: Context,
    presented: Sequence[Mapping[str, Any]] | None = None,
) -> FormResult:
    """`evaluate` with the catalog's tariffs: the usual entry point for callers outside forms."""
    return evaluate(
        catalog.services[service_id], answers, ctx, tariffs=catalog.tariffs, presented=presented,
        documents=catalog.documents,
    )


def example_answers(service: Service) -> dict[str, Any]:
    """The service's example case without the keys that describe the applicant's context."""
    return {k: v for k, v in service.example.items() if not k.startswith("_")}


def example_privileges(service: Service) -> frozenset[str]:
    return frozenset(service.example.get("_privileges", ()))


def example_context(catalog: Catalog, service: Service) -> Context:
    """The context an example case is valid in: the catalog's publication date, its privileges."""
    return Context(today=catalog.published, privileges=example_privileges(service))


__all__ = [
    "FREE",
    "ChecklistItem",
    "Context",
    "FeeResult",
    "FormResult",
    "Issue",
    "calendar_for",
    "due_date",
    "evaluate",
    "evaluate_case",
    "example_answers",
    "example_context",
    "example_privileges",
    "parse_date",
]
