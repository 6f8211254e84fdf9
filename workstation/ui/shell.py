"""The application shell: one window with a header, a notice strip, the current screen and a
status bar; the keys; the idle lock; the catalog; the worker lanes.

The shell owns the state every screen shares (who is logged in, the settings, the catalog) and
the `TaskRunner`; screens ask it to move on (`show_home`, `open_service` …). It can live in
the application root (the real app) or in a Toplevel (tests build one per test on a hidden
session root).
"""

from __future__ import annotations

import gc
import logging
import time
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import ttkbootstrap as tb

from workstation.paths import DataPaths
from workstation.ui import texts as t
from workstation.ui.errors import ErrorReporter, Report, UserError
from workstation.ui.fonts import FONT_SIZES
from workstation.ui.keys import SEQUENCES, Action, install_enter_moves_focus
from workstation.ui.ports import ApplicantCard, Backends, StaffInfo, SyncState
from workstation.ui.router import Screen
from workstation.ui.settings import Settings, SettingsFile
from workstation.ui.tasks import Lane, TaskRunner
from workstation.ui.theme import Palette, apply_look, apply_row_height
from workstation.ui.widgets.columns import scale_columns
from workstation.ui.widgets.notice import NoticeBar
from workstation.ui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from forms.calendar import ProductionCalendar
    from forms.model import Catalog, Office
    from forms.search import SearchIndex

log = logging.getLogger(__name__)

IDLE_CHECK_MS = 1000
GC_MS = 100  # the youngest generation when it has grown, every tick
GC_YOUNG = 2000  # … past this many new container objects (Python's own threshold is 700)
GC_MIDDLE_EVERY = 10  # the middle generation every second, everything every GC_FULL_EVERY ticks,
GC_FULL_EVERY = 300  # … and none of them while a sync runs (see `_collect_garbage`)
GC_SYNC_LIMIT = 2_000_000  # unless this many objects piled up meanwhile
MIN_SIZE = (1024, 640)


@dataclass(slots=True)
class CatalogState:
    catalog: Catalog
    index: SearchIndex
    calendar: ProductionCalendar

    def office(self, office_id: str) -> Office | None:
        return self.catalog.offices.get(office_id) if office_id else None

    def office_type(self, office_id: str) -> str | None:
        office = self.office(office_id)
        return office.type if office is not None else None


def load_catalog_state(loader: Callable[[], Catalog]) -> CatalogState:
    """Runs on the store lane: compile (or reopen) the catalog and index it for search."""
    from forms.engine import calendar_for
    from forms.service_search import build_index

    catalog = loader()
    calendar = calendar_for(catalog)
    # The calendar builds a year (and imports `holidays`) on first use: do it here, not on the
    # Tk thread when the first form shows its due date. Next year too: December deadlines cross.
    today = date.today()
    calendar.is_working_day(today)
    calendar.is_working_day(date(today.year + 1, 1, 15))
    return CatalogState(catalog, build_index(catalog), calendar)


def quiet_window_watch(window: tk.Misc) -> None:
    """Drop ttkbootstrap's <Map>/<Configure> watch on a window once it has been shown.

    ttkbootstrap binds both on its App/Toplevel only to learn when the window was first shown;
    as the window's tag is on every widget inside it, that is a Python callback per widget mapped
    or resized — about 400 when a form opens. After the first show we record what the watch
    would have recorded and remove it (only ttkbootstrap binds these two on the window).
    """
    if getattr(window, "_map_watch", None) is None or not window.winfo_ismapped():
        return
    window._ever_shown = True  # type: ignore[attr-defined]
    window._applied_size = None  # type: ignore[attr-defined]
    for sequence in ("<Map>", "<Configure>"):
        window.unbind(sequence)
    window._map_watch = []  # type: ignore[attr-defined]


class IdleWatch:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.last = clock()

    def poke(self, _event: object = None) -> None:
        self.last = self.clock()

    def idle_seconds(self) -> float:
        return self.clock() - self.last


