"""New intake with the keyboard: search a service, fill the passport form from its example through
key events into the masked entries, see a remark next to its field and correct it, watch a section
appear, add and remove a repeat-group row, accept; drafts reopen where they stopped."""

from __future__ import annotations

from uikit import TODAY, Harness

from forms.engine import Context, evaluate, example_answers
from workstation.ui import texts as t


def open_picker(app: Harness) -> object:
    app.press("F5")  # new intake: the applicant step …
    assert app.shell.current.name == "applicant"
    app.press("F5")  # … F5 again: a new applicant, on to the services
    picker = app.shell.current
    assert picker.name == "picker"
    app.wait_until(lambda: app.focused() is picker.search, what="focus in the search")
    return picker


def open_form(app: Harness, query: str, service_id: str) -> object:
    picker = open_picker(app)
    app.type(query)
    assert picker.results.selection() and picker.results.selection()[0] == service_id
    app.key("Return")
    form = app.shell.current
    assert form.name == "form" and form.service.id == service_id
    app.wait_until(lambda: app.focused() is form.view.first_input(), what="focus in the first field")
    return form


def tab_to(app: Harness, widget: object, limit: int = 80) -> None:
    for _ in range(limit):
        if app.focused() is widget:
            return
        app.key("Tab")
    raise AssertionError(f"Tab never reached {widget}")


def test_search_as_you_type_and_open_with_enter(logged_in: Harness) -> None:
    app = logged_in
    picker = open_picker(app)
    app.type("паспорт")
    first = picker.results.get_children()[0]
    assert first == "passport-rf"
    assert picker.d_title.cget("text").startswith("Выдача (замена) паспорта")
    app.key("Down")  # into the list
    assert app.focused() is picker.results
    app.key("Return")
    assert app.shell.current.name == "form"


def test_agency_filter_and_a_service_offered_elsewhere(logged_in: Harness) -> None:
    app = logged_in
    picker = open_picker(app)
    picker.agency.current(picker.agency.cget("values").index("Госавтоинспекция ГУ МВД России по г. Москве"))
    picker.agency.event_generate("<<ComboboxSelected>>")
    app.pump()
    ids = picker.results.get_children()
    assert "vehicle-registration" in ids and "passport-rf" not in ids
    picker.results.selection_set("vehicle-registration")
    app.pump()
    marks = picker.results.set("vehicle-registration", "marks")
    assert t.PICKER_NOT_HERE in marks and t.PICKER_PRE_APPOINTMENT in marks
    assert "Флагманский офис" in picker.d_warning.cget("text")  # says where it is offered
    picker.open_selected()
    assert app.shell.current is picker
    assert app.shell.notice.visible and "Флагманский офис" in app.shell.notice.text.get()


def test_frequent_services_come_first(logged_in: Harness) -> None:
    app = logged_in
    for _ in range(3):
        app.shell.backends.usage.record("0101", "egrn-extract")
    picker = open_picker(app)
    app.settle()
    assert picker.results.get_children()[0] == "egrn-extract"
    assert t.PICKER_FREQUENT in picker.results.set("egrn-extract", "marks")


