from django.conf import settings
from django.db import transaction

from soisua.audit import services as audit

from .models import ApiToken, User


def set_preferred_language(user: User, language: str) -> None:
    """Remember the interface language on the account, so e-mails and documents use it too."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


@transaction.atomic
def issue_api_token(user: User, *, name: str, by=None) -> str:
    """Create an API token for `user` and return it; only its hash is stored, so it is shown once.

    Side effects: inserts the token row; audit entry (without the token).
    """
    token = ApiToken.generate()
    row = ApiToken.objects.create(user=user, name=name, token_hash=ApiToken.hash(token))
    audit.record(by, "accounts.api_token.issue", row, {"user": user.pk, "name": name})
    return token


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by=None) -> None:
    audit.record(by, "accounts.api_token.revoke", token, {"user": token.user_id, "name": token.name})
    token.delete()
