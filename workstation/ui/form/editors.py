"""One editor per field kind: the widgets of a field, wired to the form through a host.

An editor pushes what is typed into the host (`typed` while typing, `chosen` for a discrete
choice, `left` when the focus leaves the whole field) and shows values with `load`. It never
validates: the host asks the `FormController` and tells the editor what to show next to it.
Compound kinds (person, address, identity document, vehicle, bank account) are one editor
with captioned parts; their path parts are `field.part`.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from tkinter import ttk
from typing import Any, ClassVar, Protocol

import ttkbootstrap as tb

from forms import identifiers as ids
from forms.model import Field, FieldKind, Option
from workstation.ui import texts as t
from workstation.ui.form import masks
from workstation.ui.form.inputs import ChoiceInput, DateInput, TextArea
from workstation.ui.widgets.masked import MaskedEntry, WatchedEntry


class EditorHost(Protocol):
    today: date
    compact: bool  # large fonts: compound parts in more rows

    def typed(self, path: str, value: Any, source: object, *, complete: bool = False) -> None: ...

    def chosen(self, path: str, value: Any, source: object) -> None: ...

    def left(self, path: str) -> None: ...

    def document_name(self, doc_id: str) -> str: ...

    def value(self, path: str) -> Any: ...


# Normalising on leave: what the specialist typed becomes the one spelling that is stored.
def _oms(text: str) -> str:
    return ids.check_oms(text)[0]


NORMALISERS: dict[FieldKind, Callable[[str], str]] = {
    FieldKind.OGRN: ids.normalize_ogrn,
    FieldKind.OGRNIP: ids.normalize_ogrnip,
    FieldKind.OMS: _oms,
    FieldKind.BIRTH_CERTIFICATE: ids.normalize_birth_certificate,
    FieldKind.CADASTRAL: ids.normalize_cadastral,
    FieldKind.DRIVING_LICENCE: ids.normalize_driving_licence,
    FieldKind.EMAIL: ids.normalize_email,
}
MASKS: dict[FieldKind, masks.Mask] = {FieldKind.PHONE: masks.PHONE, FieldKind.SNILS: masks.SNILS}
WIDTHS: dict[FieldKind, int] = {
    FieldKind.INN: 16, FieldKind.OGRN: 17, FieldKind.OGRNIP: 19, FieldKind.OMS: 20,
    FieldKind.BIRTH_CERTIFICATE: 16, FieldKind.CADASTRAL: 24, FieldKind.DRIVING_LICENCE: 16,
    FieldKind.EMAIL: 32, FieldKind.PHONE: 20, FieldKind.SNILS: 16,
}


def normalise_quietly(normalise: Callable[[str], str], text: str) -> str | None:
    try:
        return normalise(text)
    except (ids.IdentifierError, ValueError):
        return None


def capitalise_name(text: str) -> str:
    """«иванова-петрова» -> «Иванова-Петрова»; a name typed with capitals is left alone."""
    if not text or text != text.lower():
        return text
    return "-".join(part[:1].upper() + part[1:] for part in text.split("-"))


def catalog_mask(pattern: str | None) -> masks.Mask | None:
    """A catalog `mask` the entry can enforce (digits and literals only), else None."""
    if not pattern or "9" not in pattern or any(c in "АA" for c in pattern):
        return None
    return masks.Mask(pattern)


class Editor:
    """Base: `frame` holds the widgets; `inputs` are the focusable ones, in Tab order."""

    def __init__(self, host: EditorHost, parent: tk.Misc, field: Field, path: str) -> None:
        self.host = host
        self.field = field
        self.path = path
        # Plain ttk: a form has hundreds of these and the theme styles them alike. Never a Tab stop.
        self.frame = ttk.Frame(parent, takefocus=0)
        self.inputs: list[tk.Widget] = []
        self.build()
        for widget in self.inputs:
            widget.bind("<FocusOut>", self._maybe_left, add="+")

    # --- to override -------------------------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def load(self, value: Any) -> None:
        raise NotImplementedError

    # --- shared ------------------------------------------------------------------------------
    def focus(self) -> None:
        for widget in self.inputs:
            if widget.winfo_viewable():
                widget.focus_set()
                return
        if self.inputs:
            self.inputs[0].focus_set()

    def _maybe_left(self, _event: tk.Event) -> None:
        # Moving between the parts of one field is not leaving it; check once focus settled.
        self.frame.after_idle(self._check_left)

    def _check_left(self) -> None:
        if not self.frame.winfo_exists():
            return
        try:
            focus = self.frame.focus_get()
        except (KeyError, tk.TclError):
            focus = None
        if focus is not None and str(focus).startswith(str(self.frame) + "."):
            return
        self.on_leave()
        self.host.left(self.path)

    def on_leave(self) -> None:
        """Tidy what was typed (normalise, capitalise) before the field is checked."""

    def part_widgets(self) -> Mapping[str, Sequence[tk.Widget]]:
        """The inputs of each part of a compound value (empty for a one-input field)."""
        return {}

    def mark_errors(self, error_paths: Sequence[str]) -> None:
        """Red border on the inputs at fault: the named parts, or every input for the whole field."""
        parts = self.part_widgets()
        faulty: set[tk.Widget] = set()
        for path in error_paths:
            part = path[len(self.path) + 1 :].split(".")[0] if path.startswith(self.path + ".") else ""
            if part and part in parts:
                faulty.update(parts[part])
            else:
                faulty.update(self.inputs)
        for widget in self.inputs:
            try:
                widget.state(["invalid"] if widget in faulty else ["!invalid"])  # type: ignore[attr-defined]
            except (AttributeError, tk.TclError):
                continue

    def part_path(self, part: str) -> str:
        return f"{self.path}.{part}"

    def caption(self, parent: tk.Misc, text: str, row: int, column: int, columnspan: int = 1) -> None:
        ttk.Label(parent, text=text, style="Small.TLabel").grid(
            row=row, column=column, columnspan=columnspan, sticky="w", padx=(0, 8)
        )


class TextEditor(Editor):
    """text, email and the identifier kinds typed as text (ИНН, ОГРН, ОМС, кадастровый номер …)."""

    def build(self) -> None:
        f = self.field
        mask = MASKS.get(f.kind) or (catalog_mask(f.mask) if f.kind is FieldKind.TEXT else None)
        width = WIDTHS.get(f.kind, 0)
        if not width:
            width = 60 if (f.max_length or 200) > 60 else max(12, (f.max_length or 20) + 2)
        self.entry = MaskedEntry(self.frame, mask, self._typed, width=width)
        self.entry.pack(side="left")
        self.inputs = [self.entry]

    def _typed(self, text: str) -> None:
        self.host.typed(self.path, text, self, complete=self.entry.complete)

    def load(self, value: Any) -> None:
        self.entry.set_value(value)

    def on_leave(self) -> None:
        kind = self.field.kind
        text = self.entry.value
        if not text.strip():
            return
        normalise: Callable[[str], str] | None = NORMALISERS.get(kind)
        if kind is FieldKind.INN:
            length = self.field.inn_length
            normalise = lambda s: ids.normalize_inn(s, length)
        if normalise is None:
            return
        fixed = normalise_quietly(normalise, text)
        if fixed is not None and fixed != text:
            self.entry.set_value(fixed)
            self.host.typed(self.path, fixed, self)


class TextAreaEditor(Editor):
    def build(self) -> None:
        self.text = TextArea(self.frame, lambda v: self.host.typed(self.path, v, self), height=3, width=60)
        self.text.pack(side="left", fill="x", expand=True)
        self.inputs = [self.text]

    def load(self, value: Any) -> None:
        self.text.set_value(value)


class NumberEditor(Editor):
    """integer, decimal, money: digits, spaces, comma or dot; the engine reads «1 500,50»."""

    def build(self) -> None:
        allowed = self.frame.register(self._allowed)
        self.entry = WatchedEntry(self.frame, lambda v: self.host.typed(self.path, v, self), width=16,
                                  validate="key", validatecommand=(allowed, "%P"), justify="right")
        self.entry.pack(side="left")
        if self.field.kind is FieldKind.MONEY:
            tb.Label(self.frame, text="₽").pack(side="left", padx=(4, 0))
        self.inputs = [self.entry]

    def _allowed(self, proposed: str) -> bool:
        integer = self.field.kind is FieldKind.INTEGER
        return all(c.isdigit() or c in " -+" or (not integer and c in ",.") for c in proposed)

    def load(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.field.kind is not FieldKind.INTEGER:
            text = text.replace(".", ",")
        self.entry.set_value(text)


class DateEditor(Editor):
    def build(self) -> None:
        self.date = DateInput(self.frame, self._typed, self.host.today)
        self.date.pack(side="left")
        self.inputs = [self.date.entry]

    def _typed(self, value: str | None, complete: bool) -> None:
        self.host.typed(self.path, value, self, complete=complete)

    def load(self, value: Any) -> None:
        self.date.set_value(value)

    def open_calendar(self) -> None:
        self.date.open_calendar()


class BooleanEditor(Editor):
    def build(self) -> None:
        self.var = tk.BooleanVar(self.frame, value=False)
        self.check = tb.Checkbutton(self.frame, text=t.FORM_YES, variable=self.var,
                                    command=lambda: self.host.chosen(self.path, self.var.get(), self))
        self.check.pack(side="left")
        self.inputs = [self.check]

    def load(self, value: Any) -> None:
        self.var.set(value is True or str(value).lower() in ("true", "да", "1"))


class ChoiceEditor(Editor):
    """A plain or cascading choice; a cascading one gets new options when its parent changes."""

    def build(self) -> None:
        f = self.field
        options = f.options_for(self.host.value(self._parent_path())) if f.depends_on else f.options
        width = min(60, max([18, *(len(o.label) + 2 for o in (f.options or ()))]))
        if f.depends_on:
            width = min(60, max([18, *(len(o.label) + 2 for group in f.options_by.values() for o in group)]))
        self.combo = ChoiceInput(self.frame, options, lambda v: self.host.chosen(self.path, v, self), width=width)
        self.combo.pack(side="left")
        self.inputs = [self.combo]
        self.shown_for: Any = self.host.value(self._parent_path()) if f.depends_on else None

    def _parent_path(self) -> str:
        """The parent of a cascading choice: a sibling in the same group row, or a form field."""
        parent = self.field.depends_on or ""
        if "[" in self.path:
            return self.path.rsplit(".", 1)[0] + "." + parent
        return parent

    def refresh_options(self) -> None:
        """Called by the host after every change; cheap when the parent did not change."""
        if not self.field.depends_on:
            return
        parent_value = self.host.value(self._parent_path())
        if parent_value == self.shown_for:
            return
        self.shown_for = parent_value
        options = self.field.options_for(parent_value)
        current = self.combo.value
        self.combo.set_options(options)
        if current is not None and all(o.value != current for o in options):
            self.combo.set_value(None)
            self.host.chosen(self.path, None, self)
        else:
            self.combo.set_value(current)

    def load(self, value: Any) -> None:
        self.shown_for = object()  # force a refresh of a cascading list
        self.refresh_options()
        self.combo.set_value(value)


class MultiChoiceEditor(Editor):
    def build(self) -> None:
        self.vars: dict[str, tk.BooleanVar] = {}
        columns = 2 if len(self.field.options) > 4 else 1
        for n, option in enumerate(self.field.options):
            var = tk.BooleanVar(self.frame, value=False)
            box = tb.Checkbutton(self.frame, text=option.label, variable=var, command=self._changed)
            box.grid(row=n // columns, column=n % columns, sticky="w", padx=(0, 16), pady=1)
            self.vars[option.value] = var
            self.inputs.append(box)

    def _changed(self) -> None:
        chosen = [value for value, var in self.vars.items() if var.get()]
        self.host.chosen(self.path, chosen or None, self)

    def load(self, value: Any) -> None:
        chosen = set(value) if isinstance(value, list | tuple) else set()
        for option_value, var in self.vars.items():
            var.set(option_value in chosen)


class PartsEditor(Editor):
    """A compound value typed in captioned parts, laid out in rows."""

    layout: ClassVar[Sequence[Sequence[tuple[str, int]]]] = ()  # rows of (part, width)
    compact_layout: ClassVar[Sequence[Sequence[tuple[str, int]]]] = ()  # for large fonts, if narrower
    captions: ClassVar[Mapping[str, str]] = {}
    masks_by_part: ClassVar[Mapping[str, masks.Mask]] = {}
    normalisers: ClassVar[Mapping[str, Callable[[str], str]]] = {}

    def build(self) -> None:
        self.parts: dict[str, Any] = {}
        layout = self.compact_layout if getattr(self.host, "compact", False) and self.compact_layout else self.layout
        for r, row in enumerate(layout):
            line = ttk.Frame(self.frame)
            line.grid(row=r, column=0, sticky="w", pady=(0 if r == 0 else 4, 0))
            for c, (part, width) in enumerate(row):
                self.caption(line, self.captions[part], 0, c)
                widget = self.make_part(line, part, width)
                widget.grid(row=1, column=c, sticky="w", padx=(0, 8))
                self.parts[part] = widget
                self.inputs.append(getattr(widget, "entry", widget))

    def make_part(self, parent: tk.Misc, part: str, width: int) -> tk.Widget:
        return MaskedEntry(parent, self.masks_by_part.get(part),
                           lambda v, p=part: self.host.typed(self.part_path(p), v, self), width=width)

    def load(self, value: Any) -> None:
        value = value if isinstance(value, Mapping) else {}
        for part, widget in self.parts.items():
            widget.set_value(value.get(part))

    def part_widgets(self) -> Mapping[str, Sequence[tk.Widget]]:
        return {part: [getattr(widget, "entry", widget)] for part, widget in self.parts.items()}

    def on_leave(self) -> None:
        for part, normalise in self.normalisers.items():
            widget = self.parts.get(part)
            if widget is None or not widget.value.strip():
                continue
            fixed = normalise_quietly(normalise, widget.value)
            if fixed is not None and fixed != widget.value:
                widget.set_value(fixed)
                self.host.typed(self.part_path(part), fixed, self)


class PersonEditor(PartsEditor):
    layout = ((("surname", 20), ("name", 16), ("patronymic", 18), ("sex", 10)),)
    compact_layout = ((("surname", 20), ("name", 16)), (("patronymic", 20), ("sex", 10)))
    captions = t.PARTS_PERSON

    def make_part(self, parent: tk.Misc, part: str, width: int) -> tk.Widget:
        if part == "sex":
            options = [Option(v, label) for v, label in t.SEX_CHOICES]
            return ChoiceInput(parent, options, lambda v: self.host.chosen(self.part_path("sex"), v, self),
                               width=width)
        return super().make_part(parent, part, width)

    def on_leave(self) -> None:
        for part in ("surname", "name", "patronymic"):
            widget = self.parts[part]
            fixed = capitalise_name(widget.value.strip())
            if fixed != widget.value:
                widget.set_value(fixed)
                self.host.typed(self.part_path(part), fixed, self)


class AddressEditor(PartsEditor):
    layout = (
        (("region", 16), ("city", 20), ("street", 30)),
        (("house", 8), ("building", 12), ("flat", 9), ("postcode", 9)),
    )
    compact_layout = (
        (("region", 16), ("city", 22)),
        (("street", 40),),
        (("house", 6), ("building", 10), ("flat", 8), ("postcode", 8)),
    )
    captions = t.PARTS_ADDRESS
    masks_by_part: ClassVar[Mapping[str, masks.Mask]] = {"postcode": masks.POSTCODE}


class VehicleEditor(PartsEditor):
    layout = ((("vin", 20), ("plate", 12)), (("make", 16), ("model", 16), ("year", 6)))
    captions = t.PARTS_VEHICLE
    masks_by_part: ClassVar[Mapping[str, masks.Mask]] = {"year": masks.YEAR}
    normalisers: ClassVar[Mapping[str, Callable[[str], str]]] = {"vin": ids.normalize_vin, "plate": ids.normalize_plate}


class BankEditor(PartsEditor):
    layout = ((("bik", 12), ("account", 28)),)
    captions = t.PARTS_BANK
    masks_by_part: ClassVar[Mapping[str, masks.Mask]] = {"bik": masks.BIK, "account": masks.ACCOUNT}


class IdentityEditor(Editor):
    """Kind, series and number, issuer, date of issue, division code.

    A Russian passport's series and number are typed as one masked line `NNNN NNNNNN` (as they
    are printed and scanned); other documents have plain series and number fields.
    """

    def build(self) -> None:
        kinds = self.field.document_kinds or ("passport-rf",)
        self.kind_options = [Option(k, self.host.document_name(k)) for k in kinds]
        row1 = tb.Frame(self.frame)
        row1.grid(row=0, column=0, sticky="w")
        self.caption(row1, t.PARTS_IDENTITY["kind"], 0, 0)
        width = min(48, max(len(o.label) for o in self.kind_options) + 3)
        self.kind = ChoiceInput(row1, self.kind_options, self._kind_chosen, width=width, blank=False)
        self.kind.grid(row=1, column=0, sticky="w", padx=(0, 8))
        if len(kinds) == 1:
            self.kind.configure(state="disabled")
        self.caption(row1, t.PARTS_IDENTITY["series_number"], 0, 1)
        self.passport = MaskedEntry(row1, masks.PASSPORT, self._passport_typed, width=14)
        self.passport.grid(row=1, column=1, sticky="w", padx=(0, 8))
        self.series_caption = tb.Label(row1, text=t.PARTS_IDENTITY["series"], style="Small.TLabel")
        self.series = WatchedEntry(row1, lambda v: self.host.typed(self.part_path("series"), v, self), width=10)
        self.number_caption = tb.Label(row1, text=t.PARTS_IDENTITY["number"], style="Small.TLabel")
        self.number = WatchedEntry(row1, lambda v: self.host.typed(self.part_path("number"), v, self), width=12)
        row2 = tb.Frame(self.frame)
        row2.grid(row=1, column=0, sticky="w", pady=(4, 0))
        self.caption(row2, t.PARTS_IDENTITY["issuer"], 0, 0)
        self.issuer = WatchedEntry(row2, lambda v: self.host.typed(self.part_path("issuer"), v, self), width=60)
        self.issuer.grid(row=1, column=0, sticky="w")
        row3 = tb.Frame(self.frame)
        row3.grid(row=2, column=0, sticky="w", pady=(4, 0))
        self.caption(row3, t.PARTS_IDENTITY["issue_date"], 0, 0)
        self.issue_date = DateInput(
            row3, lambda v, _c: self.host.typed(self.part_path("issue_date"), v, self), self.host.today
        )
        self.issue_date.grid(row=1, column=0, sticky="w", padx=(0, 8))
        self.division_caption = tb.Label(row3, text=t.PARTS_IDENTITY["division_code"], style="Small.TLabel")
        self.division_caption.grid(row=0, column=1, sticky="w")
        self.division = MaskedEntry(row3, masks.DIVISION_CODE,
                                    lambda v: self.host.typed(self.part_path("division_code"), v, self), width=9)
        self.division.grid(row=1, column=1, sticky="w")
        self.inputs = [self.kind, self.passport, self.series, self.number, self.issuer, self.issue_date.entry,
                       self.division]
        self.kind.set_value(kinds[0])
        self._show_kind(kinds[0])

    @property
    def is_passport(self) -> bool:
        return self.kind.value in (None, "passport-rf")

    def _show_kind(self, kind: str | None) -> None:
        passport = kind in (None, "passport-rf")
        if passport:
            self.series_caption.grid_remove()
            self.series.grid_remove()
            self.number_caption.grid_remove()
            self.number.grid_remove()
            self.passport.grid()
            self.division_caption.grid()
            self.division.grid()
        else:
            self.passport.grid_remove()
            self.series_caption.grid(row=0, column=1, sticky="w")
            self.series.grid(row=1, column=1, sticky="w", padx=(0, 8))
            self.number_caption.grid(row=0, column=2, sticky="w")
            self.number.grid(row=1, column=2, sticky="w", padx=(0, 8))
            self.division_caption.grid_remove()
            self.division.grid_remove()

    def _kind_chosen(self, kind: str | None) -> None:
        self._show_kind(kind)
        self.host.chosen(self.part_path("kind"), kind, self)

    def _passport_typed(self, _text: str) -> None:
        chars = self.passport.chars
        self.host.typed(self.part_path("series"), chars[:4], self)
        self.host.typed(self.part_path("number"), chars[4:], self, complete=self.passport.complete)

    def part_widgets(self) -> Mapping[str, Sequence[tk.Widget]]:
        return {
            "kind": [self.kind], "series": [self.passport, self.series], "number": [self.passport, self.number],
            "issuer": [self.issuer], "issue_date": [self.issue_date.entry], "division_code": [self.division],
        }

    def load(self, value: Any) -> None:
        value = value if isinstance(value, Mapping) else {}
        kind = value.get("kind") or self.kind_options[0].value
        self.kind.set_value(kind)
        self._show_kind(kind)
        series, number = value.get("series") or "", value.get("number") or ""
        self.passport.set_value(f"{series}{number}" if kind == "passport-rf" else "")
        self.series.set_value(series)
        self.number.set_value(number)
        self.issuer.set_value(value.get("issuer"))
        self.issue_date.set_value(value.get("issue_date"))
        self.division.set_value(value.get("division_code"))


EDITORS: dict[FieldKind, type[Editor]] = {
    FieldKind.TEXT: TextEditor,
    FieldKind.TEXTAREA: TextAreaEditor,
    FieldKind.INTEGER: NumberEditor,
    FieldKind.DECIMAL: NumberEditor,
    FieldKind.MONEY: NumberEditor,
    FieldKind.DATE: DateEditor,
    FieldKind.BOOLEAN: BooleanEditor,
    FieldKind.CHOICE: ChoiceEditor,
    FieldKind.MULTICHOICE: MultiChoiceEditor,
    FieldKind.PERSON: PersonEditor,
    FieldKind.ADDRESS: AddressEditor,
    FieldKind.PHONE: TextEditor,
    FieldKind.EMAIL: TextEditor,
    FieldKind.IDENTITY_DOCUMENT: IdentityEditor,
    FieldKind.SNILS: TextEditor,
    FieldKind.INN: TextEditor,
    FieldKind.OGRN: TextEditor,
    FieldKind.OGRNIP: TextEditor,
    FieldKind.OMS: TextEditor,
    FieldKind.BIRTH_CERTIFICATE: TextEditor,
    FieldKind.CADASTRAL: TextEditor,
    FieldKind.DRIVING_LICENCE: TextEditor,
    FieldKind.VEHICLE: VehicleEditor,
    FieldKind.BANK_ACCOUNT: BankEditor,
}
