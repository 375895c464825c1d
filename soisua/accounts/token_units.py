"""The units a token may be limited to, as the organisation tells them.

accounts sits below org in the app graph (docs/architecture.md), so a token keeps its unit as a plain id and asks
the organisation what that id means. org registers its answers when it loads (org.apps, org/tokens.py), as the
apps register their agenda providers.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TokenUnits:
    # The units a login may choose on the tokens page: [(id, name)], cheap to compute.
    choices: Callable[[object], list[tuple[int, str]]]
    # Whether the login sees the unit, so may limit a token to its subtree.
    may_limit: Callable[[object, int], bool]
    # The id of the unit with this code, or None.
    by_code: Callable[[str], int | None]
    # {id: name} of these units (those that still exist).
    names: Callable[[list[int]], dict[int, str]]


_registered: list[TokenUnits] = []


def register(units: TokenUnits) -> None:
    _registered[:] = [units]


def provider() -> TokenUnits:
    if not _registered:
        raise RuntimeError("No app registered the units API tokens may be limited to (soisua.org does).")
    return _registered[0]
