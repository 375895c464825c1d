"""How big the generated organisation is: the country's sizes, a fraction of them, and uneven shares."""

import random
from dataclasses import dataclass

from django.core.management.base import CommandError

from .places import PROVINCES

# The country after the July 2025 reform.
NATIONAL = {"provinces": 34, "communes": 3_300, "cells": 270_000, "members": 5_600_000}


@dataclass(frozen=True, slots=True)
class Sizes:
    provinces: int
    communes: int
    cells: int
    members: int

    @classmethod
    def scaled(cls, scale: float) -> "Sizes":
        return cls(**{level: max(1, round(count * scale)) for level, count in NATIONAL.items()})

    def check(self) -> None:
        if not 1 <= self.provinces <= len(PROVINCES):
            raise CommandError(f"--provinces must be between 1 and {len(PROVINCES)}")
        if not self.provinces <= self.communes <= self.cells <= self.members:
            raise CommandError("Need provinces <= communes <= cells <= members (every unit holds someone).")


def split(total: int, parts: int, rng: random.Random, spread: float = 0.5) -> list[int]:
    """`total` in `parts` uneven positive shares (each at least 1 when total >= parts), summing exactly."""
    base = 1 if total >= parts else 0
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    factor = (total - base * parts) / sum(weights)
    shares = [base + int(weight * factor) for weight in weights]
    for index in range(total - sum(shares)):
        shares[index % parts] += 1
    return shares
