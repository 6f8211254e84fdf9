"""A life situation (shared applicant block typed once), Settings, themes and fonts, the status bar,
errors in Tk callbacks, and the layout at 1366×768."""

from __future__ import annotations

import threading
import tkinter.font as tkfont
from datetime import datetime

from uikit import Harness

from workstation.ui import texts as t
from workstation.ui.fonts import FONT_SIZES
from workstation.ui.ports import SyncState
from workstation.ui.theme import CONTRAST, LIGHT


def open_situation(app: Harness) -> object:
    app.press("F6")  # the applicant step, then F5: a new applicant, on to the life situations
    app.press("F5")
    picker = app.shell.current
    app.wait_until(lambda: app.focused() is picker.situations, what="focus on the situations")
    assert picker.situations.selection() == ("ui-lost",)
    app.key("Return")
    screen = app.shell.current
    assert screen.name == "situation"
    return screen


def test_shared_block_is_typed_once_for_every_service(logged_in: Harness) -> None:
    app = logged_in
    screen = open_situation(app)
    assert [tab.service.id for tab in screen.tabs] == ["passport-rf", "inn-certificate", "ui-test-cascade"]
    assert {"applicant", "phone", "birth_date"} <= set(screen.shared_ids)
    surname = screen.shared_view.rows["applicant"].editor.parts["surname"]
    app.wait_until(lambda: app.focused() is surname, what="focus in the shared block")
    app.type("Соколова")
    phone = screen.shared_view.rows["phone"].editor.entry
    app.focus(phone)
    app.type("9161234567")
    app.settle()
    for tab in screen.tabs:
        assert tab.controller.get("applicant.surname") == "Соколова"
        assert tab.controller.get("phone") == "+7 (916) 123-45-67"
    app.press("Control-Next")  # the next application; its form is built when first shown
    assert screen.index == 1
    tab = screen.tabs[0]
    assert tab.view is not None and tab.frame.winfo_ismapped()
    assert "applicant" not in tab.view.rows and "phone" not in tab.view.rows  # typed once, not again
    assert "reason" in tab.view.rows
    app.wait_until(lambda: app.focused() is tab.view.first_input(), what="focus in the service form")
    assert screen.tabs[2].view is None
    app.press("Control-Prior")
    assert screen.index == 0 and screen.shared_view.winfo_ismapped()


def test_bundle_is_accepted_together(logged_in: Harness) -> None:
    from forms.engine import example_answers

    app = logged_in
    screen = open_situation(app)
    app.press("F9")
    assert app.shell.current is screen and "исправьте ошибки" in app.shell.notice.text.get()
    shared = screen.shared_controller
    shared_values: dict[str, object] = {}
    for tab in screen.tabs:  # the applicant block from the services' examples, first one wins
        for key, value in example_answers(tab.service).items():
            if key in screen.shared_ids:
                shared_values.setdefault(key, value)
    shared.load(shared_values)
    for tab in screen.tabs:
        example = {k: v for k, v in example_answers(tab.service).items() if k not in screen.shared_ids}
        tab.controller.load({**{k: shared.get(k) for k in screen.shared_ids if k in
                                {f.id for f in tab.service.fields}}, **example})
        tab.controller.present_all()
    app.press("F9")
    app.settle()
    if app.shell.current is screen:  # the catalog's own examples may not agree on shared fields
        problems = [i.text for tab in screen.tabs for i in tab.controller.result.errors]
        raise AssertionError(problems)
    assert app.shell.current.name == "home"
    assert len(app.shell.current.today.rows) == 3


def test_settings_change_theme_font_and_office(logged_in: Harness) -> None:
    from workstation.ui.ports import StaffInfo

    app = logged_in
    app.shell.login(StaffInfo("admin", "Администраторов Админ", "administrator", "Администратор"))
    app.press("F12")
    screen = app.shell.current
    app.wait_until(lambda: app.focused() is screen.office, what="focus in the first field")
    screen.theme.set("contrast")
    screen.font.set("large")
    screen.window_entry.delete(0, "end")
    screen.window_entry.insert(0, "012")
    screen.office.current(screen.office_ids.index("0201"))
    app.press("F2")
    assert app.shell.current.name == "home"
    assert app.shell.style.theme_use() == CONTRAST
    assert tkfont.nametofont("TkDefaultFont").cget("size") == FONT_SIZES["large"]
    saved = app.shell.settings_file.load()[0]
    assert (saved.theme, saved.font, saved.window, saved.office) == ("contrast", "large", "012", "0201")
    assert "Флагманский офис ЦАО" in app.shell.status.office.cget("text")
    assert "рабочее место 012" in app.shell.status.office.cget("text")
    app.shell.login(StaffInfo("demo", "Демонстрационный Специалист", "specialist"))  # the admin takes no intake
    app.settle()
    app.press("Control-f")  # the office type changed: a flagship offers the vehicle registration
    picker = app.shell.current
    assert t.PICKER_NOT_HERE not in picker.results.set("vehicle-registration", "marks")
    app.press("F12")
    screen.theme.set("light")
    screen.font.set("normal")
    app.press("F2")
    assert app.shell.style.theme_use() == LIGHT


