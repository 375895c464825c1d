"""What needs a person today, gathered from every app for the home page.

Each app registers a provider (`@agenda.provider`): a function of (user, today) returning `Item`s, the things that
wait for that person in the app, each linking to the page where it is done. A provider whose items come and go
without telling the person or recording their act (a vote opened in their meeting, a rating they gave anonymously)
registers as `live`: it is asked on every visit, never kept in the cache. The home page lists them by urgency:
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
_live: list[Provider] = []


def provider(function: Provider | None = None, *, live: bool = False):
    """Register a provider; `@provider(live=True)` for one read on every visit."""
    def register(function: Provider) -> Provider:
        registry = _live if live else _providers
        if function not in registry:
            registry.append(function)
        return function

    return register(function) if function is not None else register


def urgency_of(day: datetime.date | None, today: datetime.date) -> int:
    if day is None:
        return WAITING
    return OVERDUE if day < today else TODAY if day == today else SOON


def _gather(providers: list[Provider], user, today: datetime.date) -> list[Item]:
    return [item for function in providers for item in function(user, today)]


def _sorted(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (item.urgency, item.when or datetime.date.max, item.title))


def agenda_for(user, today: datetime.date) -> list[Item]:
    return _sorted(_gather(_providers + _live, user, today))


def cached_agenda_for(user, today: datetime.date, *, stamp: tuple) -> list[Item]:
    """`agenda_for`, kept AGENDA_CACHE_SECONDS for the same `stamp` (what the caller knows changes the list: the
    newest message the person was told, their newest recorded act, their grants), day and language. Every workflow
    step tells the person who acts next, so new work shows at once, and what they did leaves at once; an item
    others settled without telling them leaves within that time. The live providers' items are read every time."""
    seconds = settings.AGENDA_CACHE_SECONDS
    if seconds <= 0:
        return agenda_for(user, today)
    parts = (user.pk, today.isoformat(), translation.get_language(), *stamp)
    key = "agenda:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    items = cache.get(key)
    if items is None:
        items = _gather(_providers, user, today)
        cache.set(key, items, seconds)
    return _sorted(items + _gather(_live, user, today))
