"""What needs a person today, gathered from every app for the home page.

Each app registers a provider (`@agenda.provider`): a function of (user, today) returning `Item`s, the things that
wait for that person in the app, each linking to the page where it is done. The home page lists them by urgency:
overdue first, then today, then this week, then what waits without a date. A provider reads only what the person
may see (it goes through its app's policy) and costs a few indexed queries, whoever the person is.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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
