"""The year's record offered to a review's writer as quotable facts (docs/architecture.md, "Drafting from the year's
record").

Each app that knows something about a member or a unit over a cycle's period keeps a source in its own
`record_facts.py`. The apps below reviews in the graph (corrections, meetings, dues) are registered here, by this
module; the apps above it (directives, oversight) register themselves from their AppConfig.ready, so reviews never
imports them. A source gives two functions:

- `facts(review)`: the facts of the review's member (or, for the collective's review, of its unit) over
  `cycle.period_start..period_end`, as dicts with the fields of `Fact`: a short sentence, the source it comes
  from, a stable key ("meetings.attendance:123") and, for its writer, the link to the source page. A bounded
  number of queries whatever the number of facts.
- `links(user, ids)`: for the ids of its facts (the part of the key after the colon) that `user` may open, the
  source page's address and, where the fact carries a file, the file's: {id: (url, file_url)}. Decided by the app's
  policy; an id missing from the answer is shown as plain text.

Facts are offered, never written for the member: citing one stores its sentence and source on the review
(`Review.citations`); the member's text is never changed.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    key: str  # "<kind>:<id>", stable across page loads, e.g. "meetings.attendance:123"
    text: str  # the sentence quoted, with its dates and numbers
    source: str  # the record it comes from, e.g. "Biên bản sinh hoạt chi bộ 05/03/2026"
    group: str  # the heading it is listed under in the editor ("Meetings", "Corrections", ...)
    url: str = ""  # the source page, for the review's writer
    file_url: str = ""  # a file that shows it (correction evidence, a report's evidence, the minutes)
    day: datetime.date | None = None

    @property
    def kind(self) -> str:
        return self.key.partition(":")[0]

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


def register_source(name: str, *, kinds: Iterable[str], facts: Callable, links: Callable) -> None:
    """Register (or replace, when a module is loaded again) the source `name`. `links(user, {kind: [ids]})`
    answers {key: (url, file_url)} for the keys the user may open."""
    _sources[name] = Source(name, tuple(kinds), facts, links)


def sources() -> list[Source]:
    return list(_sources.values())


def facts_for(review) -> list[Fact]:
    """Every registered source's facts for the review, source by source in the order of registration, each
    source's facts as it orders them."""
    return [Fact(**row) for source in _sources.values() for row in source.facts(review)]


def links_for(user, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{key: (url, file_url)} for the cited keys whose source still exists and `user` may open: each source asked
    once for all its keys."""
    by_kind: dict[str, list[str]] = {}
    for key in keys:
        kind, _sep, ident = key.partition(":")
        by_kind.setdefault(kind, []).append(ident)
    links = {}
    for source in _sources.values():
        asked = {kind: ids for kind, ids in by_kind.items() if kind in source.kinds}
        if asked:
            links.update(source.links(user, asked))
    return links


def grouped(facts: list[Fact]) -> list[tuple[str, list[Fact]]]:
    """The facts under their headings, in order of first appearance."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(fact.group, []).append(fact)
    return list(groups.items())


def ids(asked: dict[str, list[str]], kind: str) -> list[int]:
    """The numeric ids asked for one kind (anything else is ignored: a key may come from an older page)."""
    return [int(ident) for ident in asked.get(kind, []) if ident.isdigit()]


def _register_lower_sources() -> None:
    from soisua.corrections import record_facts as corrections
    from soisua.dues import record_facts as dues
    from soisua.meetings import record_facts as meetings

    for name, module in (("meetings", meetings), ("dues", dues), ("corrections", corrections)):
        register_source(name, kinds=module.KINDS, facts=module.facts, links=module.links)


_register_lower_sources()
