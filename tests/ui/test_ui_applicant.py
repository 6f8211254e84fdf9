"""New intake's first step on the in-memory backends (`demo.MemoryApplicants`): find the applicant by
part of the ФИО, passport digits, СНИЛС or phone in any spelling, choose with the keys, the form starts
filled in and editable, a new applicant, Esc; a life situation gets the person in every application.
Also two small defects fixed while there: no negative age for a birth date in the future, and service
titles shown whole in the picker."""

from __future__ import annotations

from datetime import date

import pytest
from uikit import TODAY, Harness

from forms.engine import example_answers
from forms.model import APPLICANT_FIELDS
from workstation.ui import texts as t


def open_step(app: Harness, key: str = "F5") -> object:
    app.press(key)
    step = app.shell.current
    assert step.name == "applicant"
    app.wait_until(lambda: app.focused() is step.search, what="focus in the applicant search")
    return step


def search(app: Harness, step: object, text: str) -> list[str]:
    """Type `text` and wait for the answer to this very query (the typing pause, then the store lane)."""
    app.type(text)
    app.wait_until(lambda: step._job is None and app.shell.runner.outstanding() == 0, what="search")
    app.pump()
    return [step.rows[iid].full_name for iid in step.results.get_children()]


@pytest.mark.parametrize(("query", "expected"), [
    ("Соколова", ["Соколова Анна Викторовна"]),
    ("корол", ["Королева Мария Сергеевна", "Королёв Пётр Ильич"]),  # newest first
    ("мария", ["Королева Мария Сергеевна"]),
    ("4505 654321", ["Королёв Пётр Ильич"]),
    ("654321", ["Королёв Пётр Ильич"]),
    ("112-233-445 95", ["Соколова Анна Викторовна"]),
    ("11223344595", ["Соколова Анна Викторовна"]),
    ("123 456 789 64", ["Королева Мария Сергеевна"]),
    ("8 (916) 123-45-67", ["Соколова Анна Викторовна"]),
    ("+79250000002", ["Королёв Пётр Ильич"]),
    ("Иванов", []),
])
def test_search_as_you_type_by_name_passport_snils_phone(logged_in: Harness, query: str,
                                                         expected: list[str]) -> None:
    app = logged_in
    step = open_step(app)
    assert search(app, step, query) == expected
    if expected:
        row = step.rows[step.results.get_children()[0]]
        assert step.results.item(step.results.get_children()[0], "values")[0] == row.full_name
        assert "•" in row.passport and row.passport[-4:].isdigit()  # only the tail is shown
        assert step.d_name.cget("text") == row.full_name
    else:
        assert step.placeholder.cget("text") == t.APPLICANT_NOTHING


def test_only_the_latest_query_is_shown(logged_in: Harness) -> None:
    app = logged_in
    step = open_step(app)
    app.type("Соколова")
    step.run_search()  # an answer for «Соколова» is on its way …
    app.type(" Ж")  # … and the query changed before it came
    app.wait_until(lambda: step._job is None and app.shell.runner.outstanding() == 0, what="search")
    app.pump()
    assert step.rows == {} and step.placeholder.cget("text") == t.APPLICANT_NOTHING


def test_choose_with_keys_fills_the_form_which_stays_editable(logged_in: Harness) -> None:
    app = logged_in
    step = open_step(app)
    search(app, step, "сокол")
    app.key("Down")  # into the list
    assert app.focused() is step.results
    app.key("Up")  # and back from its first row
    assert app.focused() is step.search
    app.key("Down")
    app.key("Return")  # choose
    app.wait_until(lambda: app.shell.current.name == "picker", what="the service list")
    picker = app.shell.current
    assert app.shell.intake_applicant.full_name == "Соколова Анна Викторовна"
    assert "Соколова Анна Викторовна" in picker.subtitle_label.cget("text")
    app.wait_until(lambda: app.focused() is picker.search, what="focus in the service search")
    app.type("паспорт")
    app.key("Return")
    form = app.shell.current
    assert form.name == "form" and form.service.id == "passport-rf"
    c = form.controller
    assert c.applicant_id == "person-1"
    assert c.get("applicant") == {"surname": "Соколова", "name": "Анна", "patronymic": "Викторовна", "sex": "female"}
    assert c.get("birth_date") == "1980-03-14" and c.get("identity.number") == "123456"
    view = form.view
    person = view.rows["applicant"].editor
    assert person.parts["surname"].get() == "Соколова" and person.parts["sex"].get() == "женский"
    assert view.rows["birth_date"].editor.date.entry.get() == "14.03.1980"
    assert view.rows["phone"].editor.entry.get() == "+7 (916) 123-45-67"
    assert view.rows["identity"].editor.passport.get() == "4500 123456"
    assert view.rows["address"].editor.parts["street"].get() == "ул. Авиамоторная"
    # Editable: a new phone typed over the old one.
    phone = view.rows["phone"].editor.entry
    app.focus(phone)
    phone.selection_range(0, "end")
    app.type("9265554433")
    assert c.get("phone") == "+7 (926) 555-44-33"
    # Accepted: the case is linked to that person, whose phone the demo store updates.
    c.load({**example_answers(form.service), **{k: c.answers[k] for k in APPLICANT_FIELDS if k in c.answers}})
    c.present_all()
    app.press("F9")
    app.settle()
    assert app.shell.current.name == "home"
    people = app.shell.backends.applicants
    assert len(people) == 3 and people.get("person-1")["phone"] == "+7 (926) 555-44-33"
    assert app.shell.intake_applicant is None  # the next visit starts afresh


