"""Subtree counters for bulk loads, written as `rebuild_rollups` writes them.

A loader that writes source rows without the services (meetings and their rolls) adds up their figures per unit,
for the unit and every ancestor, by the sources' metric names, and writes the counters here: one row per (unit,
period, metric) in slot 0, none for a zero figure, in the order of COUNTER_COLUMNS. Counters are then what
`rebuild_rollups` would compute, and later writes bump them as usual.
"""

import datetime
from collections.abc import Callable, Mapping

from . import rollups
from .models import Counter

TABLES = (Counter,)
COUNTER_COLUMNS = ("id", "unit_id", "period", "metric", "slot", "value")


def period(moment: datetime.date | datetime.datetime) -> str:
    """The counters' period of a day or a moment: its month, "YYYY-MM"."""
    return rollups.period_of(moment)


def counter_rows(figures: Mapping[tuple[int, str, str], int], next_id: Callable[[], int]) -> list[tuple]:
    """Counter rows of `figures` by (unit id, period, metric), in key order, each with the id `next_id()` gives."""
    return [(next_id(), unit_id, month, metric, 0, value)
            for (unit_id, month, metric), value in sorted(figures.items()) if value]
