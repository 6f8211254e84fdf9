"""Compiling catalog YAML into the immutable model of `forms.model`.

`compile_sources` does no file I/O: it takes the text of every file (as `forms.loader.read_sources`
gives it, or as archived with a case's catalog version) and returns a `CompileResult` — the
catalog, or None, plus every problem found, each naming file, line and field in Russian. The
compiler keeps going after a problem so an editor sees all of them in one run.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from forms import messages as m
from forms.calendar import load_overrides
from forms.expressions import FUNCTIONS, Expression, ExpressionError, parse
from forms.loader import LinedDict, LinedList, YamlProblem, parse_yaml, read_sources
from forms.model import (
    APPLICANT_FIELDS,
    COMPOUND_PARTS,
    CONTEXT_NAMES,
    Agency,
    Availability,
    Calculated,
    Catalog,
    Category,
    DeadlineRule,
    DeadlineUnit,
    DocumentKind,
    DocumentRequirement,
    FeeRule,
    Field,
    FieldKind,
    Office,
    OfficeType,
    Option,
    Rule,
    Section,
    Service,
    Severity,
    Situation,
    Tariff,
    TariffStep,
)

ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_INT_KEYS = frozenset({"min_length", "max_length", "places", "min_selected", "max_selected", "min_items",
                       "max_items"})
_BOOL_KEYS = frozenset({"past_only", "future_only", "patronymic_required"})
_TEXT_KEYS = frozenset({"hint", "pattern_message", "mask", "item_label"})
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_KINDS = {kind.value: kind for kind in FieldKind}
FIELD_ID_RE = re.compile(r"[a-z][a-z0-9_]*")

COMMON_FIELD_KEYS = {"id", "kind", "label", "required", "hint", "visible_if", "default"}
KIND_KEYS: dict[FieldKind, set[str]] = {
    FieldKind.TEXT: {"min_length", "max_length", "pattern", "pattern_message", "mask"},
    FieldKind.TEXTAREA: {"min_length", "max_length"},
    FieldKind.INTEGER: {"min", "max"},
    FieldKind.DECIMAL: {"min", "max", "places"},
    FieldKind.MONEY: {"min", "max"},
    FieldKind.DATE: {"past_only", "future_only"},
    FieldKind.CHOICE: {"options", "depends_on"},
    FieldKind.MULTICHOICE: {"options", "min_selected", "max_selected"},
    FieldKind.PERSON: {"patronymic_required"},
    FieldKind.IDENTITY_DOCUMENT: {"kinds"},
    FieldKind.INN: {"length"},
    FieldKind.GROUP: {"fields", "min_items", "max_items", "item_label", "rules"},
}
_ALLOWED_KEYS = {kind: frozenset(COMMON_FIELD_KEYS | KIND_KEYS.get(kind, set())) for kind in FieldKind}
SERVICE_KEYS = {
    "id",
    "version",
    "title",
    "short_title",
    "subject",
    "agency",
    "keywords",
    "availability",
    "layout",
    "deadline",
    "fee",
    "exemptions",
    "notification",
    "sections",
    "rules",
    "calculated",
    "documents",
    "example",
    "generic",
}
LAYOUTS = {"standard", "a5-card"}
NOTIFICATIONS = {"sms", "email", "none"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the catalog, for its editor."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class CompileResult:
    catalog: Catalog | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not self.errors


@dataclass(slots=True)
class _Scope:
    """Names an expression may use: field id -> kind, with group members when inside a group."""

    fields: dict[str, FieldKind]
    items: dict[str, FieldKind] = field(default_factory=dict)


class _Compiler:
    def __init__(self, sources: Mapping[str, str], *, check_examples: bool = True,
                 parsed: Mapping[str, Any] | None = None) -> None:
        self.sources = sources
        self.parsed = parsed or {}
        self.check_examples = check_examples
        self.published = date.today()
        self.parsed_expressions: dict[str, Expression] = {}
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.file = ""

    # --- reporting ------------------------------------------------------------------------
    def error(self, line: int, path: str, message: str) -> None:
        self.errors.append(Problem(self.file, line, path, message))

    def warn(self, line: int, path: str, message: str) -> None:
        self.warnings.append(Problem(self.file, line, path, message))

    # --- typed access to a mapping --------------------------------------------------------
    @staticmethod
    def line(node: Any, key: Any = None) -> int:
        if isinstance(node, LinedDict):
            return node.line_of(key) if key is not None else node.line
        if isinstance(node, LinedList):
            return node.line_of(key) if isinstance(key, int) else node.line
        return 0

    def mapping(self, value: Any, line: int, path: str) -> LinedDict | None:
        if isinstance(value, LinedDict):
            return value
        self.error(line, path, m.C_NOT_MAPPING)
        return None

    def seq(self, node: LinedDict, key: str, path: str) -> LinedList:
        value = node.get(key)
        if value is None:
            return LinedList()
        if not isinstance(value, LinedList):
            self.error(node.line_of(key), path, m.C_NOT_LIST)
            return LinedList()
        return value

    def keys(self, node: LinedDict, allowed: Iterable[str], path: str) -> None:
        allowed = set(allowed)
        for key in node:
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                message = m.C_UNKNOWN_KEY.format(allowed=names)
                if node.get(key) is None and not ID_RE.fullmatch(str(key)):
                    message += m.C_COMMA_HINT
                self.error(node.line_of(key), f"{path}.{key}" if path else str(key), message)

    def text(self, node: LinedDict, key: str, path: str, *, required: bool = True, default: str = "") -> str:
        value = node.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.error(node.line, where, m.C_MISSING)
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float | date):
            self.error(node.line_of(key), where, m.C_NOT_STRING)
            return default
        return str(value).strip()

    def integer(self, node: LinedDict, key: str, path: str, default: int | None = None) -> int | None:
        value = node.get(key, default)
        if value is None or value == default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(node.line_of(key), f"{path}.{key}", m.C_NOT_INT)
            return default
        return value

    def boolean(self, node: LinedDict, key: str, path: str, default: bool = False) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.error(node.line_of(key), f"{path}.{key}", m.C_NOT_BOOL)
            return default
        return value

    def number(self, node: LinedDict, key: str, path: str) -> Decimal | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.error(node.line_of(key), f"{path}.{key}", m.C_NOT_NUMBER)
            return None
        try:
            return Decimal(str(value))
        except ArithmeticError:
            self.error(node.line_of(key), f"{path}.{key}", m.C_NOT_NUMBER)
            return None

    def string_list(self, node: LinedDict, key: str, path: str) -> tuple[str, ...]:
        items = self.seq(node, key, path)
        out = []
        for i, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, str | int):
                self.error(items.line_of(i), f"{path}.{key}[{i}]", m.C_NOT_STRING)
            else:
                out.append(str(item))
        return tuple(out)

    def ident(self, node: LinedDict, key: str, path: str, pattern: re.Pattern[str] = ID_RE) -> str:
        value = self.text(node, key, path)
        if value and not pattern.fullmatch(value):
            self.error(node.line_of(key), f"{path}.{key}" if path else key, m.C_BAD_ID)
        return value

    def expression(self, node: LinedDict, key: str, path: str, scope: _Scope) -> Expression | None:
        source = node.get(key)
        if source is None:
            return None
        where = f"{path}.{key}"
        line = node.line_of(key)
        if isinstance(source, bool):
            source = "true" if source else "false"
        if not isinstance(source, str | int):
            self.error(line, where, m.C_NOT_STRING)
            return None
        expr = self.parsed_expressions.get(str(source))
        if expr is None:
            try:
                expr = parse(str(source), FUNCTIONS)
            except ExpressionError as exc:
                self.error(line, where, m.C_EXPRESSION.format(source=source, detail=exc.message))
                return None
            # Expressions are immutable values and catalogs repeat them (about 40% of the
            # built-in one's are repeats); names are still checked against each service.
            self.parsed_expressions[str(source)] = expr
        for name in sorted(expr.names):
            if not self.name_known(name, scope):
                self.error(line, where, m.C_UNKNOWN_NAME.format(source=source, name=name))
                return None
        return expr

    @staticmethod
    def name_known(name: str, scope: _Scope) -> bool:
        root, _, rest = name.partition(".")
        if root in CONTEXT_NAMES:
            return not rest
        kind = scope.items.get(root) or scope.fields.get(root)
        if kind is None:
            return False
        if not rest:
            return True
        parts = COMPOUND_PARTS.get(kind)
        return parts is not None and rest in parts

    # --- the whole catalog ----------------------------------------------------------------
    def load(self, name: str, *, required: bool = False) -> LinedDict | None:
        self.file = name
        text = self.sources.get(name)
        if text is None:
            if required:
                self.error(0, "", m.C_NO_SOURCES)
            return None
        try:
            data = self.parsed[name] if name in self.parsed else parse_yaml(text)
        except YamlProblem as exc:
            self.error(exc.line, "", m.C_YAML.format(detail=exc.detail))
            return None
        if data is None:
            return LinedDict()
        return self.mapping(data, 1, "")

    def run(self) -> Catalog | None:
        head = self.load("catalog.yaml", required=True)
        if head is None:
            return None
        self.keys(head, {"version", "title", "published"}, "")
        version = self.text(head, "version", "")
        published = head.get("published", date.today())
        if not isinstance(published, date):
            self.error(head.line_of("published"), "published", m.C_NOT_DATE)
            published = date.today()
        self.published = published
        title = self.text(head, "title", "", required=False, default="Каталог услуг")

        agencies = self.simple_list("agencies.yaml", "agencies", self.agency)
        office_types = self.simple_list("office_types.yaml", "office_types", self.office_type)
        categories = self.simple_list("categories.yaml", "categories", self.category)
        documents = self.simple_list("documents.yaml", "documents", self.document_kind)
        tariffs = self.simple_list("tariffs.yaml", "tariffs", self.tariff)
        self.refs = {
            "agency": agencies,
            "office_type": office_types,
            "category": categories,
            "document": documents,
            "tariff": tariffs,
        }
        offices = self.simple_list("offices.yaml", "offices", self.office)
        synonyms = self.synonyms()
        overrides = self.calendar()

        services: dict[str, Service] = {}
        service_files = [
            name
            for name in sorted(self.sources)
            if PurePosixPath(name).parent.as_posix() == "services" and name.endswith(".yaml")
        ]
        for name in service_files:
            service = self.service(name, PurePosixPath(name).stem, tariffs)
            if service is not None:
                services[service.id] = service
        if not service_files:
            self.file = "services/"
            self.error(0, "services", m.C_NO_SERVICES)
        situations = self.simple_list("situations.yaml", "situations", self.situation(services))

        if self.errors:
            return None
        return Catalog(
            version=version,
            title=title,
            published=published,
            services=MappingProxyType(services),
            agencies=MappingProxyType(agencies),
            office_types=MappingProxyType(office_types),
            offices=MappingProxyType(offices),
            categories=MappingProxyType(categories),
            documents=MappingProxyType(documents),
            tariffs=MappingProxyType(tariffs),
            situations=MappingProxyType(situations),
            synonyms=MappingProxyType(synonyms),
            calendar_overrides=MappingProxyType(overrides),
            sources=MappingProxyType(dict(self.sources)),
        )

    def simple_list(self, name: str, key: str, build: Any) -> dict[str, Any]:
        data = self.load(name)
        if data is None:
            return {}
        self.keys(data, {key}, "")
        out: dict[str, Any] = {}
        items = self.seq(data, key, key)
        for i, raw in enumerate(items):
            path = f"{key}[{i}]"
            node = self.mapping(raw, items.line_of(i), path)
            if node is None:
                continue
            self.file = name
            item = build(node, path)
            if item is None:
                continue
            if item.id in out:
                self.error(node.line_of("id"), f"{path}.id", m.C_DUPLICATE.format(id=item.id))
            out[item.id] = item
        return out

    def agency(self, node: LinedDict, path: str) -> Agency:
        self.keys(node, {"id", "name", "short", "addressee"}, path)
        name = self.text(node, "name", path)
        return Agency(
            id=self.ident(node, "id", path),
            name=name,
            short=self.text(node, "short", path, required=False, default=name),
            addressee=self.text(node, "addressee", path, required=False, default=name),
        )

    def office_type(self, node: LinedDict, path: str) -> OfficeType:
        self.keys(node, {"id", "name", "hours"}, path)
        return OfficeType(
            self.ident(node, "id", path),
            self.text(node, "name", path),
            self.text(node, "hours", path, required=False),
        )

    def office(self, node: LinedDict, path: str) -> Office:
        self.keys(node, {"id", "name", "type", "address", "district"}, path)
        office_type = self.text(node, "type", path)
        self.check_ref("office_type", office_type, node.line_of("type"), f"{path}.type")
        return Office(
            id=self.ident(node, "id", path, re.compile(r"\d{4}")),
            name=self.text(node, "name", path),
            type=office_type,
            address=self.text(node, "address", path, required=False),
            district=self.text(node, "district", path, required=False),
        )

    def category(self, node: LinedDict, path: str) -> Category:
        self.keys(node, {"id", "name"}, path)
        return Category(self.ident(node, "id", path), self.text(node, "name", path))

    def document_kind(self, node: LinedDict, path: str) -> DocumentKind:
        self.keys(node, {"id", "name"}, path)
        return DocumentKind(self.ident(node, "id", path), self.text(node, "name", path))

    def tariff(self, node: LinedDict, path: str) -> Tariff:
        self.keys(node, {"id", "title", "basis", "history"}, path)
        steps: list[TariffStep] = []
        history = self.seq(node, "history", path)
        if not history:
            self.error(node.line, f"{path}.history", m.C_NO_HISTORY)
        for i, raw in enumerate(history):
            where = f"{path}.history[{i}]"
            step = self.mapping(raw, history.line_of(i), where)
            if step is None:
                continue
            self.keys(step, {"from", "amount"}, where)
            start = step.get("from")
            if not isinstance(start, date):
                self.error(step.line_of("from"), f"{where}.from", m.C_NOT_DATE)
                continue
            amount = self.number(step, "amount", where)
            if amount is None:
                self.error(step.line_of("amount"), f"{where}.amount", m.C_MISSING)
                continue
            if steps and start <= steps[-1].start:
                self.error(step.line_of("from"), f"{where}.from", m.C_HISTORY_ORDER)
            steps.append(TariffStep(start, amount))
        return Tariff(
            self.ident(node, "id", path),
            self.text(node, "title", path),
            self.text(node, "basis", path, required=False),
            tuple(steps),
        )

    def situation(self, services: Mapping[str, Service]) -> Any:
        def build(node: LinedDict, path: str) -> Situation:
            self.keys(node, {"id", "title", "services", "keywords", "description"}, path)
            ids = self.string_list(node, "services", path)
            items = self.seq(node, "services", path)
            for i, sid in enumerate(ids):
                # A service whose own file has errors is reported there, not again here.
                if sid not in services and f"services/{sid}.yaml" not in self.sources:
                    self.error(
                        items.line_of(i),
                        f"{path}.services[{i}]",
                        m.C_UNKNOWN_REF.format(what=m.WHAT["service"], id=sid),
                    )
            return Situation(
                id=self.ident(node, "id", path),
                title=self.text(node, "title", path),
                services=ids,
                keywords=self.string_list(node, "keywords", path),
                description=self.text(node, "description", path, required=False),
            )

        return build

    def synonyms(self) -> dict[str, tuple[str, ...]]:
        data = self.load("synonyms.yaml")
        if data is None:
            return {}
        self.keys(data, {"synonyms"}, "")
        table = data.get("synonyms") or LinedDict()
        node = self.mapping(table, data.line_of("synonyms"), "synonyms")
        out: dict[str, tuple[str, ...]] = {}
        if node is None:
            return out
        for word in node:
            phrases = self.string_list(node, word, "synonyms") if isinstance(node[word], list) else ()
            if not phrases:
                self.error(node.line_of(word), f"synonyms.{word}", m.C_NOT_LIST)
            out[str(word)] = phrases
        return out

    def calendar(self) -> dict[date, bool]:
        data = self.load("calendar.yaml")
        if data is None:
            return {}
        self.keys(data, {"overrides"}, "")
        rows = self.seq(data, "overrides", "overrides")
        try:
            return load_overrides(rows)
        except ValueError as exc:
            self.error(rows.line, "overrides", str(exc))
            return {}

    def check_ref(self, what: str, value: str, line: int, path: str) -> bool:
        if value and value not in self.refs[what]:
            self.error(line, path, m.C_UNKNOWN_REF.format(what=m.WHAT[what], id=value))
            return False
        return True

    # --- one service ----------------------------------------------------------------------
    def service(self, name: str, stem: str, tariffs: Mapping[str, Tariff]) -> Service | None:
        node = self.load(name)
        if node is None:
            return None
        before = len(self.errors)
        self.keys(node, SERVICE_KEYS, "")
        sid = self.ident(node, "id", "")
        if sid and sid != stem:
            self.error(node.line_of("id"), "id", m.C_FILE_ID.format(id=sid, stem=stem))
        version = node.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.error(node.line_of("version"), "version", m.C_SERVICE_VERSION)
            version = 1
        title = self.text(node, "title", "")
        agency = self.text(node, "agency", "")
        self.check_ref("agency", agency, node.line_of("agency"), "agency")
        layout = self.text(node, "layout", "", required=False, default="standard")
        if layout not in LAYOUTS:
            self.error(
                node.line_of("layout"), "layout", m.C_UNKNOWN_KEY.format(allowed=", ".join(sorted(LAYOUTS)))
            )
        keywords = self.string_list(node, "keywords", "")
        if not keywords:
            self.warn(node.line, "keywords", m.C_WARN_NO_KEYWORDS)

        scope = self.collect_scope(node)
        sections = self.sections(node, scope)
        calculated = self.calculated(node, scope)
        rules = self.rules(node, "rules", "", scope)
        documents = self.documents(node, scope)
        fee = self.fee(node, scope)
        exemptions = self.string_list(node, "exemptions", "")
        for i, cat in enumerate(exemptions):
            self.check_ref("category", cat, self.seq(node, "exemptions", "").line_of(i), f"exemptions[{i}]")
        notification = self.string_list(node, "notification", "") or ("sms", "email")
        for i, way in enumerate(notification):
            if way not in NOTIFICATIONS:
                self.error(
                    node.line_of("notification"),
                    f"notification[{i}]",
                    m.C_UNKNOWN_KEY.format(allowed=", ".join(sorted(NOTIFICATIONS))),
                )
        example = node.get("example")
        if example is None:
            self.warn(node.line, "example", m.C_WARN_NO_EXAMPLE)
            example = LinedDict()
        elif not isinstance(example, LinedDict):
            self.error(node.line_of("example"), "example", m.C_NOT_MAPPING)
            example = LinedDict()

        if len(self.errors) > before:
            return None
        service = Service(
            id=sid,
            version=version,
            title=title,
            short_title=self.text(node, "short_title", "", required=False, default=title),
            subject=self.text(node, "subject", "", required=False, default=""),
            agency=agency,
            keywords=keywords,
            availability=self.availability(node),
            layout=layout,
            deadline=self.deadline(node, scope),
            fee=fee,
            exemptions=exemptions,
            notification=notification,
            sections=sections,
            rules=rules,
            calculated=calculated,
            documents=documents,
            example=MappingProxyType(_plain(example)),
            generic=self.boolean(node, "generic", ""),
            source=name,
            condition_roots=_condition_roots(sections, calculated),
        )
        if len(self.errors) > before:
            return None
        if self.check_examples:
            self.check_example(service, node, tariffs)
        return service if len(self.errors) == before else None

    def collect_scope(self, node: LinedDict) -> _Scope:
        """First pass: every field id and kind, so expressions may refer forward."""
        fields: dict[str, FieldKind] = {}
        sections = node.get("sections")
        for section in sections if isinstance(sections, list) else []:
            items = section.get("fields") if isinstance(section, dict) else None
            for raw in items if isinstance(items, list) else []:
                if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                    try:
                        fields[raw["id"]] = FieldKind(str(raw.get("kind")))
                    except ValueError:
                        fields[raw["id"]] = FieldKind.TEXT
        for raw in node.get("calculated") or []:
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                fields[raw["id"]] = FieldKind.DECIMAL
        return _Scope(fields)

    def availability(self, node: LinedDict) -> Availability:
        raw = node.get("availability")
        if raw is None:
            return Availability(tuple(self.refs["office_type"]))
        data = self.mapping(raw, node.line_of("availability"), "availability")
        if data is None:
            return Availability(tuple(self.refs["office_type"]))
        path = "availability"
        self.keys(data, {"office_types", "pre_appointment", "home_visit", "extraterritorial"}, path)
        types = self.string_list(data, "office_types", path) or tuple(self.refs["office_type"])
        for i, t in enumerate(types):
            self.check_ref("office_type", t, data.line_of("office_types"), f"{path}.office_types[{i}]")
        return Availability(
            office_types=types,
            pre_appointment=self.boolean(data, "pre_appointment", path),
            home_visit=self.boolean(data, "home_visit", path),
            extraterritorial=self.boolean(data, "extraterritorial", path, default=True),
        )

    def sections(self, node: LinedDict, scope: _Scope) -> tuple[Section, ...]:
        out = []
        seen: set[str] = set()
        raw_sections = self.seq(node, "sections", "sections")
        if not raw_sections:
            self.error(node.line, "sections", m.C_MISSING)
        for i, raw in enumerate(raw_sections):
            path = f"sections[{i}]"
            data = self.mapping(raw, raw_sections.line_of(i), path)
            if data is None:
                continue
            self.keys(data, {"id", "title", "fields", "visible_if"}, path)
            fields = self.fields(data, path, scope, seen, in_group=False)
            if not fields:
                self.error(data.line, f"{path}.fields", m.C_EMPTY_SECTION)
            out.append(
                Section(
                    id=self.ident(data, "id", path),
                    title=self.text(data, "title", path),
                    fields=fields,
                    visible_if=self.expression(data, "visible_if", path, scope),
                )
            )
        return tuple(out)

    def fields(
        self, node: LinedDict, path: str, scope: _Scope, seen: set[str], *, in_group: bool
    ) -> tuple[Field, ...]:
        out = []
        items = self.seq(node, "fields", path)
        for i, raw in enumerate(items):
            where = f"{path}.fields[{i}]"
            data = self.mapping(raw, items.line_of(i), where)
            if data is None:
                continue
            built = self.field(data, where, scope, in_group=in_group)
            if built is None:
                continue
            if built.id in seen:
                self.error(data.line_of("id"), f"{where}.id", m.C_DUPLICATE.format(id=built.id))
            seen.add(built.id)
            out.append(built)
        return tuple(out)

    def field(self, node: LinedDict, path: str, scope: _Scope, *, in_group: bool) -> Field | None:
        fid = self.ident(node, "id", path, FIELD_ID_RE)
        path = f"{path}({fid})" if fid else path
        kind_name = self.text(node, "kind", path)
        kind = _KINDS.get(kind_name)
        if kind is None:
            allowed = ", ".join(k.value for k in FieldKind)
            self.error(
                node.line_of("kind"), f"{path}.kind", m.C_UNKNOWN_KIND.format(kind=kind_name, allowed=allowed)
            )
            return None
        if fid in CONTEXT_NAMES:
            self.error(node.line_of("id"), f"{path}.id", m.C_RESERVED.format(id=fid))
        if not in_group and fid in APPLICANT_FIELDS and APPLICANT_FIELDS[fid] is not kind:
            self.error(
                node.line_of("kind"),
                f"{path}.kind",
                m.C_APPLICANT_KIND.format(id=fid, kind=APPLICANT_FIELDS[fid].value),
            )
        for key in node:
            if key not in _ALLOWED_KEYS[kind]:
                known = any(key in keys for keys in KIND_KEYS.values())
                message = (
                    m.C_KIND_OPTION.format(key=key, kind=kind.value)
                    if known
                    else m.C_UNKNOWN_KEY.format(allowed=", ".join(sorted(_ALLOWED_KEYS[kind])))
                )
                self.error(node.line_of(key), f"{path}.{key}", message)

        required: bool | Expression = False
        raw_required = node.get("required", False)
        if isinstance(raw_required, bool):
            required = raw_required
        else:
            required = self.expression(node, "required", path, scope) or False

        options: tuple[Option, ...] = ()
        options_by: dict[str, tuple[Option, ...]] = {}
        depends_on = None
        if kind in (FieldKind.CHOICE, FieldKind.MULTICHOICE):
            depends_on = self.text(node, "depends_on", path, required=False) or None
            if depends_on is not None:
                parent_kind = scope.items.get(depends_on) or scope.fields.get(depends_on)
                if parent_kind is not FieldKind.CHOICE:
                    self.error(
                        node.line_of("depends_on"), f"{path}.depends_on", m.C_DEPENDS_ON.format(id=depends_on)
                    )
                raw_map = node.get("options")
                if not isinstance(raw_map, LinedDict):
                    self.error(node.line_of("options"), f"{path}.options", m.C_OPTIONS_MAP)
                else:
                    for parent_value in raw_map:
                        options_by[str(parent_value)] = self.options(raw_map, parent_value, f"{path}.options")
            else:
                options = self.options(node, "options", path)
                if not options:
                    self.error(node.line_of("options"), f"{path}.options", m.C_NO_OPTIONS)

        pattern = self.text(node, "pattern", path, required=False) or None if "pattern" in node else None
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.error(node.line_of("pattern"), f"{path}.pattern", m.C_PATTERN.format(detail=exc))
                pattern = None

        lo, hi = self.number(node, "min", path), self.number(node, "max", path)
        if lo is not None and hi is not None and lo > hi:
            self.error(node.line_of("min"), f"{path}.min", m.C_RANGE)

        sub_fields: tuple[Field, ...] = ()
        group_rules: tuple[Rule, ...] = ()
        if kind is FieldKind.GROUP:
            if in_group:
                self.error(node.line_of("kind"), f"{path}.kind", m.C_GROUP_NESTED)
                return None
            items = self.seq(node, "fields", path)
            item_scope = _Scope(
                scope.fields,
                {str(r.get("id")): _kind_or_text(r.get("kind")) for r in items if isinstance(r, dict)},
            )
            sub_fields = self.fields(node, path, item_scope, set(), in_group=True)
            if not sub_fields:
                self.error(node.line, f"{path}.fields", m.C_NO_FIELDS)
            group_rules = self.rules(node, "rules", path, item_scope)

        inn_length = self.integer(node, "length", path) if "length" in node else None
        if inn_length not in (None, 10, 12):
            self.error(node.line_of("length"), f"{path}.length", m.C_UNKNOWN_KEY.format(allowed="10, 12"))
        kinds = self.string_list(node, "kinds", path) if "kinds" in node else ()
        for i, doc in enumerate(kinds):
            self.check_ref("document", doc, node.line_of("kinds"), f"{path}.kinds[{i}]")

        # Only the keys present are read: most fields use three or four of them, and the
        # compile budget (300 services in 200 ms) has no room for reading the others.
        extra: dict[str, Any] = {}
        for key in node:
            if key in _INT_KEYS:
                extra[key] = self.integer(node, key, path)
            elif key in _BOOL_KEYS:
                extra[key] = self.boolean(node, key, path)
            elif key in _TEXT_KEYS:
                extra[key] = self.text(node, key, path, required=False) or None
        if "min_items" in extra:
            extra["min_items"] = extra["min_items"] or 0
        return Field(
            id=fid,
            kind=kind,
            label=self.text(node, "label", path),
            required=required,
            visible_if=self.expression(node, "visible_if", path, scope) if "visible_if" in node else None,
            default=_plain(node.get("default")),
            pattern=pattern,
            min=lo,
            max=hi,
            options=options,
            depends_on=depends_on,
            options_by=MappingProxyType(options_by) if options_by else _EMPTY,
            inn_length=inn_length,
            document_kinds=kinds,
            fields=sub_fields,
            rules=group_rules,
            line=node.line,
            **extra,
        )

    def options(self, node: LinedDict, key: Any, path: str) -> tuple[Option, ...]:
        items = node.get(key)
        if not isinstance(items, LinedList):
            self.error(node.line_of(key), f"{path}.{key}", m.C_NOT_LIST)
            return ()
        out = []
        seen: set[str] = set()
        for i, raw in enumerate(items):
            where = f"{path}.{key}[{i}]"
            if isinstance(raw, LinedDict):
                self.keys(raw, {"value", "label"}, where)
                value = self.text(raw, "value", where)
                label = self.text(raw, "label", where, required=False, default=value)
            elif isinstance(raw, str | int) and not isinstance(raw, bool):
                value = label = str(raw)
            else:
                self.error(items.line_of(i), where, m.C_NOT_STRING)
                continue
            if value in seen:
                self.error(items.line_of(i), where, m.C_DUPLICATE.format(id=value))
            seen.add(value)
            out.append(Option(value, label))
        return tuple(out)

    def rules(self, node: LinedDict, key: str, path: str, scope: _Scope) -> tuple[Rule, ...]:
        out = []
        items = self.seq(node, key, f"{path}.{key}" if path else key)
        for i, raw in enumerate(items):
            where = f"{path}.{key}[{i}]" if path else f"{key}[{i}]"
            data = self.mapping(raw, items.line_of(i), where)
            if data is None:
                continue
            self.keys(data, {"id", "check", "message", "field", "severity"}, where)
            check = self.expression(data, "check", where, scope)
            if check is None and "check" not in data:
                self.error(data.line, f"{where}.check", m.C_MISSING)
            target = self.text(data, "field", where)
            if target and target not in scope.fields and target not in scope.items:
                self.error(
                    data.line_of("field"),
                    f"{where}.field",
                    m.C_UNKNOWN_REF.format(what=m.WHAT["field"], id=target),
                )
            severity = self.text(data, "severity", where, required=False, default="error")
            if severity not in ("error", "warning"):
                self.error(
                    data.line_of("severity"),
                    f"{where}.severity",
                    m.C_UNKNOWN_KEY.format(allowed="error, warning"),
                )
                severity = "error"
            if check is not None:
                out.append(
                    Rule(
                        id=self.text(data, "id", where, required=False, default=f"rule-{i + 1}"),
                        check=check,
                        message=self.text(data, "message", where),
                        field=target,
                        severity=Severity(severity),
                    )
                )
        return tuple(out)

    def calculated(self, node: LinedDict, scope: _Scope) -> tuple[Calculated, ...]:
        out = []
        items = self.seq(node, "calculated", "calculated")
        for i, raw in enumerate(items):
            where = f"calculated[{i}]"
            data = self.mapping(raw, items.line_of(i), where)
            if data is None:
                continue
            self.keys(data, {"id", "label", "expr"}, where)
            cid = self.ident(data, "id", where, FIELD_ID_RE)
            expr = self.expression(data, "expr", where, scope)
            if expr is None and "expr" not in data:
                self.error(data.line, f"{where}.expr", m.C_MISSING)
            if expr is not None:
                out.append(Calculated(cid, self.text(data, "label", where), expr))
        return tuple(out)

    def documents(self, node: LinedDict, scope: _Scope) -> tuple[DocumentRequirement, ...]:
        out = []
        items = self.seq(node, "documents", "documents")
        for i, raw in enumerate(items):
            where = f"documents[{i}]"
            data = self.mapping(raw, items.line_of(i), where)
            if data is None:
                continue
            self.keys(data, {"doc", "originals", "copies", "required", "when", "by_request", "note"}, where)
            doc = self.text(data, "doc", where)
            self.check_ref("document", doc, data.line_of("doc"), f"{where}.doc")
            raw_required = data.get("required", True)
            required: bool | Expression = (
                raw_required
                if isinstance(raw_required, bool)
                else (self.expression(data, "required", where, scope) or False)
            )
            out.append(
                DocumentRequirement(
                    doc=doc,
                    originals=self.integer(data, "originals", where, 0) or 0,
                    copies=self.integer(data, "copies", where, 0) or 0,
                    required=required,
                    when=self.expression(data, "when", where, scope),
                    by_request=self.boolean(data, "by_request", where),
                    note=self.text(data, "note", where, required=False),
                )
            )
        return tuple(out)

    def fee(self, node: LinedDict, scope: _Scope) -> tuple[FeeRule, ...]:
        raw = node.get("fee")
        if raw is None:
            return ()
        if isinstance(raw, LinedDict):
            raw = LinedList([raw])
            raw.line = node.line_of("fee")
        if not isinstance(raw, LinedList):
            self.error(node.line_of("fee"), "fee", m.C_NOT_LIST)
            return ()
        out = []
        for i, item in enumerate(raw):
            where = f"fee[{i}]"
            data = self.mapping(item, raw.line_of(i), where)
            if data is None:
                continue
            self.keys(data, {"tariff", "when", "times"}, where)
            tariff = self.text(data, "tariff", where)
            self.check_ref("tariff", tariff, data.line_of("tariff"), f"{where}.tariff")
            out.append(
                FeeRule(
                    tariff,
                    self.expression(data, "when", where, scope),
                    self.expression(data, "times", where, scope),
                )
            )
        return tuple(out)

    def deadline(self, node: LinedDict, scope: _Scope) -> tuple[DeadlineRule, ...]:
        raw = node.get("deadline")
        if raw is None:
            self.error(node.line, "deadline", m.C_MISSING)
            return ()
        if isinstance(raw, LinedDict):
            raw = LinedList([raw])
            raw.line = node.line_of("deadline")
        if not isinstance(raw, LinedList):
            self.error(node.line_of("deadline"), "deadline", m.C_NOT_LIST)
            return ()
        out = []
        for i, item in enumerate(raw):
            where = f"deadline[{i}]"
            data = self.mapping(item, raw.line_of(i), where)
            if data is None:
                continue
            units = [u for u in DeadlineUnit if u.value in data]
            self.keys(data, {u.value for u in DeadlineUnit} | {"when"}, where)
            if len(units) != 1:
                self.error(data.line, where, m.C_DEADLINE)
                continue
            amount = self.integer(data, units[0].value, where)
            if amount is None or amount < 0:
                self.error(data.line_of(units[0].value), f"{where}.{units[0].value}", m.C_NOT_INT)
                continue
            out.append(DeadlineRule(units[0], amount, self.expression(data, "when", where, scope)))
        return tuple(out)

    def check_example(self, service: Service, node: LinedDict, tariffs: Mapping[str, Tariff]) -> None:
        from forms.engine import Context, evaluate  # the engine depends on compiled services

        if not service.example:
            return
        privileges = frozenset(service.example.get("_privileges", ()))
        answers = {k: v for k, v in service.example.items() if not k.startswith("_")}
        result = evaluate(
            service, answers, Context(today=date.today(), privileges=privileges), tariffs=tariffs
        )
        example = node.get("example")
        for issue in result.errors:
            line = example.line_of(issue.field) if isinstance(example, LinedDict) else node.line
            self.error(line, f"example.{issue.path}", m.C_EXAMPLE.format(detail=issue.text))


def _condition_roots(sections: tuple[Section, ...], calculated: tuple[Calculated, ...]) -> frozenset[str]:
    roots: set[str] = set()
    for section in sections:
        if section.visible_if is not None:
            roots |= section.visible_if.roots
        for f in section.fields:
            if f.visible_if is not None:
                roots |= f.visible_if.roots
    for calc in calculated:
        roots |= calc.expr.roots
    return frozenset(roots)


def _kind_or_text(value: Any) -> FieldKind:
    try:
        return FieldKind(value)
    except ValueError:
        return FieldKind.TEXT


def _plain(value: Any) -> Any:
    """Strip the line bookkeeping so examples and defaults are ordinary JSON-like values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def compile_sources(sources: Mapping[str, str], *, check_examples: bool = True,
                    parsed: Mapping[str, Any] | None = None) -> CompileResult:
    """Compile a catalog given as {relative path: YAML text}.

    `parsed` may hold documents already parsed with `forms.loader.parse_yaml` from the same
    texts (a parse cache): PyYAML is the slow half of compiling a large catalog.
    """
    compiler = _Compiler(sources, check_examples=check_examples, parsed=parsed)
    # Compiling only builds objects (no cycles to collect): pausing the cyclic collector saves
    # a sixth of the time on a 300-service catalog.
    collecting = gc.isenabled()
    gc.disable()
    try:
        catalog = compiler.run()
    finally:
        if collecting:
            gc.enable()
    return CompileResult(catalog, tuple(compiler.errors), tuple(compiler.warnings))


def compile_folder(folder: Path, *, check_examples: bool = True) -> CompileResult:
    """Compile the catalog in `folder`; unreadable files are reported like any other problem."""
    try:
        sources = read_sources(folder)
    except (OSError, UnicodeDecodeError) as exc:
        return CompileResult(None, (Problem(str(folder), 0, "", m.C_FILE_READ.format(detail=exc)),))
    if "catalog.yaml" not in sources:
        return CompileResult(None, (Problem(str(folder), 0, "", m.C_NO_SOURCES),))
    return compile_sources(sources, check_examples=check_examples)
