"""What needs a person today, gathered from every app for the home page.

Each app registers a provider (`@agenda.provider`): a function of (user, today) returning `Item`s, the things that
wait for that person in the app, each linking to the page where it is done. The home page lists them by urgency:
overdue first, then today, then this week, then what waits without a date. A provider reads only what the person
may see (it goes through its app's policy) and costs a few indexed queries, whoever the person is.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

OVERDUE, TODAY, SOON, WAITING = range(4)


@dataclass(frozen=True)
class Item:
    urgency: int
    title: str
    url: str
    detail: str = ""
    when: datetime.date | None = None

    @property
    def overdue(self) -> bool:
        return self.urgency == OVERDUE

    @property
    def tag(self) -> tuple[str, str] | None:
        """The status tag the home page's task list shows: (label, tone)."""
        if self.urgency == OVERDUE:
            return gettext("overdue"), "red"
        if self.urgency == TODAY:
            return gettext("today"), "orange"
        return None


Provider = Callable[[object, datetime.date], Iterable[Item]]
_providers: list[Provider] = []


def provider(function: Provider) -> Provider:
    if function not in _providers:
        _providers.append(function)
    return function


def urgency_of(day: datetime.date | None, today: datetime.date) -> int:
    if day is None:
        return WAITING
    return OVERDUE if day < today else TODAY if day == today else SOON


def agenda_for(user, today: datetime.date) -> list[Item]:
    items = [item for function in _providers for item in function(user, today)]
    return sorted(items, key=lambda item: (item.urgency, item.when or datetime.date.max, item.title))


def cached_agenda_for(user, today: datetime.date, *, stamp: tuple) -> list[Item]:
    """`agenda_for`, kept AGENDA_CACHE_SECONDS for the same `stamp` (what the caller knows changes the list: the
    newest message the person was told, their newest recorded act, their grants), day and language. Every workflow
    step tells the person who acts next, so new work shows at once, and what they did leaves at once; an item
    others settled without telling them leaves within that time."""
    seconds = settings.AGENDA_CACHE_SECONDS
    if seconds <= 0:
        return agenda_for(user, today)
    parts = (user.pk, today.isoformat(), translation.get_language(), *stamp)
    key = "agenda:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    items = cache.get(key)
    if items is None:
        items = agenda_for(user, today)
        cache.set(key, items, seconds)
    return items
