"""The login card's layout, shared by the login screen and the card drawn before ttkbootstrap loads.

`kit` is the widget module: `tkinter.ttk` for the early card (`early_login.py`), `ttkbootstrap`
for the login screen. Only `style=` names are used, so both draw the same card from the same
grid; the early theme defines those names with the colours ttkbootstrap gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from workstation.ui import texts as t

CARD_STYLE = "Bordered.TFrame"
BUTTON_STYLE = "primary.TButton"
PLACE = {"relx": 0.5, "rely": 0.42, "anchor": "center"}  # the card within the screen


@dataclass(slots=True)
class LoginCard:
    card: Any
    login_entry: Any
    password_entry: Any
    button: Any
    message: Any


def bind_enter(card: LoginCard, submit: Callable[[], None]) -> None:
    """Enter in the login field goes on to the password (or submits, both being filled); Enter in
    the password field submits."""

    def in_login(_event: object) -> str:
        if card.login_entry.get().strip() and card.password_entry.get():
            submit()
        else:
            card.password_entry.focus_set()
        return "break"

    def in_password(_event: object) -> str:
        submit()
        return "break"

    for key in ("<Return>", "<KP_Enter>"):
        card.login_entry.bind(key, in_login)
        card.password_entry.bind(key, in_password)


def build_login_card(parent: Any, kit: ModuleType, *, command: Any = None) -> LoginCard:
    """Title, login, password, the button, the message line and the offline note (row 6 is left
    for the demo account's box, which the login screen adds once the store has answered)."""
    card = kit.Frame(parent, padding=28, style=CARD_STYLE)
    card.place(**PLACE)
    kit.Label(card, text=t.LOGIN_TITLE, style="Title.TLabel").grid(row=0, column=0, columnspan=2, sticky="w")
    kit.Label(card, text=t.LOGIN_SUBTITLE, style="Muted.TLabel").grid(
        row=1, column=0, columnspan=2, sticky="w", pady=(0, 18)
    )
    kit.Label(card, text=t.LOGIN_LOGIN).grid(row=2, column=0, sticky="w", padx=(0, 12), pady=4)
    login_entry = kit.Entry(card, width=28)
    login_entry.grid(row=2, column=1, sticky="ew", pady=4)
    kit.Label(card, text=t.LOGIN_PASSWORD).grid(row=3, column=0, sticky="w", padx=(0, 12), pady=4)
    password_entry = kit.Entry(card, width=28, show="•")
    password_entry.grid(row=3, column=1, sticky="ew", pady=4)
    button = kit.Button(card, text=t.LOGIN_BUTTON, style=BUTTON_STYLE, **({"command": command} if command else {}))
    button.grid(row=4, column=1, sticky="ew", pady=(12, 4))
    message = kit.Label(card, style="Error.TLabel", wraplength=380, justify="left")
    message.grid(row=5, column=0, columnspan=2, sticky="w")
    kit.Label(card, text=t.LOGIN_OFFLINE_NOTE, style="Small.TLabel").grid(
        row=7, column=0, columnspan=2, sticky="w", pady=(10, 0)
    )
    return LoginCard(card, login_entry, password_entry, button, message)
