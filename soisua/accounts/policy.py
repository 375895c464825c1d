"""Who acts on what belongs to a login: a person's API tokens are theirs alone (404 for anyone else's)."""

from django.http import Http404

from .models import ApiToken


def get_api_token_for_user(user, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=pk).first() if user.is_authenticated else None
    if token is None:
        raise Http404
    return token