class Shell:
    def __init__(
        self,
        window: tk.Tk | tk.Toplevel,
        data: DataPaths,
        backends: Backends,
        settings_file: SettingsFile,
        *,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.window = window
        self.root = window.nametowidget(".")
        self.data = data
        self.backends = backends
        self.settings_file = settings_file
        self.settings = settings or settings_file.load()[0]
        self.today = today
        self.staff: StaffInfo | None = None
        self.catalog: CatalogState | None = None
        self.catalog_error: str | None = None
        self._catalog_waiters: list[Callable[[CatalogState], None]] = []
        self.current: Screen | None = None
        self._screens: dict[str, Screen] = {}
        self.locked = False
        self._lock_screen: Screen | None = None
        self._focus_before_lock: tk.Misc | None = None
        self.overlay: tk.Misc | None = None  # a frame over every screen (the store's error): it keeps the focus
        self.closed = False
        self.preview: Any = None  # the print preview window while it is open
        self.device: Any = None  # `DeviceIdentity` from the store: the office and workstation shown
        self._sync_notice = ""
        self.intake_applicant: ApplicantCard | None = None  # chosen in New intake's first step

        self.reporter = ErrorReporter()
        self.runner = TaskRunner(self.reporter.report)
        self.root.report_callback_exception = self.reporter.tk_callback_exception
        self.style: tb.Style = tb.Style.get_instance()  # the one Style of the root (see app.dress_root)
        self.palette: Palette = apply_look(self.root, self.style, self.settings.theme, self.settings.font,
                                           rows=False)  # row heights after the first screen shows
        if not getattr(self.root, "_mfc_enter_moves", False):
            install_enter_moves_focus(self.root)
            self.root._mfc_enter_moves = True  # type: ignore[attr-defined]

        self._build()
        self.reporter.set_display(self._show_report)
        self.runner.attach(window)
        self._bind_keys()
        self.idle = IdleWatch(clock)
        for seq in ("<KeyRelease>", "<ButtonRelease>", "<Motion>"):
            window.bind(seq, self.idle.poke, add="+")
        self._idle_job: str | None = window.after(IDLE_CHECK_MS, self._idle_tick)
        # Garbage cycles made of widgets hold Tk variables whose finaliser calls Tcl; collected on a
        # worker thread that fails ("main thread is not in main loop"). So the cycle collector runs
        # only here, on the Tk thread, from a timer (reference counting still frees the rest at once).
        self._gc_was_enabled = gc.isenabled()
        gc.disable()
        self._gc_ticks = 0
        self._gc_job: str | None = window.after(GC_MS, self._collect_garbage)
        self.runner.on("sync", self._on_sync)
        self._unsubscribe_sync = backends.sync.subscribe(lambda state: self.runner.post("sync", state))
        self.status.show_sync(SyncState(online=False))
        self.runner.submit(Lane.STORE, backends.sync.current, on_done=self._on_sync, label="sync state")
        self._show_office()
        self.refresh_device()
        window.protocol("WM_DELETE_WINDOW", self.close)
        self.started = False
        self.show_login()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        w = self.window
        w.columnconfigure(0, weight=1)
        w.rowconfigure(2, weight=1)
        self.header = tb.Frame(w, style="Chrome.TFrame", padding=(12, 6))
        self.header_buttons: dict[str, tb.Button] = {}
        self._header_built = False  # filled at the first log-in: the login screen does not show it
        self.notice = NoticeBar(w)
        self.notice.grid(row=1, column=0, sticky="ew")
        self.notice.grid_remove()
        self.content = tb.Frame(w)
        self.content.grid(row=2, column=0, sticky="nsew")
        self.status = StatusBar(w)
        self.status.grid(row=3, column=0, sticky="ew")

    def _build_header(self) -> None:
        if self._header_built:
            return
        self._header_built = True
        self.app_label = tb.Label(self.header, text=t.APP_SHORT, style="ChromeTitle.TLabel")
        self.app_label.pack(side="left", padx=(0, 18))
        for action in self.global_actions():
            if action.key in ("Control-f", "Control-p"):
                continue
            button = tb.Button(self.header, text=action.caption, command=action.run, takefocus=False,
                               bootstyle="secondary-outline")
            button.pack(side="left", padx=(0, 6))
            button.bind("<Configure>", lambda _e: self._fit_header(), add="+")  # fonts changed size
            self.header_buttons[action.key] = button
        self.logout_button = tb.Button(self.header, text=t.ACT_LOGOUT, command=self.logout, takefocus=False,
                                       bootstyle="secondary-link")
        self.logout_button.pack(side="right")
        self.staff_label = tb.Label(self.header, style="Chrome.TLabel")
        self.staff_label.pack(side="right", padx=(0, 12))
        self.header.bind("<Configure>", lambda _e: self._fit_header(), add="+")

    def _fit_header(self) -> None:
        """With large fonts the header is too narrow for everything: the app name goes first,
        then the staff name (the window title and the lock screen still show them)."""
        width = self.header.winfo_width()
        if width <= 1 or not self._header_built:
            return
        buttons = sum(b.winfo_reqwidth() + 6 for b in self.header_buttons.values())
        fixed = buttons + self.logout_button.winfo_reqwidth() + 24 + 4  # the header's padding, a margin
        first_button = next(iter(self.header_buttons.values()))
        optional = [(self.app_label, {"side": "left", "padx": (0, 18), "before": first_button}),
                    (self.staff_label, {"side": "right", "padx": (0, 12)})]
        room = width - fixed
        for widget, pack in optional:
            need = widget.winfo_reqwidth() + (18 if widget is self.app_label else 12)
            if need <= room:
                room -= need
                if not widget.winfo_ismapped():
                    widget.pack(**pack)
            elif widget.winfo_ismapped():
                widget.pack_forget()

    def _show_report(self, report: Report) -> None:
        self.notice.show(report.text, "error" if report.unexpected else "warning", reference=report.reference)

    def _on_sync(self, state: SyncState) -> None:
        self.status.show_sync(state)
        if state.notice and state.notice != self._sync_notice:  # a case changed status, a conflict …
            self._sync_notice = state.notice
            if self.staff is not None and not self.locked:
                self.notice.show(state.notice, "info", timeout_ms=15000)

    def refresh_device(self, then: Callable[[], None] | None = None) -> None:
        """Read the device's codes from the store (the codes in case numbers): the status bar,
        Home and Settings show those, never a settings-file value that could disagree."""
        port = self.backends.device
        if port is None:
            return

        def known(identity: Any) -> None:
            self.device_known(identity)
            if then is not None:
                then()

        self.runner.submit(Lane.STORE, port.identity, on_done=known, label="device identity")

    def device_known(self, identity: Any) -> None:
        self.device = identity
        codes = (identity.office_code or "", identity.workstation_code or "")
        if codes != (self.settings.office, self.settings.window):
            self.settings.office, self.settings.window = codes  # the settings file follows the store
            self.save_settings()
        self._show_office()

    def may_intake(self) -> bool:
        """The role table (workstation/core/roles.py); the store refuses as well."""
        from workstation.core import roles

        if self.staff is None or roles.may_intake(self.staff.role):
            return True
        self.notice.show(t.ROLE_NO_INTAKE.format(role=roles.role_label(self.staff.role)), "warning")
        return False

    def _show_office(self) -> None:
        if self.backends.device is not None and self.device is None:
            self.status.office.configure(text="")  # the store has not answered yet: nothing rather than a guess
            return
        office_name = None
        if self.settings.office:
            office = self.catalog.office(self.settings.office) if self.catalog else None
            office_name = office.name if office else self.settings.office
        self.status.show_office(office_name, self.settings.window)

    # --- keys --------------------------------------------------------------------------------
    def global_actions(self) -> list[Action]:
        return [
            Action("F3", t.ACT_HOME, self.show_home),
            Action("F5", t.ACT_NEW_INTAKE, self.new_intake),
            Action("F6", t.ACT_SITUATIONS, lambda: self.new_intake(situations=True)),
            Action("F7", t.ACT_CASES, self.open_cases),
            Action("F12", t.ACT_SETTINGS, self.open_settings),
            Action("Control-l", t.ACT_LOCK, self.lock),
            Action("Control-f", t.ACT_SEARCH, lambda: self.new_intake(search=True)),
            Action("Control-p", t.ACT_PRINT, lambda: self.notice.show(t.NOTHING_TO_PRINT, "info")),
        ]

    def _bind_keys(self) -> None:
        for key, sequences in SEQUENCES.items():
            for seq in sequences:
                try:
                    self.window.bind(seq, lambda _e, k=key: self.press(k))
                except tk.TclError:  # a keysym this Tk does not know
                    continue

    def press(self, key: str) -> str | None:
        """Run the action bound to `key` on the screen in front, else the global one."""
        self.idle.poke()
        screen = self._lock_screen if self.locked else self.current
        if screen is not None:
            for action in screen.actions():
                if action.key == key:
                    action.run()
                    return "break"
            if key == "Escape":
                if screen.cancel():
                    return "break"
                if self.notice.visible:
                    self.notice.hide()
                    return "break"
        if self.staff is None or self.locked:
            return None
        if key == "Escape":
            if self.current is not None and self.current.name != "home":
                self.show_home()
            return "break"
        for action in self.global_actions():
            if action.key == key:
                action.run()
                return "break"
        return None

    # --- screens -----------------------------------------------------------------------------
    def show(self, screen: Screen) -> None:
        if self.closed:
            return
        previous = self.current
        if previous is screen:
            screen.on_show()
            self.focus_first(screen)
            return
        if previous is not None:
            previous.on_hide()
            previous.pack_forget()
            if previous.transient:
                previous.destroy()
        self.current = screen
        if self.notice.visible and self.notice.kind != "info":
            self.notice.hide()
        scale_columns(screen, self.column_factor)  # lists made with normal fonts, shown with large ones
        screen.pack(fill="both", expand=True)
        screen.on_show()
        self.focus_first(screen)

    @property
    def column_factor(self) -> float:
        return FONT_SIZES.get(self.settings.font, FONT_SIZES["normal"]) / FONT_SIZES["normal"]

    def focus_first(self, screen: Screen) -> None:
        def do() -> None:
            if self.current is not screen and self._lock_screen is not screen:
                return
            if self.overlay is not None and self.overlay.winfo_exists():
                return
            widget = screen.first_focus()
            if widget is not None and widget.winfo_exists():
                widget.focus_set()

        self.window.after_idle(do)

    def _persistent(self, name: str, factory: Callable[[], Screen]) -> Screen:
        screen = self._screens.get(name)
        if screen is None or not screen.winfo_exists():
            screen = factory()
            self._screens[name] = screen
        return screen

    def show_login(self) -> None:
        from workstation.ui.screens.login import LoginScreen

        self.header.grid_remove()
        self.show(self._persistent("login", lambda: LoginScreen(self)))

    def show_home(self) -> None:
        if self.staff is None:
            return
        from workstation.ui.screens.home import HomeScreen

        self.show(self._persistent("home", lambda: HomeScreen(self)))

    def new_intake(self, *, search: bool = False, situations: bool = False) -> None:
        """F5 / F6: a new intake starts with the applicant; Ctrl+F goes to the service search as it is."""
        if self.staff is None or not self.may_intake():
            return
        if search:
            self.show_picker(select_search=True, from_applicant=False)
            return
        from workstation.ui.screens.applicant import ApplicantScreen

        step = self._persistent("applicant", lambda: ApplicantScreen(self))
        assert isinstance(step, ApplicantScreen)
        self.intake_applicant = None
        step.start(situations=situations)
        self.show(step)

    def choose_applicant(self, card: ApplicantCard | None, *, situations: bool = False) -> None:
        """The applicant step is done (None: a new applicant): on to the services or life situations."""
        self.intake_applicant = card
        self.show_picker(situations=situations, from_applicant=True)

    def back_to_applicant(self) -> None:
        """Esc in the service list after the applicant step: that step as it was left."""
        from workstation.ui.screens.applicant import ApplicantScreen

        step = self._persistent("applicant", lambda: ApplicantScreen(self))
        self.show(step)

    def show_picker(self, *, situations: bool = False, select_search: bool = False,
                    from_applicant: bool | None = None) -> None:
        """The service list; `from_applicant` None: Esc goes where it went before (back from a form)."""
        if self.staff is None:
            return
        from workstation.ui.screens.picker import PickerScreen

        picker = self._persistent("picker", lambda: PickerScreen(self))
        assert isinstance(picker, PickerScreen)
        picker.start(focus_situations=situations, select_search=select_search, from_applicant=from_applicant)
        self.show(picker)

    def open_service(self, service_id: str, draft_id: str | None = None) -> None:
        from workstation.ui.screens.form_screen import FormScreen

        state = self.catalog
        if not self.may_intake():
            return
        if state is None or service_id not in state.catalog.services:
            self.notice.show(t.PICKER_LOADING, "info")
            return
        self.backends_usage(service_id)
        self.show(FormScreen(self, state.catalog.services[service_id], draft_id=draft_id))

    def open_draft(self, draft_id: str) -> None:
        def opened(draft: Any) -> None:
            from workstation.ui.screens.form_screen import FormScreen

            state = self.catalog
            if state is None:
                return
            service = state.catalog.services.get(draft.service_id)
            if service is None:
                raise UserError(f"Услуги «{draft.service_id}» нет в действующем каталоге.")
            self.show(FormScreen(self, service, draft=draft))

        self.when_catalog(
            lambda _s: self.runner.submit(Lane.STORE, self.backends.drafts.load_draft, draft_id, on_done=opened,
                                          label="load draft")
        )

    def open_situation(self, situation_id: str) -> None:
        from workstation.ui.screens.situation import SituationScreen

        state = self.catalog
        if state is None or situation_id not in state.catalog.situations or not self.may_intake():
            return
        self.show(SituationScreen(self, state.catalog.situations[situation_id]))

    def open_cases(self, ref: str | None = None) -> None:
        """The Cases screen; with `ref`, straight to that case's card."""
        if self.staff is None:
            return
        from workstation.ui.screens.cases_screen import CasesScreen

        screen = self._persistent("cases", lambda: CasesScreen(self))
        assert isinstance(screen, CasesScreen)
        self.show(screen)
        if ref and self.backends.cards is not None:
            screen.open_card(ref)

    def open_settings(self) -> None:
        if self.staff is None:
            return
        from workstation.ui.screens.settings_screen import SettingsScreen

        self.show(self._persistent("settings", lambda: SettingsScreen(self)))

    def backends_usage(self, service_id: str) -> None:
        self.runner.submit(Lane.STORE, self.backends.usage.record, self.settings.office, service_id,
                           label="record usage")

    # --- log-in, lock, log-out ---------------------------------------------------------------
    def login(self, staff: StaffInfo) -> None:
        self.staff = staff
        self.idle.poke()
        self._build_header()
        self.staff_label.configure(text=f"{staff.short_name} · {staff.position}")
        self.header.grid(row=0, column=0, sticky="ew")
        self.window.after(50, self._fit_header)
        self.show_home()

    def logout(self) -> None:
        if self.locked:
            self._drop_lock_screen()
        if self.current is not None:
            self.current.on_hide()
        for name, screen in list(self._screens.items()):
            if screen.needs_staff:
                screen.destroy()
                del self._screens[name]
        if self.current is not None and self.current.winfo_exists() and self.current.needs_staff:
            self.current.destroy()
        self.current = None
        self.staff = None
        self.intake_applicant = None
        self.show_login()

    def lock(self) -> None:
        if self.staff is None or self.locked:
            return
        from workstation.ui.screens.lock import LockScreen

        self._focus_before_lock = self._focused()
        self._close_popups()
        if self.current is not None:
            self.current.on_hide()
            self.current.pack_forget()
        self.header.grid_remove()
        self.locked = True
        self._lock_screen = LockScreen(self)
        self._lock_screen.pack(fill="both", expand=True)
        self.focus_first(self._lock_screen)

    def _close_popups(self) -> None:
        """A calendar left open must not show over the lock screen."""
        from workstation.ui.widgets.calendar import CalendarPopup

        stack = list(self.window.winfo_children())
        while stack:
            widget = stack.pop()
            if isinstance(widget, CalendarPopup):
                widget.close()
            else:
                stack.extend(widget.winfo_children())

    def unlock(self) -> None:
        if not self.locked:
            return
        self._drop_lock_screen()
        self.header.grid()
        self.idle.poke()
        if self.current is not None:
            self.current.pack(fill="both", expand=True)
            self.current.on_show()
            target = self._focus_before_lock
            if target is not None and target.winfo_exists():
                self.window.after_idle(target.focus_set)
            else:
                self.focus_first(self.current)

    def _drop_lock_screen(self) -> None:
        self.locked = False
        if self._lock_screen is not None:
            self._lock_screen.destroy()
            self._lock_screen = None

    def _focused(self) -> tk.Misc | None:
        try:
            return self.window.focus_get()
        except (KeyError, tk.TclError):
            return None

    def check_idle(self) -> None:
        minutes = self.settings.lock_minutes
        if minutes > 0 and self.staff is not None and not self.locked and self.idle.idle_seconds() >= minutes * 60:
            self.lock()

    def _collect_garbage(self) -> None:
        if self.closed:
            return
        # With the collector off, a sync's parsed pages (a group of 5,000 records: ~150,000 live dicts)
        # pile up in the young generation; collecting them once a second held the Tk thread 150 ms, and
        # even every 100 ms up to 70 ms. The records are acyclic and die by refcount once applied, so
        # while a sync runs nothing is collected (a guard against a runaway pile aside); afterwards the
        # generations hold little again. Otherwise: the youngest often, the older ones now and then.
        self._gc_ticks += 1
        syncing = self.status.state is not None and self.status.state.progress is not None
        if syncing:
            if gc.get_count()[0] > GC_SYNC_LIMIT:
                gc.collect(0)
        elif self._gc_ticks % GC_FULL_EVERY == 0:
            gc.collect(2)
        elif self._gc_ticks % GC_MIDDLE_EVERY == 0:
            gc.collect(1)
        elif gc.get_count()[0] > GC_YOUNG:
            gc.collect(0)
        self._gc_job = self.window.after(GC_MS, self._collect_garbage)

    def _idle_tick(self) -> None:
        if self.closed:
            return
        self.check_idle()
        self._idle_job = self.window.after(IDLE_CHECK_MS, self._idle_tick)

    # --- catalog -----------------------------------------------------------------------------
    def start_background(self) -> None:
        """Called once the first screen is on view: heavy loading starts only then."""
        if self.started:
            return
        self.started = True
        quiet_window_watch(self.window)
        self.window.after(50, self._warm_styles)
        self.runner.submit(Lane.STORE, load_catalog_state, self.backends.catalog, on_done=self._catalog_ready,
                           on_error=self._catalog_failed, label="load catalog")

    def _warm_styles(self) -> None:
        """Make the ttk styles a form uses while the specialist is still logging in.

        ttkbootstrap builds a style (and its images) the first time a widget needs it; doing that
        for a dozen widget kinds in the middle of opening the first form doubled its time.
        """
        if self.closed:
            return
        import workstation.ui.screens.form_screen  # noqa: F401  (compiled and imported before it is needed)
        from workstation.ui.form.inputs import ChoiceInput, TextArea
        from workstation.ui.widgets.scrollframe import ScrollFrame

        apply_row_height(self.style, self.root)
        scratch = tb.Frame(self.content)
        tb.Labelframe(scratch, text="-")
        ChoiceInput(scratch, [], lambda _v: None)
        TextArea(scratch, lambda _v: None)
        tb.Spinbox(scratch, from_=0, to=1)
        tb.Checkbutton(scratch)
        tb.Radiobutton(scratch)
        tb.Treeview(scratch)
        tb.Notebook(scratch)
        ScrollFrame(scratch)
        for bootstyle in ("success", "primary", "secondary-outline", "danger-link", "secondary-link", "link",
                          "secondary"):
            tb.Button(scratch, bootstyle=bootstyle)
        scratch.destroy()

    def _catalog_ready(self, state: CatalogState) -> None:
        self.catalog = state
        self.catalog_error = None
        log.info("catalog %s ready: %d services", state.catalog.version, len(state.catalog.services))
        self.status.show_catalog(state.catalog.version)
        self._show_office()
        titles = {sid: s.short_title or s.title for sid, s in state.catalog.services.items()}
        setter = getattr(self.backends.cases, "set_titles", None)
        if callable(setter):
            setter(lambda sid: titles.get(sid, sid))
        waiters, self._catalog_waiters = self._catalog_waiters, []
        for callback in waiters:
            callback(state)

    def _catalog_failed(self, exc: BaseException) -> None:
        self.catalog_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.error("catalog could not be loaded: %s", type(exc).__qualname__)
        self.notice.show(t.ERROR_CATALOG.format(detail=self.catalog_error), "error")

    def when_catalog(self, callback: Callable[[CatalogState], None]) -> None:
        if self.catalog is not None:
            callback(self.catalog)
        else:
            self._catalog_waiters.append(callback)

    @property
    def office_type(self) -> str | None:
        return self.catalog.office_type(self.settings.office) if self.catalog else None

    # --- settings ----------------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        look_changed = (settings.theme, settings.font) != (self.settings.theme, self.settings.font)
        self.settings = settings
        if look_changed:
            self.palette = apply_look(self.root, self.style, settings.theme, settings.font)
            for screen in [*self._screens.values(), self.current]:
                if screen is not None and screen.winfo_exists():
                    scale_columns(screen, self.column_factor)
            self.window.after_idle(self.status.fit)
            self.window.after(50, self._fit_header)
        self._show_office()
        self.save_settings()
        remember = getattr(self.backends.printing, "remember_printer", None)
        if remember is not None:  # the store's Setting «printer» (the CLI prints there too)
            self.runner.submit(Lane.STORE, remember, settings.printer, label="printer setting")

    def save_settings(self) -> None:
        try:
            self.settings_file.save(self.settings)
        except OSError:
            self.notice.show(t.SETTINGS_WRITE_FAILED, "warning")

    def remember_geometry(self) -> None:
        try:
            zoomed = self.window.wm_state() == "zoomed" or bool(self.window.attributes("-zoomed"))
        except tk.TclError:
            zoomed = False
        self.settings.zoomed = zoomed
        if not zoomed:
            self.settings.geometry = self.window.wm_geometry()

    # --- closing -----------------------------------------------------------------------------
    def close(self) -> None:
        if self.closed:
            return
        if self.current is not None:
            try:
                self.current.on_hide()
            except Exception as exc:
                self.reporter.report(exc, "closing")
        self.closed = True
        for job in (self._idle_job, self._gc_job):
            if job is not None:
                self.window.after_cancel(job)
        self._unsubscribe_sync()
        self.remember_geometry()
        self.save_settings()
        if not self.runner.stop(timeout=5.0):
            log.warning("workers still busy at exit")
        self.window.destroy()
        gc.collect()
        if self._gc_was_enabled:
            gc.enable()
