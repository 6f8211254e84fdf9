"""Input masks: what a masked entry shows for the characters typed so far, and how edits move.

A mask is a pattern in which `9` is a digit slot and every other character is literal:
`9999 999999` (passport series and number), `999-999-999 99` (СНИЛС),
`+7 (999) 999-99-99` (phone), `99.99.9999` (date), `999-999` (division code).

The entry keeps only the typed characters ("chars"); the text shown is always
`render(chars)`: the pattern filled from the left, literals appearing as soon as a character
after them is typed, so an empty field stays empty and «1234» in a passport field reads
«1234». Because the shown text is aligned with the pattern, a cursor position maps to a slot
index and back, which is all the editing operations need. Pure logic: tested without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass

SLOT = "9"


@dataclass(frozen=True, slots=True)
class Edit:
    chars: str
    text: str
    cursor: int


@dataclass(frozen=True, slots=True)
class Mask:
    pattern: str
    # Digits typed first that mean the fixed prefix, not the number: «8» or «7» in a phone.
    swallow_first: tuple[str, ...] = ()

    @property
    def slots(self) -> int:
        return self.pattern.count(SLOT)

    @property
    def prefix(self) -> str:
        """The literal text before the first slot («+7 (» for a phone)."""
        return self.pattern[: self.pattern.index(SLOT)] if SLOT in self.pattern else self.pattern

    def render(self, chars: str) -> str:
        out: list[str] = []
        i = 0
        for p in self.pattern:
            if i >= len(chars):
                break
            if p == SLOT:
                out.append(chars[i])
                i += 1
            else:
                out.append(p)
        return "".join(out)

    def complete(self, chars: str) -> bool:
        return len(chars) == self.slots

    @staticmethod
    def accepts(ch: str) -> bool:
        return "0" <= ch <= "9"

    def extract(self, text: str) -> str:
        """The slot characters of any text: a rendered value, a stored one or a pasted one."""
        if text.startswith(self.prefix) and self.prefix:
            text = text[len(self.prefix) :]
        elif self.swallow_first:
            stripped = text.lstrip()
            if stripped.startswith("+"):
                stripped = stripped[1:]
            digits = [c for c in stripped if self.accepts(c)]
            if len(digits) == self.slots + 1 and digits[0] in self.swallow_first:
                return "".join(digits[1:])
        digits = "".join(c for c in text if self.accepts(c))
        return digits[: self.slots]

    # --- positions -------------------------------------------------------------------------
    def slot_at(self, text: str, pos: int) -> int:
        """How many slot characters lie before cursor position `pos` of a rendered text."""
        pos = max(0, min(pos, len(text)))
        return sum(1 for p in self.pattern[:pos] if p == SLOT)

    def position_after(self, n: int, text_length: int) -> int:
        """The cursor position just after the n-th slot (0: before the first typed character)."""
        if n <= 0:
            return min(len(self.prefix), text_length)
        seen = 0
        for k, p in enumerate(self.pattern):
            if p == SLOT:
                seen += 1
                if seen == n:
                    return min(k + 1, text_length)
        return text_length

    # --- edits -------------------------------------------------------------------------------
    def _result(self, chars: str, slot: int) -> Edit:
        text = self.render(chars)
        return Edit(chars, text, self.position_after(slot, len(text)))

    def insert(self, chars: str, pos: int, typed: str, selection: tuple[int, int] | None = None) -> Edit:
        """Type (or paste) `typed` at cursor `pos`, replacing the selection if there is one."""
        text = self.render(chars)
        if selection is not None and selection[0] != selection[1]:
            chars, pos = self._cut(chars, text, selection)
            text = self.render(chars)
        slot = self.slot_at(text, pos)
        incoming = [c for c in typed if self.accepts(c)]
        if len(typed) > 1:  # a paste: it may carry the prefix or a leading 8
            incoming = list(self.extract(typed)) if slot == 0 and not chars else incoming
        elif incoming and not chars and slot == 0 and incoming[0] in self.swallow_first:
            return self._result(chars, 0)
        room = self.slots - len(chars)
        incoming = incoming[:room]
        new = chars[:slot] + "".join(incoming) + chars[slot:]
        return self._result(new, slot + len(incoming))

    def _cut(self, chars: str, text: str, selection: tuple[int, int]) -> tuple[str, int]:
        start, end = sorted(selection)
        a, b = self.slot_at(text, start), self.slot_at(text, end)
        remaining = chars[:a] + chars[b:]
        return remaining, self.position_after(a, len(self.render(remaining)))

    def backspace(self, chars: str, pos: int, selection: tuple[int, int] | None = None) -> Edit:
        text = self.render(chars)
        if selection is not None and selection[0] != selection[1]:
            remaining, _ = self._cut(chars, text, selection)
            return self._result(remaining, self.slot_at(text, min(selection)))
        slot = self.slot_at(text, pos)
        if slot == 0:
            return self._result(chars, 0)
        return self._result(chars[: slot - 1] + chars[slot:], slot - 1)

    def delete(self, chars: str, pos: int, selection: tuple[int, int] | None = None) -> Edit:
        text = self.render(chars)
        if selection is not None and selection[0] != selection[1]:
            return self.backspace(chars, pos, selection)
        slot = self.slot_at(text, pos)
        return self._result(chars[:slot] + chars[slot + 1 :], slot)


PASSPORT = Mask("9999 999999")
PASSPORT_SERIES = Mask("9999")
PASSPORT_NUMBER = Mask("999999")
SNILS = Mask("999-999-999 99")
PHONE = Mask("+7 (999) 999-99-99", swallow_first=("7", "8"))
DATE = Mask("99.99.9999")
DIVISION_CODE = Mask("999-999")
POSTCODE = Mask("999999")
BIK = Mask("999999999")
ACCOUNT = Mask("99999 999 9 9999 9999999")
YEAR = Mask("9999")
