import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.errors import DomainError, clean_text

from .models import ApiToken, User

# How often a token's "last used" time is written: often enough for its owner to see whether it is still in
# use, rarely enough that API calls do not each write a row.
LAST_USED_EVERY = datetime.timedelta(minutes=5)
TOKEN_NAME_MAX = 100
TOKEN_DAYS_MAX = 365


class TokenError(DomainError):
    pass


def set_preferred_language(user: User, language: str) -> None:
    """Remember the interface language on the account, so e-mails and documents use it too."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


@transaction.atomic
def issue_api_token(user: User, *, name: str, days: int | None = None, by) -> str:
    """Create an API token for `user` valid for `days` (settings.API_TOKEN_DAYS by default) and return it; only
    its hash is stored, so it is shown once.

    Refusals (TokenError): "name_required", "too_long" (name), "bad_lifetime" (days outside 1–365).
    Side effects: inserts the token row; audit entry (without the token).
    """
    name = clean_text(name, _("Name"), TOKEN_NAME_MAX, error=TokenError)
    if not name:
        raise TokenError(_("Give the token a name that says what it is for."), code="name_required")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise TokenError(_("A token lasts from 1 to %(days)s days.") % {"days": TOKEN_DAYS_MAX}, code="bad_lifetime")
    token = ApiToken.generate()
    expires_at = timezone.now() + datetime.timedelta(days=days)
    row = ApiToken.objects.create(user=user, name=name, token_hash=ApiToken.hash(token), expires_at=expires_at)
    audit.record(by, "accounts.api_token.issue", row, {"user": user.pk, "name": name, "expires_at": expires_at})
    return token


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by) -> None:
    audit.record(by, "accounts.api_token.revoke", token, {"user": token.user_id, "name": token.name})
    token.delete()


@transaction.atomic
def revoke_all_api_tokens(user: User, *, reason: str, by) -> int:
    """Revoke every API token of `user` (after a password change or reset: whoever learnt the old password may
    have issued tokens with it). Returns how many; one audit entry per token."""
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        audit.record(by, "accounts.api_token.revoke", token, {"user": user.pk, "name": token.name, "reason": reason})
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).delete()
    return len(tokens)


def check_api_token(token: str) -> tuple[ApiToken | None, str]:
    """The token row for a presented bearer token, or None with why: "unknown" (no such token, or its login is
    inactive) or "expired". Records when it was last used (at most every LAST_USED_EVERY)."""
    row = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(token)).first()
    if row is None or not row.user.is_active:
        return None, "unknown"
    now = timezone.now()
    if row.expires_at <= now:
        return None, "expired"
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row, ""


def tokens_of(user: User):
    """The user's own API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


@transaction.atomic
def record_login_failure(*, username: str, address: str | None, locked: bool) -> None:
    """Audit a failed login (never the password): on the account when the name exists, else on the throttle's
    record of that name and address."""
    from axes.models import AccessAttempt

    username = (username or "")[:150]
    target = User.objects.filter(username=username).first() if username else None
    if target is None:
        target = (AccessAttempt.objects.filter(username=username, ip_address=address).order_by("-attempt_time")
                  .first())
    if target is None:
        return
    audit.record(None, "accounts.login.failed", target, {"username": username, "address": address,
                                                          "locked": locked})
