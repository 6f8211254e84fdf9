"""The form renderer: sections, field rows, repeat groups, bound to a `FormController`.

Widgets are built once, in form order (so Tab follows the form); sections and fields that a
condition hides are only taken off the grid, keeping their place and what was typed. After
every change the view asks the controller what is visible and what to say, and updates only
what differs: while typing, at most once per `DEBOUNCE_MS`; at once when a field is left or a
choice is made.
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable, Iterable
from datetime import date
from tkinter import ttk
from typing import Any

import ttkbootstrap as tb

from forms.engine import Issue
from forms.model import Field, FieldKind, Section, Severity
from workstation.ui import texts as t
from workstation.ui.form.controller import Change, FormController, top_field
from workstation.ui.form.editors import EDITORS, ChoiceEditor, Editor
from workstation.ui.form.extras import DocumentsBlock, NotificationBlock, PrivilegesBlock
from workstation.ui.widgets.scrollframe import ScrollFrame

DEBOUNCE_MS = 150
LABEL_WRAP = 230
COMPACT_FROM_POINTS = 12


class FieldRow:
    """A field on the grid: its label (and hint) on the left, editor and message on the right."""

    def __init__(self, parent: tk.Misc, row: int, field: Field, editor: Editor, wrap: int) -> None:
        self.field = field
        self.editor = editor
        self.parent = parent
        self.row = row
        required = " *" if field.required is True else ""
        self.label = ttk.Label(parent, text=field.label + required, wraplength=wrap, justify="left")
        self.label.grid(row=row, column=0, sticky="nw", padx=(0, 12), pady=(6, 0))
        editor.frame.grid(row=row, column=1, sticky="w", pady=(4, 0))
        self.hint: ttk.Label | None = None
        if field.hint:
            self.hint = ttk.Label(parent, text=field.hint, style="Small.TLabel", wraplength=wrap, justify="left")
            self.hint.grid(row=row + 1, column=0, sticky="nw", padx=(0, 12))
        self.message: ttk.Label | None = None  # made the first time there is something to say
        self.visible = True
        self.shown: tuple[str, str] = ("", "")

    def show(self, visible: bool) -> None:
        if visible == self.visible:
            return
        self.visible = visible
        widgets: list[tk.Widget] = [self.label, self.editor.frame]
        if self.hint is not None:
            widgets.append(self.hint)
        for widget in widgets:
            if visible:
                widget.grid()
            else:
                widget.grid_remove()
        if self.message is not None:
            if visible and self.shown[0]:
                self.message.grid()
            else:
                self.message.grid_remove()

    def set_issues(self, issues: list[Issue]) -> None:
        text = "; ".join(dict.fromkeys(i.message for i in issues))
        errors = any(i.severity is Severity.ERROR for i in issues)
        style = "Error.TLabel" if errors else "Warning.TLabel"
        if (text, style) == self.shown or (not text and not self.shown[0]):
            return
        self.shown = (text, style)
        if self.message is None:
            self.message = ttk.Label(self.parent, wraplength=640, justify="left")
            self.message.grid(row=self.row + 1, column=1, sticky="nw")
        self.message.configure(text=text, style=style)
        if text and self.visible:
            self.message.grid()
        else:
            self.message.grid_remove()
        self.editor.mark_errors([i.path for i in issues if i.severity is Severity.ERROR])


class GroupBlock:
    """A repeat group: one framed block per row with its members, «Добавить», «Удалить»."""

    def __init__(self, view: FormView, parent: tk.Misc, row: int, field: Field) -> None:
        self.view = view
        self.field = field
        # The rows take the section's whole width (a person's parts do not fit beside a label).
        self.label = ttk.Label(parent, text=field.label, style="Bold.TLabel")
        self.label.grid(row=row, column=0, columnspan=2, sticky="nw", pady=(8, 2))
        self.frame = ttk.Frame(parent)
        self.frame.grid(row=row + 1, column=0, columnspan=2, sticky="ew", padx=(16, 0))
        self.rows_frame = ttk.Frame(self.frame)
        self.rows_frame.pack(fill="x")
        self.empty = ttk.Label(self.frame, text=t.FORM_NO_ITEMS, style="Muted.TLabel")
        item = field.item_label or field.label
        self.add_button = tb.Button(self.frame, text="+ " + t.ACT_ADD_ROW.format(item=item),
                                    command=self.add, bootstyle="secondary-outline")
        self.add_button.pack(anchor="w", pady=(4, 0))
        self.message = ttk.Label(self.frame, style="Error.TLabel", wraplength=640, justify="left")
        self.row_frames: list[tb.Labelframe] = []
        self.remove_buttons: list[tb.Button] = []
        self.member_paths: list[str] = []
        self.visible = True
        self.shown = ""

    def rebuild(self) -> None:
        view = self.view
        for path in self.member_paths:
            view.rows.pop(path, None)
        self.member_paths = []
        for frame in self.row_frames:
            frame.destroy()
        self.row_frames = []
        self.remove_buttons = []
        items = view.controller.items(self.field.id)
        item_label = self.field.item_label or self.field.label
        for n, item in enumerate(items):
            box = tb.Labelframe(self.rows_frame, text=t.FORM_ITEM.format(item=item_label, n=n + 1), padding=(10, 4))
            box.pack(fill="x", pady=(0, 6))
            box.columnconfigure(0, minsize=view.wrap - 8)
            box.columnconfigure(1, weight=1)
            for k, member in enumerate(self.field.fields):
                path = f"{self.field.id}[{n}].{member.id}"
                editor = view.make_editor(box, member, path)
                view.rows[path] = FieldRow(box, 2 * k, member, editor, view.wrap - 20)
                editor.load(item.get(member.id) if isinstance(item, dict) else None)
                self.member_paths.append(path)
            remove = tb.Button(box, text=f"✕ {t.ACT_REMOVE_ROW}", bootstyle="danger-link",
                               command=lambda k=n: self.remove(k))
            remove.grid(row=2 * len(self.field.fields), column=1, sticky="e")
            self.row_frames.append(box)
            self.remove_buttons.append(remove)
        if items:
            self.empty.pack_forget()
        else:
            self.empty.pack(anchor="w", before=self.add_button)
        self.add_button.configure(state="normal" if view.controller.can_add(self.field.id) else "disabled")
        view.scroll.watch(self.rows_frame)
        view.watch_focus(self.rows_frame)

    def add(self) -> None:
        n = self.view.controller.add_item(self.field.id)
        if n >= 0:
            first = f"{self.field.id}[{n}].{self.field.fields[0].id}"
            self.view.after_idle(lambda: self.view.focus_editor(first))

    def remove(self, n: int) -> None:
        self.view.controller.remove_item(self.field.id, n)
        self.view.after_idle(self.add_button.focus_set)

    def show(self, visible: bool) -> None:
        if visible == self.visible:
            return
        self.visible = visible
        for widget in (self.label, self.frame):
            if visible:
                widget.grid()
            else:
                widget.grid_remove()

    def set_issues(self, issues: list[Issue]) -> None:
        text = "; ".join(dict.fromkeys(i.message for i in issues))
        if text == self.shown:
            return
        self.shown = text
        self.message.configure(text=text)
        if text:
            self.message.pack(anchor="w", after=self.add_button)
        else:
            self.message.pack_forget()


class FormView(tb.Frame):
    def __init__(
        self,
        master: tk.Misc,
        controller: FormController,
        *,
        today: date,
        skip_fields: Iterable[str] = (),
        extras: bool = True,
        on_refresh: Callable[[], None] | None = None,
        header: str = "",
    ) -> None:
        super().__init__(master)
        self.controller = controller
        self.today = today
        self.on_refresh = on_refresh
        self.skip = set(skip_fields)
        self.rows: dict[str, FieldRow] = {}
        self.sections: dict[str, tb.Labelframe] = {}
        self.section_visible: dict[str, bool] = {}
        self.groups: dict[str, GroupBlock] = {}
        self.choice_editors: list[ChoiceEditor] = []
        self._pending: str | None = None
        self.wrap = LABEL_WRAP
        # Large fonts: compound fields lay their parts out in more, shorter rows.
        self.compact = tkfont.nametofont("TkDefaultFont").cget("size") >= COMPACT_FROM_POINTS
        self.scroll = ScrollFrame(self)
        self.scroll.pack(fill="both", expand=True)
        body = self.scroll.body
        body.columnconfigure(0, weight=1)
        if header:
            tb.Label(body, text=header, style="Muted.TLabel", wraplength=700, justify="left").grid(
                row=0, column=0, sticky="w", padx=4, pady=(0, 6))
        position = 1
        for section in controller.service.sections:
            fields = [f for f in section.fields if f.id not in self.skip]
            if not fields:
                continue
            self._build_section(body, position, section, fields)
            position += 1
        self.documents: DocumentsBlock | None = None
        self.privileges: PrivilegesBlock | None = None
        self.notification: NotificationBlock | None = None
        if extras:
            self.documents = DocumentsBlock(body, controller)
            self.documents.frame.grid(row=position, column=0, sticky="ew", padx=4, pady=(0, 10))
            position += 1
            if controller.service.exemptions:
                self.privileges = PrivilegesBlock(body, controller)
                self.privileges.frame.grid(row=position, column=0, sticky="ew", padx=4, pady=(0, 10))
                position += 1
            self.notification = NotificationBlock(body, controller)
            self.notification.frame.grid(row=position, column=0, sticky="ew", padx=4, pady=(0, 10))
            position += 1
        tb.Label(body, text=t.FORM_REQUIRED_NOTE, style="Small.TLabel").grid(row=position, column=0, sticky="w",
                                                                            padx=4, pady=(0, 12))
        for group in self.groups.values():
            group.rebuild()
        self.load_values()
        self.scroll.watch(body)
        self.watch_focus(body)
        self._remove_listener = controller.add_listener(self._on_change)
        self.refresh_now()

    # --- building ----------------------------------------------------------------------------
    def _build_section(self, body: tk.Misc, position: int, section: Section, fields: list[Field]) -> None:
        frame = tb.Labelframe(body, text=section.title, padding=(12, 6))
        frame.grid(row=position, column=0, sticky="ew", padx=4, pady=(0, 10))
        frame.columnconfigure(0, minsize=self.wrap + 12)  # the same label column in every section
        frame.columnconfigure(1, weight=1)
        self.sections[section.id] = frame
        self.section_visible[section.id] = True
        for k, f in enumerate(fields):
            if f.kind is FieldKind.GROUP:
                self.groups[f.id] = GroupBlock(self, frame, 2 * k, f)
                continue
            editor = self.make_editor(frame, f, f.id)
            self.rows[f.id] = FieldRow(frame, 2 * k, f, editor, self.wrap)

    def make_editor(self, parent: tk.Misc, f: Field, path: str) -> Editor:
        editor = EDITORS[f.kind](self, parent, f, path)
        if isinstance(editor, ChoiceEditor) and f.depends_on:
            self.choice_editors = [e for e in self.choice_editors if e.frame.winfo_exists()]
            self.choice_editors.append(editor)
        return editor

    def watch_focus(self, widget: tk.Misc) -> None:
        """Remember the field the specialist is in, so a reopened draft puts the cursor back."""
        for path, row in list(self.rows.items()):
            for w in row.editor.inputs:
                if not getattr(w, "_mfc_focus_watch", False):
                    w.bind("<FocusIn>", lambda _e, p=path: setattr(self.controller, "focus_path", p), add="+")
                    w._mfc_focus_watch = True  # type: ignore[attr-defined]

    def load_values(self, only: Iterable[str] | None = None) -> None:
        """Show the controller's answers in the editors (all, or the fields named)."""
        wanted = None if only is None else set(only)
        for path, row in self.rows.items():
            if wanted is not None and top_field(path) not in wanted:
                continue
            row.editor.load(self.controller.get(path))

    # --- the host interface for editors --------------------------------------------------------
    def typed(self, path: str, value: Any, source: object, *, complete: bool = False) -> None:
        self.controller.set(path, value, source=source)
        if complete:
            self.controller.touch(getattr(source, "path", path))

    def chosen(self, path: str, value: Any, source: object) -> None:
        self.controller.set(path, value, source=source)
        self.refresh_now()

    def left(self, path: str) -> None:
        self.controller.touch(path)
        self.refresh_now()

    def document_name(self, doc_id: str) -> str:
        kind = self.controller.catalog.documents.get(doc_id)
        return kind.name if kind else doc_id

    def value(self, path: str) -> Any:
        return self.controller.get(path) if path else None

    # --- reacting to changes -------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if not self.winfo_exists():
            return
        if change.structural:
            paths = [p for p in change.paths if p]
            if not paths:  # everything replaced
                for group in self.groups.values():
                    group.rebuild()
                self.load_values()
                self.refresh_now()
                return
            for path in paths:
                group = self.groups.get(top_field(path))
                if group is not None:
                    group.rebuild()
            self.refresh_now()
            return
        if change.source is None and change.paths and change.paths[0]:
            # Set by the program (a shared life-situation field, say): show the new value.
            fields = {top_field(p) for p in change.paths if not p.startswith(("documents", "privileges",
                                                                             "notification"))}
            if fields:
                self.load_values(fields)
        self.schedule_refresh()

    def schedule_refresh(self) -> None:
        if self._pending is None:
            self._pending = self.after(DEBOUNCE_MS, self.refresh_now)

    def refresh_now(self) -> None:
        if self._pending is not None:
            self.after_cancel(self._pending)
            self._pending = None
        if not self.winfo_exists():
            return
        c = self.controller
        result = c.result
        for section_id, frame in self.sections.items():
            visible = section_id in result.visible_sections
            if visible != self.section_visible[section_id]:
                self.section_visible[section_id] = visible
                if visible:
                    frame.grid()
                else:
                    frame.grid_remove()
        for editor in self.choice_editors:
            if editor.frame.winfo_exists():
                editor.refresh_options()
        for path, row in self.rows.items():
            visible = c.is_visible(path)
            row.show(visible)
            row.set_issues(c.shown_issues(path) if visible else [])
        for group_id, group in self.groups.items():
            visible = group_id in result.visible_fields
            group.show(visible)
            issues = [i for i in c.shown_issues(group_id) if i.path == group_id] if visible else []
            group.set_issues(issues)
        if self.documents is not None:
            self.documents.refresh()
        if self.privileges is not None:
            self.privileges.refresh()
        if self.notification is not None:
            self.notification.refresh()
        if self.on_refresh is not None:
            self.on_refresh()

    # --- moving around -------------------------------------------------------------------------
    def first_input(self) -> tk.Misc | None:
        for path, row in self.rows.items():
            if row.visible and "[" not in path:
                return row.editor.inputs[0] if row.editor.inputs else None
        return None

    def focus_editor(self, path: str) -> bool:
        """Put the cursor into the field at `path` (an editor path or a documents row)."""
        if path.startswith("documents"):
            return self.documents.focus(path.partition(".")[2]) if self.documents else False
        row = self.rows.get(path)
        if row is None:
            group = self.groups.get(path)
            if group is not None:
                group.add_button.focus_set()
                self.scroll.see(group.add_button)
                return True
            return False
        if not row.visible:
            return False
        row.editor.focus()
        self.after_idle(lambda: self.scroll.see(row.editor.frame))
        return True

    def destroy(self) -> None:
        if getattr(self, "_remove_listener", None) is not None:
            self._remove_listener()
        super().destroy()
