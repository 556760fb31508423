"""Figures over repeated runs: median, min and max, and ratios taken pair by pair.

The machine is shared and noisy, so compared runs alternate (A B A B ...) and every comparison is a
ratio within one pair; the median of those ratios is the figure, min and max show the spread.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Median, min and max of repeated measurements (at least one)."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            raise ValueError("a summary needs at least one value")
        return cls(tuple(float(v) for v in values))

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    @property
    def runs(self) -> int:
        return len(self.values)

    def show(self, digits: int = 1, unit: str = "") -> str:
        """`median (min to max)`, or just the value for a single run."""
        if self.runs == 1:
            return f"{self.median:.{digits}f}{unit}"
        return f"{self.median:.{digits}f}{unit} ({self.min:.{digits}f} to {self.max:.{digits}f})"


def pair_ratios(numerators: Sequence[float], denominators: Sequence[float]) -> Summary:
    """Ratios of the runs taken side by side: `numerators[i] / denominators[i]`."""
    if len(numerators) != len(denominators):
        raise ValueError("ratios are taken pair by pair: the two lists must have one length")
    return Summary.of([a / b for a, b in zip(numerators, denominators, strict=True) if b > 0])


@dataclass(frozen=True)
class Goal:
    """A ratio the issue asks for: at most (`upper`) or at least a `limit`."""

    limit: float
    upper: bool  # True: the ratio must be at most `limit`; False: at least

    def met(self, ratio: float) -> bool:
        return ratio <= self.limit if self.upper else ratio >= self.limit

    def show(self) -> str:
        return f"{'≤' if self.upper else '≥'} {self.limit:g}x"
