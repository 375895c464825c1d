"""What the units of API tokens mean (accounts.token_units): the units a login may limit a token to, decided by
`org.access` like every other question of who sees what."""

from soisua.accounts.token_units import TokenUnits

from . import access
from .models import Unit


def choices(user) -> list[tuple[int, str]]:
    """The units offered on the tokens page, cheap whoever asks: those the user holds a grant on and their own
    cell (a superuser holds none: the top units); any unit they see can be chosen by its code from the command
    line."""
    scope = access.scope_for(user)
    ids = scope.top_units() if scope.everything else [grant.unit_id for grant in scope.grants]
    return list(Unit.objects.filter(pk__in=set(ids)).order_by("path").values_list("pk", "name"))


def may_limit(user, unit_id: int) -> bool:
    unit = Unit.objects.only("id", "path").filter(pk=unit_id).first()
    return unit is not None and access.can_read_unit(user, unit)


def by_code(code: str) -> int | None:
    return Unit.objects.filter(code=code.strip()).values_list("pk", flat=True).first()


def names(ids: list[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))


UNITS = TokenUnits(choices=choices, may_limit=may_limit, by_code=by_code, names=names)
