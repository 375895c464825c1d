"""The year's record: facts the apps know about a member or a unit over a period, offered to a review's writer to
cite (docs/architecture.md, "Drafting from the year's record").

The registry sits here, below every app, as the home page's agenda does: each app keeps its source in its own
`record_facts.py`, loaded by its AppConfig.ready, and registers it with `register_source`; reviews reads them all
(`soisua/reviews/record.py`) without importing any of them. A source gives two functions:

- `facts(review)`: the facts of the review's member (or, for the collective's review, of its unit) over
  `review.cycle.period_start..period_end`, as dicts with the fields of `Fact`. A bounded number of queries
  whatever the number of facts.
- `links(user, asked)`: for `asked` = {kind: [ids]} (the key's two halves), the keys `user` may open, each with its
  source page's address and, where the fact carries a file, the file's: {key: (url, file_url)}. Decided by the
  app's policy; a key missing from the answer is shown as plain text.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    key: str  # "<kind>:<id>", stable across page loads, e.g. "meetings.attendance:123"
    text: str  # the sentence quoted, with its dates and numbers
    source: str  # the record it comes from, e.g. "Biên bản sinh hoạt chi bộ ngày 05/03/2026"
    group: str  # the heading it is listed under in the editor ("Meetings", "Corrections", ...)
    url: str = ""  # the source page, for the review's writer
    file_url: str = ""  # a file that shows it (correction evidence, a report's evidence, the minutes)
    day: datetime.date | None = None

    def citation(self, section: str) -> dict:
        """What a review stores when its writer cites the fact in `section`."""
        return {"section": section, "key": self.key, "text": self.text, "source": self.source,
                "evidence": bool(self.file_url)}


@dataclass(frozen=True)
class Source:
    name: str
    kinds: tuple[str, ...]  # the key prefixes its facts carry
    facts: Callable[[object], Iterable[dict]]
    links: Callable[[object, dict[str, list[str]]], dict[str, tuple[str, str]]]


_sources: dict[str, Source] = {}

# The order the editor lists the sources in, whatever order the apps are loaded in; others follow.
ORDER = ("meetings", "dues", "corrections", "directives", "oversight")


def register_source(name: str, *, kinds: Iterable[str], facts: Callable, links: Callable) -> None:
    """Register (or replace, when a module is loaded again) the source `name`."""
    _sources[name] = Source(name, tuple(kinds), facts, links)


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda source: (ORDER.index(source.name) if source.name in ORDER
                                                         else len(ORDER), source.name))


def ids(asked: dict[str, list[str]], kind: str) -> list[int]:
    """The numeric ids asked for one kind (anything else is ignored: a key may come from an older page)."""
    return [int(ident) for ident in asked.get(kind, []) if ident.isdigit()]
