"""The demo's clock, for the demo loaders only (never while the site serves requests).

The demo is written through the services, and the services date what they write by the clock: a plan made today
cannot have a step due last month, and last year's review cycle cannot be closed today. To show a history (last
year's cycle, its ratings, a roadmap step that fell overdue), each app's demo writes each part on the day it
happened, inside `on_day(day)`: while it lasts, `django.utils.timezone.now` (and so `timezone.localdate`, the
`auto_now` fields and the audit trail) reads that day, a millisecond later at each reading, so the order of the
writes is kept and the same demo gets the same times on every machine.
"""

import datetime
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

# Writes of a demo day start at this hour (the product's time zone).
DAY_STARTS = datetime.time(8)


@contextmanager
def at(moment: datetime.datetime) -> Iterator[None]:
    """Write what follows at `moment` (a millisecond later at each reading), whatever the real time is."""
    ticks = itertools.count()

    def now() -> datetime.datetime:
        return moment + datetime.timedelta(milliseconds=next(ticks))

    with mock.patch.object(timezone, "now", now):
        yield


@contextmanager
def on_day(day: datetime.date) -> Iterator[None]:
    """Write what follows on `day` (from DAY_STARTS), whatever the real date is."""
    with at(timezone.make_aware(datetime.datetime.combine(day, DAY_STARTS))):
        yield


@contextmanager
def as_of(today: datetime.date) -> Iterator[None]:
    """The whole demo's clock: the real one when `today` is the real date, else `on_day(today)`."""
    if today == timezone.localdate():
        yield
    else:
        with on_day(today):
            yield
