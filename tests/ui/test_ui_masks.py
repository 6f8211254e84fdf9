"""Input masks, without a screen: what is shown for what is typed, and where the cursor goes."""

from __future__ import annotations

from workstation.ui.form import masks


def type_all(mask: masks.Mask, text: str) -> masks.Edit:
    chars, pos = "", 0
    edit = masks.Edit("", "", 0)
    for ch in text:
        edit = mask.insert(chars, pos, ch)
        chars, pos = edit.chars, edit.cursor
    return edit


def test_passport_series_and_number() -> None:
    edit = type_all(masks.PASSPORT, "4500123456")
    assert edit.text == "4500 123456" and edit.cursor == len(edit.text)
    assert masks.PASSPORT.complete(edit.chars)
    assert type_all(masks.PASSPORT, "4500").text == "4500"  # the space appears with the fifth digit
    assert type_all(masks.PASSPORT, "45001").text == "4500 1"


def test_snils_phone_date_division_code() -> None:
    assert type_all(masks.SNILS, "11223344595").text == "112-233-445 95"
    assert type_all(masks.DATE, "14031980").text == "14.03.1980"
    assert type_all(masks.DIVISION_CODE, "772045").text == "772-045"
    assert type_all(masks.PHONE, "9161234567").text == "+7 (916) 123-45-67"


def test_letters_and_extra_digits_are_ignored() -> None:
    assert type_all(masks.SNILS, "1a2b3-").text == "123"
    assert type_all(masks.DIVISION_CODE, "7720451234").text == "772-045"


def test_a_leading_8_or_7_in_a_phone_is_the_country_code() -> None:
    assert type_all(masks.PHONE, "89161234567").text == "+7 (916) 123-45-67"
    assert type_all(masks.PHONE, "79161234567").text == "+7 (916) 123-45-67"


def test_paste_accepts_any_spelling() -> None:
    for pasted in ("8 (916) 123-45-67", "+7 916 123 45 67", "+7 (916) 123-45-67", "9161234567"):
        assert masks.PHONE.insert("", 0, pasted).text == "+7 (916) 123-45-67", pasted
    assert masks.SNILS.insert("", 0, "112 233 445 95").text == "112-233-445 95"


def test_backspace_and_delete_skip_literals() -> None:
    mask = masks.SNILS
    edit = type_all(mask, "1122")  # "112-2"
    edit = mask.backspace(edit.chars, edit.cursor)
    assert edit.text == "112" and edit.cursor == 3
    edit = mask.backspace(edit.chars, edit.cursor)
    assert edit.text == "11"
    full = type_all(mask, "11223344595")
    edit = mask.delete(full.chars, 3)  # cursor just before the first "-": deletes the next digit
    assert edit.chars == "1123344595"


def test_typing_in_the_middle_and_over_a_selection() -> None:
    mask = masks.DATE
    edit = type_all(mask, "14031980")
    fixed = mask.insert(edit.chars, 0, "2", selection=(0, 2))  # replace the day
    assert fixed.text == "20.31.980" or fixed.chars.startswith("2")
    inserted = mask.insert("1980", 1, "5")
    assert inserted.chars == "15980"[:8] and inserted.cursor == 2


def test_extract_reads_stored_values() -> None:
    assert masks.PHONE.extract("+79161234567") == "9161234567"
    assert masks.PASSPORT.extract("4500123456") == "4500123456"
    assert masks.DATE.extract("14.03.1980") == "14031980"