def test_double_click_chooses_too(logged_in: Harness) -> None:
    app = logged_in
    step = open_step(app)
    search(app, step, "4511 777888")
    first = step.results.get_children()[0]
    box = step.results.bbox(first)
    for _ in range(2):  # two clicks in a row: Tk makes a <Double-1> of them
        step.results.event_generate("<ButtonPress-1>", x=box[0] + 5, y=box[1] + 5)
        step.results.event_generate("<ButtonRelease-1>", x=box[0] + 5, y=box[1] + 5)
    app.wait_until(lambda: app.shell.current.name == "picker", what="the service list")
    assert app.shell.intake_applicant.full_name == "Королева Мария Сергеевна"


def test_enter_right_after_typing_goes_into_the_list_when_the_answer_comes(logged_in: Harness) -> None:
    app = logged_in
    step = open_step(app)
    app.type("Соколова")
    app.key("Return")  # before the typing pause ran out
    app.wait_until(lambda: app.focused() is step.results, what="focus in the results")
    app.key("Return")
    app.wait_until(lambda: app.shell.current.name == "picker", what="the service list")
    assert app.shell.intake_applicant.ref == "person-1"


def test_new_applicant_esc_and_back_from_the_services(logged_in: Harness) -> None:
    app = logged_in
    step = open_step(app)
    assert step.action_buttons["F5"].cget("text") == f"F5  {t.APPLICANT_NEW}"  # the key is on the button
    search(app, step, "Соколова")
    app.press("F5")  # a new applicant, whatever is found: a namesake, with the typed surname
    picker = app.shell.current
    assert picker.name == "picker" and app.shell.intake_applicant.ref is None
    assert picker.subtitle_label.cget("text") == t.PICKER_APPLICANT_TYPED.format(name="Соколова")
    app.type("паспорт")
    app.key("Return")
    form = app.shell.current
    assert form.controller.get("applicant") == {"surname": "Соколова"} and form.controller.applicant_id is None
    app.press("Escape")  # the form: back to the services …
    assert app.shell.current is picker
    app.press("Escape")  # … and the services: back to the applicant step as it was left
    assert app.shell.current is step and step.search.get() == "Соколова" and step.rows
    app.wait_until(lambda: app.focused() is step.search, what="focus in the applicant search")
    app.press("Escape")  # the applicant step: home
    assert app.shell.current.name == "home"
    step = open_step(app)  # F5 again: a fresh search
    assert step.search.get() == "" and not step.rows


@pytest.mark.parametrize(("typed", "field", "shown"), [
    ("иванов иван иванович", "applicant", {"surname": "Иванов", "name": "Иван", "patronymic": "Иванович"}),
    ("4500 123456", "identity", "4500 123456"),
    ("112-233-445 95", "snils", "112-233-445 95"),
    ("8 (916) 123-45-67", "phone", "+7 (916) 123-45-67"),
])
def test_new_applicant_starts_from_what_was_typed_in_the_search(logged_in: Harness, typed: str, field: str,
                                                               shown: object) -> None:
    app = logged_in
    step = open_step(app)
    search(app, step, typed)
    app.press("F5")  # «Новый заявитель» with what was typed
    picker = app.shell.current
    assert picker.name == "picker" and app.shell.intake_applicant.ref is None
    app.wait_until(lambda: app.focused() is picker.search, what="focus in the service search")
    app.type("паспорт" if field in ("applicant", "identity") else "тестовая")  # a form with that field
    app.key("Return")
    form = app.shell.current
    assert form.name == "form" and form.controller.applicant_id is None
    editor = form.view.rows[field].editor
    if field == "applicant":
        assert {k: editor.parts[k].get() for k in shown} == shown
        assert "Иванов Иван Иванович" in picker.subtitle_label.cget("text")
    elif field == "identity":
        assert editor.passport.get() == shown and form.controller.get("identity.number") == "123456"
    else:
        assert editor.entry.get() == shown
    assert form.controller.is_touched(field)  # a remark on it shows at once, like a card's data
    others = {"applicant", "identity", "snils", "phone"} - {field}
    assert all(form.controller.get(other) in (None, "", {}) for other in others)


