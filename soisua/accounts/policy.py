"""Who acts on what belongs to a login: a person's API tokens are theirs alone (404 for anyone else's); who must
log in with a second factor."""

from django.conf import settings
from django.http import Http404

from . import login_roles
from .models import ApiToken


def get_api_token_for_user(user, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=pk).first() if user.is_authenticated else None
    if token is None:
        raise Http404
    return token


def requires_two_factor(user) -> bool:
    """Whether the login must use a second factor (docs/security.md, "Two-factor login and sessions"): superusers,
    Django staff, and whoever holds a role of settings.TWO_FACTOR_REQUIRED_ROLES anywhere, from a grant, a post or
    a stand-in. Members and cell secretaries may turn it on; once on, their logins ask for it too
    (`two_factor.needs_code`)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(login_roles.held_roles(user) & set(settings.TWO_FACTOR_REQUIRED_ROLES))


def may_turn_off_two_factor(user) -> bool:
    """Only a login that is not required to use it may turn its second factor off."""
    return not requires_two_factor(user)
