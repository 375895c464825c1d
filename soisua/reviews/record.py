"""The year's record offered to a review's writer as quotable facts, read from the sources the apps register with
`soisua/core/record.py` (docs/architecture.md, "Drafting from the year's record").

Facts are offered, never written for the member: citing one stores its sentence and source on the review
(`Review.citations`, `services.save_review`); the member's text is never changed. Who may open a cited fact's
source is each source's policy (`links_for`, through `policy.citations_for_reader`).
"""

from collections.abc import Iterable

from soisua.core.record import Fact, sources

__all__ = ["Fact", "facts_for", "grouped", "links_for"]


def facts_for(review) -> list[Fact]:
    """Every registered source's facts for the review, source by source, each source's facts as it orders them."""
    return [Fact(**row) for source in sources() for row in source.facts(review)]


def links_for(user, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{key: (url, file_url)} for the cited keys whose source still exists and `user` may open: each source asked
    once for all its keys."""
    by_kind: dict[str, list[str]] = {}
    for key in keys:
        kind, _sep, ident = key.partition(":")
        by_kind.setdefault(kind, []).append(ident)
    links = {}
    for source in sources():
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