def test_fill_the_passport_form_from_its_example_with_keys(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    rows = form.view.rows
    # Фамилия, имя, отчество, пол — Tab between the parts; arrows choose in lists.
    app.type("Соколова")
    app.key("Tab")
    app.type("Анна")
    app.key("Tab")
    app.type("Викторовна")
    app.key("Tab")
    app.key("Down")
    app.key("Down")  # женский
    app.key("Return")  # Enter moves on, like Tab
    assert app.focused() is rows["birth_date"].editor.inputs[0]
    app.type("14031980")
    assert rows["birth_date"].editor.date.entry.get() == "14.03.1980"
    app.key("Tab")
    app.type("г. Москва")
    app.key("Tab")
    app.key("Down")  # Российская Федерация
    app.key("Tab")
    app.key("Down")
    app.key("Down")  # состою в браке
    app.key("Tab")
    app.type("89161234567")  # the leading 8 is the country code
    assert rows["phone"].editor.entry.get() == "+7 (916) 123-45-67"
    app.key("Tab")
    for text in ("г. Москва", "Москва", "ул. Авиамоторная", "12", "", "45", "111024"):
        app.type(text)
        app.key("Tab")
    app.key("Down")
    app.key("Down")
    app.key("Down")  # достижение 45-летнего возраста
    identity = rows["identity"].editor
    tab_to(app, identity.passport)
    app.type("4500123456")
    assert identity.passport.get() == "4500 123456"
    app.key("Tab")
    app.type("ОВД района Лефортово г. Москвы")
    app.key("Tab")
    app.type("10042000")
    app.key("Tab")
    app.type("772045")
    assert identity.division.get() == "772-045"
    mother = rows["mother"].editor
    tab_to(app, mother.parts["surname"])
    app.type("Соколова")
    app.key("Tab")
    app.type("Нина")
    app.key("Tab")
    app.type("Петровна")
    app.key("Tab")
    app.key("Down")
    app.key("Down")
    app.key("Tab")
    app.settle()

    controller = form.controller
    service = form.service
    expected = evaluate(service, example_answers(service), Context(TODAY), tariffs=app.shell.catalog.catalog.tariffs)
    assert controller.result.ok, controller.result.issues
    assert controller.result.answers == expected.answers
    assert all(not row.shown[0] for row in rows.values())  # no remark anywhere
    assert form.summary.fee.cget("text").startswith("300")
    assert "готово 27.11.2026" in form.summary.deadline.cget("text")


def test_a_remark_next_to_its_field_then_corrected(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    phone = form.view.rows["phone"]
    app.focus(phone.editor.entry)
    app.type("91612")
    app.settle()
    assert not phone.shown[0]  # nothing said while typing the first time
    app.key("Tab")
    app.settle()
    assert phone.message is not None and phone.message.winfo_ismapped()
    assert phone.message.cget("text") == "ожидается +7 или 8 и 10 цифр номера"
    assert int(phone.message.grid_info()["row"]) == int(phone.label.grid_info()["row"]) + 1  # right under it
    assert "invalid" in phone.editor.entry.state()
    app.focus(phone.editor.entry)
    app.key("End")
    app.type("34567")
    app.settle()
    assert not phone.message.winfo_ismapped() and "invalid" not in phone.editor.entry.state()


def test_a_section_appears_when_the_choice_changes(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    view = form.view
    reason = view.rows["reason"].editor.combo
    loss = view.rows["loss_circumstances"]
    assert not loss.visible and not loss.label.winfo_ismapped()
    app.focus(reason)
    for _ in range(5):
        app.key("Down")  # … утрата (похищение) паспорта
    assert form.controller.get("reason") == "loss"
    app.pump()
    assert loss.visible and loss.label.winfo_ismapped()
    app.key("Tab")
    assert app.focused() is loss.editor.text  # the new field is next in Tab order
    app.focus(reason)
    app.key("Home")
    for _ in range(5):
        app.key("Up")  # back to the first option: достижение 14-летнего возраста
    assert form.controller.get("reason") == "age14"
    app.pump()
    assert not view.sections["previous"].winfo_ismapped()
    assert not loss.label.winfo_ismapped()


def test_repeat_group_rows_are_added_and_removed(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    group = form.view.groups["children"]
    assert group.row_frames == []
    group.add_button.invoke()
    app.pump(0.1)
    assert len(group.row_frames) == 1
    first = form.view.rows["children[0].child"].editor.parts["surname"]
    app.wait_until(lambda: app.focused() is first, what="focus in the new row")
    app.type("Соколов")
    group.add_button.invoke()
    app.pump(0.1)
    assert len(group.row_frames) == 2 and len(form.controller.items("children")) == 2
    group.remove_buttons[0].invoke()
    app.pump(0.1)
    assert len(group.row_frames) == 1
    assert form.controller.items("children") == [{}]  # the row typed in was the one removed
    assert form.view.rows["children[0].child"].editor.parts["surname"].get() == ""


def test_f9_shows_what_is_missing_and_jumps_to_it_then_accepts(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    app.press("F9")
    assert app.shell.current is form
    assert app.shell.notice.visible and "исправьте ошибки" in app.shell.notice.text.get()
    app.pump(0.1)
    assert app.focused() in form.view.rows["applicant"].editor.inputs  # the first remark's field
    assert form.summary.issues.items and form.summary.issues.get("1.0", "end").startswith("Фамилия, имя, отчество")
    form.controller.load(example_answers(form.service))
    form.view.documents.all_button.invoke()  # «Отметить по перечню»
    app.pump()
    app.press("F9")
    app.settle()
    assert app.shell.current.name == "home"
    assert "Заявление принято" in app.shell.notice.text.get() and "27.11.2026" in app.shell.notice.text.get()
    home = app.shell.current
    assert len(home.today.rows) == 1
    row = next(iter(home.today.rows.values()))
    assert row.applicant == "Соколова А.В." and row.service_title == "Паспорт гражданина РФ"


def test_draft_saved_with_f2_and_reopened_where_it_stopped(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    app.type("Соколова")
    place = form.view.rows["birth_place"].editor.entry
    app.focus(place)
    app.type("Тверь")
    app.press("F2")
    app.settle()
    assert form.controller.draft_id
    assert "Черновик сохранён" in app.shell.status.message.cget("text")
    app.press("Escape")  # back to the list of services
    assert app.shell.current.name == "picker"
    app.press("F3")
    home = app.shell.current
    app.settle()
    assert len(home.drafts.rows) == 1
    app.wait_until(lambda: app.focused() is home.drafts.tree, what="focus on the drafts")
    app.key("Return")
    app.settle()
    reopened = app.shell.current
    assert reopened.name == "form" and reopened is not form
    assert reopened.view.rows["applicant"].editor.parts["surname"].get() == "Соколова"
    app.wait_until(lambda: app.focused() is reopened.view.rows["birth_place"].editor.entry,
                   what="cursor back in the field")


def test_autosave_after_typing_stops(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    form.autosaver.delay_ms = 50
    app.type("Иванова")
    app.pump(0.2)
    app.settle()
    assert form.controller.draft_id and form.autosaver.saves == 1
    app.type("-Петрова")
    app.pump(0.2)
    app.settle()
    drafts = app.shell.backends.drafts
    assert drafts.load_draft(form.controller.draft_id).answers["applicant"]["surname"] == "Иванова-Петрова"
    assert len(app.shell.backends.cases.open_drafts("demo")) == 1  # one form, one draft


def test_cascading_choice_follows_its_parent(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "тестовая", "ui-test-cascade")
    region = form.view.rows["region"].editor.combo
    district = form.view.rows["district"].editor.combo
    assert district.options == []
    app.focus(region)
    app.key("Down")  # Москва
    app.pump()
    assert [o.label for o in district.options] == ["Лефортово", "Свиблово"]
    app.key("Tab")
    assert app.focused() is district
    app.key("Down")
    app.key("Down")
    assert form.controller.get("district") == "sviblovo"
    app.focus(region)
    app.key("Down")  # Московская область
    app.pump()
    assert [o.label for o in district.options] == ["Химки", "Мытищи"]
    assert district.get() == "" and form.controller.get("district") is None


def test_masked_snils_checks_as_soon_as_it_is_complete(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "тестовая", "ui-test-cascade")
    snils = form.view.rows["snils"]
    app.focus(snils.editor.entry)
    app.type("11223344596")
    app.settle()
    assert snils.editor.entry.get() == "112-233-445 96"
    assert snils.message is not None and snils.message.cget("text") == "неверная контрольная сумма"
    app.key("BackSpace")
    app.type("5")
    app.settle()
    assert not snils.message.winfo_ismapped()


def test_calendar_popup_with_keys(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    date_input = form.view.rows["birth_date"].editor.date
    app.focus(date_input.entry)
    app.type("14031980")
    app.key("F4")
    popup = date_input.popup
    assert popup is not None and popup.winfo_ismapped()
    assert popup.title_label.cget("text") == "Март 1980"
    app.focus(popup)
    app.key("Right")
    app.key("Next")  # a month later
    app.key("Return")
    app.pump()
    assert date_input.entry.get() == "15.04.1980"
    assert form.controller.get("birth_date") == "1980-04-15"
    assert date_input.popup is None and app.focused() is date_input.entry


def test_tab_order_follows_the_form(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    rows = form.view.rows
    order = ["applicant", "birth_date", "birth_place", "citizenship", "marital_status", "phone", "address"]
    seen = []
    for _ in range(20):
        widget = app.focused()
        for field_id in order:
            if widget in rows[field_id].editor.inputs and field_id not in seen:
                seen.append(field_id)
        app.key("Tab")
    assert seen == order


def test_every_service_of_the_catalog_opens_and_shows_its_example(logged_in: Harness) -> None:
    """Every field kind gets an editor that takes its value; nothing fails on any form."""
    app = logged_in
    catalog = app.shell.catalog.catalog
    kinds = set()
    for service_id, service in catalog.services.items():
        app.shell.open_service(service_id)
        form = app.shell.current
        assert form.name == "form" and form.service.id == service_id
        form.controller.load(example_answers(service))
        form.view.refresh_now()
        app.pump()
        for f in service.fields:
            kinds.add(f.kind.value)
            kinds.update(sub.kind.value for sub in f.fields)
            assert f.id in form.view.rows or f.id in form.view.groups, (service_id, f.id)
        for path, row in form.view.rows.items():  # every editor shows what the example holds
            if "[" not in path and form.controller.get(path) is not None:
                assert row.editor.inputs, path
        app.shell.show_home()
        app.pump()
    assert {"person", "address", "identity_document", "phone", "date", "choice", "group"} <= kinds


def test_repeat_group_rows_are_added_and_removed_with_keys(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    group = form.view.groups["children"]
    tab_to(app, group.add_button)
    app.key("Return")  # Enter on a focused button presses it (ttkbootstrap's binding; Space it unbinds)
    first = lambda n: form.view.rows[f"children[{n}].child"].editor.parts["surname"]
    app.wait_until(lambda: len(group.row_frames) == 1 and app.focused() is first(0), what="a row, focus in it")
    app.type("Соколов")
    tab_to(app, group.add_button)
    app.key("Return")
    app.wait_until(lambda: len(group.row_frames) == 2 and app.focused() is first(1), what="a second row")
    app.type("Петров")
    app.focus(first(0))
    tab_to(app, group.remove_buttons[0])  # «✕ Удалить» of the first row
    app.key("Return")
    app.wait_until(lambda: len(group.row_frames) == 1, what="the first row removed")
    assert form.controller.items("children") == [{"child": {"surname": "Петров"}}]
    app.wait_until(lambda: app.focused() is group.add_button, what="focus back on «Добавить»")


def test_print_and_notification_choice(logged_in: Harness) -> None:
    app = logged_in
    form = open_form(app, "паспорт", "passport-rf")
    block = form.view.notification
    assert form.controller.notification == "sms"
    block.var.set("email")
    block._changed()
    assert form.controller.notification == "email"
    phone = form.view.rows["phone"].editor.entry
    app.focus(phone)
    app.type("9161234567")
    app.settle()
    assert block.hints["sms"].cget("text") == "SMS на номер +7 (916) 123-45-67"
    app.press("Control-p")  # printing is not wired yet: a plain Russian notice, no error reference
    app.settle()
    assert app.shell.notice.text.get() == t.PRINTING_NOT_WIRED and not app.unexpected()


def test_documents_checklist_fee_exemption_and_due_date_with_keys(logged_in: Harness) -> None:
    """The blocks under the form, driven through their widgets: originals and copies typed into the
    checklist, a privileged category ticked with the keyboard (fee 0, the full fee named), the due
    date in the summary."""
    app = logged_in
    form = open_form(app, "кадастровый", "rosreestr-registration")
    c = form.controller
    c.load(example_answers(form.service))
    app.settle()
    assert c.fee.tariff is not None  # the example asks for a paid variant
    full = c.fee.amount
    assert full > 0 and form.summary.fee.cget("text").replace("\xa0", "") == f"{int(full)}₽"
    assert form.summary.deadline.cget("text")  # the due date is shown
    docs = form.view.documents
    first_doc = next(iter(docs.spins))
    spin = docs.spins[first_doc]["originals"]
    app.focus(spin)
    spin.selection_range(0, "end")
    app.type("2")
    copies = docs.spins[first_doc]["copies"]
    app.key("Tab")
    assert app.focused() is copies  # Tab goes on along the checklist row
    copies.selection_range(0, "end")
    app.type("1")
    app.settle()
    presented = c.presented[first_doc]
    assert (presented.originals, presented.copies) == (2, 1)
    box = next(w for w in form.view.privileges.frame.winfo_children() if w.winfo_class() == "TCheckbutton")
    app.focus(box)
    app.key("space")  # ticked without a mouse
    app.settle()
    assert c.privileges == {form.service.exemptions[0]} and c.fee.amount == 0
    assert form.summary.fee.cget("text").startswith("0")
    assert form.summary.fee_note.cget("text")  # says what it would cost and why it is free