def test_life_situation_takes_the_applicant_into_every_application(logged_in: Harness) -> None:
    app = logged_in
    step = open_step(app, "F6")
    assert step.title_label.cget("text") == t.APPLICANT_TITLE_SITUATION
    search(app, step, "Соколова")
    app.key("Down")
    app.key("Return")
    app.wait_until(lambda: app.shell.current.name == "picker", what="the service list")
    picker = app.shell.current
    app.wait_until(lambda: app.focused() is picker.situations, what="focus on the life situations")
    app.key("Return")
    screen = app.shell.current
    assert screen.name == "situation"
    assert screen.shared_controller.get("applicant.surname") == "Соколова"
    assert screen.shared_view.rows["applicant"].editor.parts["surname"].get() == "Соколова"
    for tab in screen.tabs:
        c = tab.controller
        assert c.applicant_id == "person-1", tab.service.id
        assert c.get("applicant.surname") == "Соколова", tab.service.id
        if "phone" in {f.id for f in tab.service.fields}:
            assert c.get("phone") == "+79161234567", tab.service.id
        assert tab.make_draft().applicant_id == "person-1"
    assert app.shell.backends.cases.open_drafts("demo") == []  # nothing saved until something is typed


def test_focus_and_no_store(logged_in: Harness) -> None:
    app = logged_in
    app.shell.backends.applicants = None  # no search wired: a new applicant only
    step = open_step(app)
    assert step.placeholder.cget("text") == t.APPLICANT_NO_STORE
    app.type("Соколова")
    app.pump(0.3)
    assert not step.rows
    app.press("F5")
    assert app.shell.current.name == "picker"


# --- defects fixed while there ------------------------------------------------------------------------

def test_a_birth_date_in_the_future_shows_no_age_but_a_remark(logged_in: Harness) -> None:
    app = logged_in
    app.press("F5")
    app.press("F5")
    app.type("паспорт")
    app.key("Return")
    form = app.shell.current
    entry = form.view.rows["birth_date"].editor.date.entry
    app.focus(entry)
    future = date(TODAY.year + 3, 1, 1)
    app.type(f"{future:%d%m%Y}")
    app.key("Tab")
    app.settle()
    ages = {calc_id: value for calc_id, _label, value in form.controller.calculated()}
    assert ages["age"] is None  # was -3
    assert form.summary.calc_labels["age"].cget("text") != "-3"
    assert "дата не может быть в будущем" in [i.message for i in form.controller.shown_issues("birth_date")]
    app.focus(entry)
    entry.selection_range(0, "end")
    app.type("14031980")
    app.key("Tab")
    app.settle()
    assert dict((i, v) for i, _l, v in form.controller.calculated())["age"] == 46


def test_long_service_titles_are_shown_whole_in_the_list(logged_in: Harness) -> None:
    app = logged_in
    app.press("F5")
    app.press("F5")
    picker = app.shell.current
    app.settle()
    catalog = app.shell.catalog.catalog
    longest = max(catalog.services.values(), key=lambda s: len(s.title))
    assert len(longest.title) > 120
    cell = picker.results.set(longest.id, "title")
    assert "…" not in cell and cell.replace("\n", " ") == longest.title
    assert cell.count("\n") == 1  # two lines, as the rows are tall enough for
    from tkinter import font as tkfont

    width = int(picker.results.column("title", "width"))
    measure = tkfont.nametofont("TkDefaultFont").measure
    assert all(measure(line) <= width for line in cell.splitlines())
    rowheight = int(app.shell.style.lookup("Tall.Treeview", "rowheight"))
    assert rowheight >= 2 * tkfont.nametofont("TkDefaultFont").metrics("linespace")


# --- no screen ----------------------------------------------------------------------------------------

