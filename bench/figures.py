"""A measured figure next to its goal, and the timing helpers every benchmark uses."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: float | None = None  # None: reported, no goal
    lower_is_better: bool = True
    baseline: float | None = None  # the same work by a bare reference measured in the same run
    ratio_goal: float | None = None  # value / baseline must not exceed this
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]

    @property
    def met(self) -> bool:
        ok = True
        if self.goal is not None:
            ok = self.value <= self.goal if self.lower_is_better else self.value >= self.goal
        if self.ratio_goal is not None and self.ratio is not None:
            ok = ok and self.ratio <= self.ratio_goal
        return ok

    def line(self) -> str:
        sign = "≤" if self.lower_is_better else "≥"
        goal = f"goal {sign} {self.goal:g} {self.unit}" if self.goal is not None else "no goal"
        text = f"{self.name:<58} {self.value:>12.3f} {self.unit:<6} {goal}"
        if self.ratio is not None:
            text += f"; ratio {self.ratio:.2f}× baseline {self.baseline:.3f} {self.unit}"
            if self.ratio_goal is not None:
                text += f" (goal ≤ {self.ratio_goal:g}×)"
        text += "  OK" if self.met else "  MISSED"
        if self.note:
            text += f"  [{self.note}]"
        return text


def time_ms(fn: Callable[[], object], *, repeat: int = 50, warmup: int = 3) -> list[float]:
    """Wall times of `fn` in milliseconds, after a warm-up."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]