def test_settings_refuse_bad_input(logged_in: Harness) -> None:
    app = logged_in
    app.press("F12")
    screen = app.shell.current
    screen.lock.set("много")
    app.press("F2")
    assert app.shell.current is screen
    assert screen.message.cget("text") == t.SETTINGS_BAD_LOCK


def test_status_bar_follows_sync_from_another_thread(app: Harness) -> None:
    status = app.shell.status
    assert t.STATUS_OFFLINE in status.connection.cget("text")
    sync = app.shell.backends.sync
    state = SyncState(online=True, pending=4, last_sync=datetime(2026, 11, 20, 10, 15), progress=0.5,
                      notice="Заявление 0101-000001: результат готов")
    thread = threading.Thread(target=sync.listeners.tell, args=(state,))
    thread.start()
    thread.join()
    app.settle()
    assert t.STATUS_ONLINE in status.connection.cget("text")
    assert status.pending.cget("text") == "Не отправлено: 4"
    assert "10:15" in status.last_sync.cget("text")
    assert status.progress.winfo_ismapped()
    assert status.message.cget("text") == "Заявление 0101-000001: результат готов"


def test_status_bar_gives_way_and_comes_back_in_its_order(app: Harness) -> None:
    """A narrow window drops the catalog version and the last sync; widened again, they come back
    where they were: the catalog left of the office, the last sync after the pending count."""
    status = app.shell.status
    app.settle()
    order = [status.connection, status.pending, status.last_sync, status.catalog, status.office]
    assert all(widget.winfo_ismapped() for widget in order)
    assert [w.winfo_x() for w in order] == sorted(w.winfo_x() for w in order)
    app.window.geometry("300x768")
    app.settle()
    assert not status.catalog.winfo_ismapped() and not status.last_sync.winfo_ismapped()
    app.window.geometry("1366x768")
    app.settle()
    assert all(widget.winfo_ismapped() for widget in order)
    assert [w.winfo_x() for w in order] == sorted(w.winfo_x() for w in order)


def test_an_error_in_a_tk_callback_is_shown_with_a_reference(app: Harness) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    app.window.after(0, broken)
    app.pump(0.05)
    reports = app.unexpected()
    assert len(reports) == 1
    assert app.shell.notice.visible and reports[0].reference == app.shell.notice.reference.get()
    app.shell.reporter.reports.clear()  # expected here


def test_layout_fits_1366_by_768_in_both_font_sizes(logged_in: Harness) -> None:
    app = logged_in
    for font in ("normal", "large"):
        app.shell.apply_settings(type(app.shell.settings)(**{**app.shell.settings.to_dict(), "font": font}))
        app.press("F5")
        app.press("F5")  # a new applicant
        app.type("паспорт")
        app.key("Return")
        app.settle()
        form = app.shell.current
        width = app.window.winfo_width()
        for button in [*app.shell.header_buttons.values(), *form.action_buttons.values()]:
            right = button.winfo_rootx() - app.window.winfo_rootx() + button.winfo_width()
            assert right <= width, f"{button.cget('text')} is cut off at {font} size"
        assert form.summary.winfo_ismapped() and form.summary.winfo_width() >= 300
        assert app.shell.status.winfo_ismapped()
        status_bottom = app.shell.status.winfo_rooty() - app.window.winfo_rooty() + app.shell.status.winfo_height()
        assert status_bottom <= app.window.winfo_height()
    app.shell.apply_settings(type(app.shell.settings)(**{**app.shell.settings.to_dict(), "font": "normal"}))


def test_our_styles_survive_ttkbootstrap_building_new_widget_kinds(logged_in: Harness) -> None:
    """A ttkbootstrap widget given `style=` that ttkbootstrap has not registered falls back to its
    default style. (Seen in the screenshots after our styles were configured through plain
    `ttk.Style`: titles, the header colour and row heights were gone.)"""
    app = logged_in
    app.press("F5")
    app.press("F5")  # a new applicant
    app.type("паспорт")
    app.key("Return")
    app.press("F6")
    app.press("F5")
    app.key("Return")  # a life situation: toggles, more widget kinds
    app.press("F12")
    style = app.shell.style
    screen = app.shell.current
    assert str(screen.title_label.cget("style")) == "Title.TLabel"  # the widget keeps our style …
    assert str(style.lookup("Title.TLabel", "font")) == "MfcTitle"  # … and the style is ours
    assert str(app.shell.header.cget("style")) == "Chrome.TFrame"
    assert style.lookup("Chrome.TFrame", "background") == app.shell.palette.chrome
    assert str(style.lookup("TLabelframe.Label", "font")) == "MfcHeading"
    assert int(style.lookup("Treeview", "rowheight")) >= 20
