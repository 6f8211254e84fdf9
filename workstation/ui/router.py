"""The screen base class: each screen is its own Frame with its own key actions.

The shell shows one screen at a time in its content area. A screen says which keys it answers
(`actions`), which widget gets the focus when it appears (`first_focus`), what Esc means
(`cancel`) and what must happen before it is left (`on_hide`: flush the autosave, say).
Transient screens (a form, a life situation) are destroyed when left; the others are kept
and refreshed in `on_show`.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ttkbootstrap as tb

from workstation.ui.keys import Action

if TYPE_CHECKING:
    from workstation.ui.shell import Shell


class Screen(tb.Frame):
    name = "screen"
    transient = False
    needs_staff = True  # hidden behind the lock screen; forgotten on log-out

    def __init__(self, shell: Shell, **kwargs: object) -> None:
        super().__init__(shell.content, padding=(16, 10), **kwargs)
        self.shell = shell

    # --- what the shell asks ---------------------------------------------------------------
    def actions(self) -> Sequence[Action]:
        return ()

    def first_focus(self) -> tk.Misc | None:
        return None

    def cancel(self) -> bool:
        """Esc: True if handled here (the shell otherwise goes back home)."""
        return False

    def on_show(self) -> None:
        """Appearing: refresh what may have changed while hidden."""

    def on_hide(self) -> None:
        """Disappearing: save what must not be lost."""

    # --- helpers ---------------------------------------------------------------------------
    def build_header(self, title: str, subtitle: str = "", actions: Sequence[Action] = ()) -> tb.Frame:
        """A title line with the screen's action buttons on the right (keys shown on them).

        The buttons keep their full width; a long title wraps instead.
        """
        head = tb.Frame(self)
        head.pack(fill="x", pady=(0, 8))
        head.columnconfigure(0, weight=1)
        self.title_label = tb.Label(head, text=title, style="Title.TLabel", wraplength=1200, justify="left")
        self.subtitle_label = tb.Label(head, text=subtitle, style="Muted.TLabel", wraplength=600, justify="left")
        if subtitle:  # title on its own line; the subtitle shares the next one with the buttons
            self.title_label.grid(row=0, column=0, columnspan=2, sticky="ew")
            self.subtitle_label.grid(row=1, column=0, sticky="nw", pady=(2, 0))
        else:
            self.title_label.grid(row=0, column=0, sticky="ew")
        buttons = tb.Frame(head)
        buttons.grid(row=1 if subtitle else 0, column=1, sticky="ne", padx=(12, 0))

        def wrap(event: tk.Event) -> None:
            room = event.width - 8 if subtitle else event.width - buttons.winfo_reqwidth() - 24
            self.title_label.configure(wraplength=max(300, room))
            self.subtitle_label.configure(wraplength=max(200, event.width - buttons.winfo_reqwidth() - 24))

        head.bind("<Configure>", wrap, add="+")
        self.action_buttons: dict[str, tb.Button] = {}
        for action in actions:
            if action.key == "F9":
                style = "success"
            elif action.key == "F2" and action is actions[0]:
                style = "primary"
            else:
                style = "secondary-outline"
            button = tb.Button(buttons, text=action.caption, command=action.run, takefocus=False, bootstyle=style)
            button.pack(side="left", padx=(6, 0))
            self.action_buttons[action.key] = button
        return head
