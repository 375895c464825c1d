"""The roles a login holds, as the organisation tells them.

accounts sits below org in the app graph (docs/architecture.md), so it cannot read role grants itself; who must
log in with a second factor depends on them (policy.requires_two_factor). org registers its answer when it loads
(org.apps), as it registers the units of API tokens (token_units).
"""

from collections.abc import Callable

_registered: list[Callable[[object], set[str]]] = []


def register(held_roles: Callable[[object], set[str]]) -> None:
    """`held_roles(user)`: every role the login holds anywhere (grants, the roles posts give, stand-ins)."""
    _registered[:] = [held_roles]


def held_roles(user) -> set[str]:
    if not _registered:
        raise RuntimeError("No app registered the roles logins hold (soisua.org does).")
    return _registered[0](user)
