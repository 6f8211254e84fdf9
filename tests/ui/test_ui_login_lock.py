"""Log-in with the demo account, the lock screen (Ctrl+L and idle time), Esc and F-keys there."""

from __future__ import annotations

from uikit import Harness

from workstation.ui import texts as t


def test_demo_account_is_shown_and_logs_in_with_keys(app: Harness) -> None:
    screen = app.shell.current
    assert screen.name == "login"
    assert "demo" in screen.demo.cget("text") and "demo2026" in screen.demo.cget("text")
    assert app.focused() is screen.login_entry  # focus lands in the first field
    app.login()
    assert app.shell.current.name == "home"
    assert app.shell.header.winfo_ismapped()


def test_wrong_password_is_refused_in_plain_russian(app: Harness) -> None:
    screen = app.shell.current
    app.focus(screen.login_entry)
    app.type("demo")
    app.key("Return")
    app.type("wrong")
    app.key("Return")
    app.settle()
    assert app.shell.staff is None
    assert screen.message.cget("text") == t.LOGIN_FAILED
    assert app.focused() is screen.password_entry and screen.password_entry.get() == ""


def test_ctrl_l_locks_and_the_password_unlocks_keeping_the_screen(logged_in: Harness) -> None:
    app = logged_in
    app.press("F5")
    picker = app.shell.current
    app.focus(picker.search)
    app.type("pasport")
    app.press("Control-l")
    assert app.shell.locked
    lock = app.shell._lock_screen
    app.wait_until(lambda: app.focused() is lock.password_entry, what="focus in the lock screen")
    assert not picker.winfo_ismapped() and not app.shell.header.winfo_ismapped()
    app.press("F5")  # F-keys do nothing while locked
    app.press("Escape")  # nor does Esc
    assert app.shell.locked
    app.type("nope")
    app.key("Return")
    app.settle()
    assert app.shell.locked and lock.message.cget("text") == t.LOCK_FAILED
    app.type("demo2026")
    app.key("Return")
    app.settle()
    assert not app.shell.locked
    assert app.shell.current is picker and picker.winfo_ismapped()
    assert picker.search.get() == "pasport"
    app.wait_until(lambda: app.focused() is picker.search, what="focus back where it was")


def test_idle_time_locks_the_screen(logged_in: Harness) -> None:
    app = logged_in
    app.shell.settings.lock_minutes = 5
    app.clock.advance(4 * 60)
    app.shell.check_idle()
    assert not app.shell.locked
    app.key("Shift_L")  # any key counts as activity
    app.clock.advance(4 * 60)
    app.shell.check_idle()
    assert not app.shell.locked
    app.clock.advance(61)
    app.shell.check_idle()
    assert app.shell.locked


def test_no_idle_lock_when_switched_off(logged_in: Harness) -> None:
    app = logged_in
    app.shell.settings.lock_minutes = 0
    app.clock.advance(10 * 3600)
    app.shell.check_idle()
    assert not app.shell.locked


def test_other_user_from_the_lock_screen_logs_out(logged_in: Harness) -> None:
    app = logged_in
    app.press("F5")
    app.press("F5")  # a new applicant
    app.type("паспорт")
    app.key("Return")
    form = app.shell.current
    app.type("Соколова")
    app.shell.lock()
    app.pump()
    app.shell._lock_screen.other_user.invoke()
    app.settle()
    assert not form.winfo_exists()  # the form with personal data is gone …
    drafts = app.shell.backends.cases.open_drafts("demo")
    assert len(drafts) == 1 and drafts[0].applicant.startswith("Соколова")  # … its draft is not
    assert app.shell.staff is None and not app.shell.locked
    assert app.shell.current.name == "login"


def test_global_f_keys_and_escape(logged_in: Harness) -> None:
    app = logged_in
    app.press("F5")
    assert app.shell.current.name == "applicant"
    app.wait_until(lambda: app.focused() is app.shell.current.search, what="focus in search")
    app.press("F12")
    assert app.shell.current.name == "settings"
    app.press("Escape")
    assert app.shell.current.name == "home"
    app.press("Control-f")
    assert app.shell.current.name == "picker"
    app.press("Escape")
    assert app.shell.current.name == "home"
    app.press("Control-p")
    assert app.shell.notice.visible and app.shell.notice.text.get() == t.NOTHING_TO_PRINT


def test_lock_closes_an_open_calendar(logged_in: Harness) -> None:
    app = logged_in
    app.press("F5")
    app.press("F5")  # a new applicant
    app.type("паспорт")
    app.key("Return")
    date_input = app.shell.current.view.rows["birth_date"].editor.date
    app.focus(date_input.entry)
    app.key("F4")
    assert date_input.popup is not None
    app.shell.settings.lock_minutes = 1
    app.clock.advance(61)  # the specialist walked away with the calendar open
    app.shell.check_idle()
    app.pump()
    assert app.shell.locked and date_input.popup is None
