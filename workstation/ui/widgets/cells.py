"""Treeview cells on two lines: a ttk Treeview neither wraps nor shows a tooltip, so long texts
(a service's title of 130 characters) are broken into lines here, to the column's width, and a
row style twice as tall (`Tall.Treeview`) shows them. What still does not fit ends in «…».
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

ELLIPSIS = "…"


def wrap_cell(tokens: Sequence[str], joiner: str, measure: Callable[[str], int], width: int, lines: int = 2
              ) -> str:
    """`tokens` (words, or marks joined by «, ») laid out greedily in at most `lines` lines of
    `width` pixels; a token wider than a line stands alone on it and the last line is cut to fit."""
    out: list[str] = []
    current = ""
    for n, token in enumerate(tokens):
        candidate = f"{current}{joiner}{token}" if current else token
        if not current or measure(candidate) <= width:
            current = candidate
            continue
        if len(out) == lines - 1:  # no line left: the rest goes on this one, cut
            rest = joiner.join([current, *tokens[n:]])
            out.append(_cut(rest, measure, width))
            return "\n".join(out)
        out.append(current + joiner.rstrip())  # «не в этом офисе,» / a word line as it is
        current = token
    if current:
        out.append(current if len(out) < lines - 1 or measure(current) <= width else _cut(current, measure, width))
    return "\n".join(out)


def _cut(text: str, measure: Callable[[str], int], width: int) -> str:
    if measure(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if measure(text[:mid].rstrip() + ELLIPSIS) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip(" ,") + ELLIPSIS