def test_prefill_takes_only_what_the_form_declares(catalog: object) -> None:
    from workstation.ui.demo import DEMO_APPLICANTS
    from workstation.ui.form.controller import FormController

    service = catalog.services["ui-test-cascade"]  # applicant, phone, snils … no birth date, no identity
    c = FormController(service, catalog, today=TODAY)
    heard = []
    c.add_listener(heard.append)
    filled = c.prefill(DEMO_APPLICANTS[0], applicant_id="person-1")
    assert sorted(filled) == ["applicant", "phone", "snils"] and len(heard) == 1
    assert "birth_date" not in c.answers and c.is_touched("snils") and c.applicant_id == "person-1"
    assert c.draft().applicant_id == "person-1"
    passport_only = catalog.services["passport-rf"]  # identity: kinds [passport-rf]
    c = FormController(passport_only, catalog, today=TODAY)
    foreign = dict(DEMO_APPLICANTS[0], identity={"kind": "passport-foreign", "series": "75", "number": "1234567"})
    assert "identity" not in c.prefill(foreign)


@pytest.mark.parametrize(("typed", "expected"), [
    ("Иванов Иван Иванович", {"applicant": {"surname": "Иванов", "name": "Иван", "patronymic": "Иванович"}}),
    ("иванова-петрова анна", {"applicant": {"surname": "Иванова-Петрова", "name": "Анна"}}),
    ("45 00 № 123456", {"identity": {"kind": "passport-rf", "series": "4500", "number": "123456"}}),
    ("4500123456", {"identity": {"kind": "passport-rf", "series": "4500", "number": "123456"}}),
    ("11223344595", {"snils": "112-233-445 95"}),
    ("123 456 789 64", {"snils": "123-456-789 64"}),
    ("89161234567", {"phone": "+79161234567"}),
    ("+7 916 123 45 67", {"phone": "+79161234567"}),
    ("(916) 123-45-67", {"phone": "+79161234567"}),
    ("Петров 4505 654321", {"applicant": {"surname": "Петров"},
                            "identity": {"kind": "passport-rf", "series": "4505", "number": "654321"}}),
    ("6543", {}),  # a part of a number: not guessed
    ("14.03.1980", {}),
    ("", {}),
])
def test_the_search_text_is_read_by_its_shape(typed: str, expected: dict) -> None:
    from workstation.ui.typed_applicant import typed_applicant

    assert typed_applicant(typed) == expected


def test_wrap_cell_breaks_at_words_and_cuts_what_does_not_fit() -> None:
    from workstation.ui.widgets.cells import wrap_cell

    def measure(text: str) -> int:
        return 10 * len(text)

    words = ["один", "два", "три", "четыре", "пять", "шесть"]
    assert wrap_cell(words[:3], " ", measure, 100) == "один два\nтри"
    assert wrap_cell(words, " ", measure, 100) == "один два\nтри четыр…"  # 100 px with the «…»
    assert wrap_cell(["не в этом офисе", "по записи", "часто"], ", ", measure, 160) == (
        "не в этом офисе,\nпо записи, часто")
    assert wrap_cell([], " ", measure, 100) == ""


def test_large_fonts_widen_the_fixed_list_columns_and_keep_the_name_whole(logged_in: Harness) -> None:
    """Seen in the large-font screenshots: case numbers cut to «0101-001-261121-00», headings cut
    («Состояни»), and in the applicant list the masked numbers and the phone cut."""
    from tkinter import font as tkfont

    app = logged_in
    shell = app.shell
    home = shell.current
    assert home.name == "home"
    number_width = int(home.today.tree.column("number", "width"))
    shell.apply_settings(type(shell.settings)(**{**shell.settings.to_dict(), "font": "large", "theme": "contrast"}))
    app.pump(0.1)
    cells = tkfont.nametofont("TkDefaultFont")
    assert int(home.today.tree.column("number", "width")) > number_width  # the screen on show, at once
    assert int(home.today.tree.column("number", "width")) >= cells.measure("0101-001-261121-0001") + 10
    step = open_step(app)  # made after the change: scaled when first shown
    assert search(app, step, "Соколова") == ["Соколова Анна Викторовна"]
    app.pump(0.1)
    tree = step.results
    for column in ("birth", "passport", "phone"):
        value = tree.set(tree.get_children()[0], column)
        assert int(tree.column(column, "width")) >= cells.measure(value) + 10, column
    assert int(tree.column("name", "width")) >= cells.measure("Соколова Анна Викторовна") + 10
    large = int(tree.column("passport", "width"))
    shell.apply_settings(type(shell.settings)(**{**shell.settings.to_dict(), "font": "normal", "theme": "light"}))
    app.pump(0.1)
    narrow = int(tree.column("passport", "width"))  # back to 10 pt: narrower, still whole
    assert narrow < large and narrow >= cells.measure(tree.set(tree.get_children()[0], "passport")) + 10
    assert int(home.today.tree.column("number", "width")) == number_width
