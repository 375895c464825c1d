import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.errors import DomainError, clean_text

from . import throttle, token_units
from .models import ApiToken, SetupCode, TokenScope, User

# How often a token's "last used" time is written: often enough for its owner to see whether it is still in
# use, rarely enough that API calls do not each write a row.
LAST_USED_EVERY = datetime.timedelta(minutes=5)
TOKEN_NAME_MAX = 100
TOKEN_DAYS_MAX = 365


class TokenError(DomainError):
    pass


class SetupCodeError(DomainError):
    pass


# Set-up codes are read aloud, written on paper and typed on phones: capitals and digits without look-alikes (no
# 0/O, 1/I/L, 2/Z, 5/S, 8/B), ten of them (about 46 bits), shown in two groups of five.
SETUP_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
SETUP_CODE_LENGTH = 10
SETUP_CODE_GROUP = 5


@dataclass(frozen=True)
class IssuedSetupCode:
    """A set-up code as issued: the code itself exists only here, to be shown once."""

    user: User
    code: str
    expires_at: datetime.datetime
    issue: int


def format_setup_code(code: str) -> str:
    """The code as it is shown and printed: two groups of five."""
    return "-".join(code[start:start + SETUP_CODE_GROUP] for start in range(0, len(code), SETUP_CODE_GROUP))


def _normalise_setup_code(typed: str) -> str:
    """What a member typed, as the code is hashed: capitals, without spaces and hyphens."""
    return "".join(character for character in (typed or "").upper() if character.isalnum())[:40]


def can_have_setup_code(user: User) -> bool:
    """A set-up code chooses the first password of a working login: never for a login whose password is already
    chosen (it would let whoever issues codes take it over), a deactivated one, or a superuser."""
    return user.is_active and not user.is_superuser and not user.has_usable_password()


@transaction.atomic
def issue_setup_code(user: User, *, by) -> IssuedSetupCode:
    """Issue a one-time set-up code for `user`, valid settings.ACCOUNT_SETUP_CODE_HOURS; an earlier code of the
    login stops working. Only a hash is stored, so the code is returned to be shown once.

    Refusals (SetupCodeError): "password_chosen" (the login already has a password, is deactivated or is a
    superuser's).
    Side effects: inserts or replaces the login's SetupCode row; audit entry (without the code).
    """
    if not can_have_setup_code(user):
        raise SetupCodeError(_("This login already has a password: a set-up code is only for choosing the first "
                               "one. The member can reset a forgotten password from the login page."),
                             code="password_chosen")
    code = "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(SETUP_CODE_LENGTH))
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=settings.ACCOUNT_SETUP_CODE_HOURS)
    previous = SetupCode.objects.select_for_update().filter(user=user).first()
    if previous is None:
        row = SetupCode.objects.create(user=user, code_hash=make_password(code), issued_at=now,
                                       expires_at=expires_at)
    else:
        previous.code_hash, previous.issue = make_password(code), previous.issue + 1
        previous.issued_at, previous.expires_at = now, expires_at
        previous.save(update_fields=["code_hash", "issue", "issued_at", "expires_at"])
        row = previous
    audit.record(by, "accounts.setup_code.issue", user, {"user": user.pk, "issue": row.issue,
                                                        "expires_at": expires_at,
                                                        "replaces_earlier": previous is not None})
    return IssuedSetupCode(user=user, code=format_setup_code(code), expires_at=expires_at, issue=row.issue)


def outstanding_setup_code(user: User | None) -> SetupCode | None:
    """The login's set-up code that can still be used, or None (none issued, used, expired, or a password chosen
    since)."""
    if user is None or not can_have_setup_code(user):
        return None
    row = SetupCode.objects.filter(user=user).first()
    return row if row is not None and not row.expired else None


def setup_code_of(user: User | None) -> SetupCode | None:
    """The login's set-up code, used or not (expired ones included), for the member's page."""
    return SetupCode.objects.filter(user=user).first() if user is not None else None


def check_setup_code(username: str, code: str) -> SetupCode | None:
    """The set-up code row that `username` and the typed `code` prove, or None, whatever was wrong (no such
    login, no code, a wrong, expired or voided code, a password chosen since): the answer must not tell which.
    Writes nothing; the caller counts a failure against the login's throttle."""
    name = (username or "").strip()[:150]
    row = SetupCode.objects.select_related("user").filter(user__username__iexact=name).first() if name else None
    # A missing row still runs the hasher once, so the answer takes as long for a name without a code.
    matches = check_password(_normalise_setup_code(code), row.code_hash if row is not None else "")
    if row is None or not matches or row.expired or not can_have_setup_code(row.user):
        return None
    return row


def pending_setup(user_pk: int | None, issue: int | None) -> User | None:
    """The login whose code was proven earlier in this session (its user and the code's `issue`), if that code can
    still be used."""
    row = SetupCode.objects.select_related("user").filter(user_id=user_pk, issue=issue).first()
    if row is None or row.expired or not can_have_setup_code(row.user):
        return None
    return row.user


@transaction.atomic
def activate_with_setup_code(user: User, *, issue: int, password: str, by) -> User:
    """Set the first password of `user` with the set-up code proven earlier (its `issue`): the code is spent.

    Refusals (SetupCodeError): "invalid" (the code was used, replaced or expired meanwhile, or a password was
    chosen another way).
    Side effects: the user's password set; the code row deleted; audit entry.
    """
    row = SetupCode.objects.select_for_update().select_related("user").filter(user=user, issue=issue).first()
    if row is None or row.expired or not can_have_setup_code(row.user):
        raise SetupCodeError(invalid_setup_code_message(), code="invalid")
    row.delete()
    user.set_password(password)
    user.save()
    audit.record(by, "accounts.setup_code.use", user, {"user": user.pk, "issue": issue})
    return user


def invalid_setup_code_message() -> str:
    """One message for every wrong, expired or spent code, that does not say which part was wrong."""
    return _("This user name and set-up code do not go together, or the code has expired or was already used. "
             "Check both, or ask your cell's secretary for a new code.")


def set_preferred_language(user: User, language: str) -> None:
    """Remember the interface language on the account, so e-mails and documents use it too."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


@transaction.atomic
def issue_api_token(user: User, *, name: str, days: int | None = None, scope: str = TokenScope.READ_WRITE,
                    unit_id: int | None = None, by) -> str:
    """Create an API token for `user` valid for `days` (settings.API_TOKEN_DAYS by default) and return it; only
    its hash is stored, so it is shown once. A `scope` of read refuses every write (the tokens page and the
    command offer read first; a caller of this function names read, or gets the owner's full power as tokens had
    before scopes); a `unit_id` limits the token to that unit's subtree, which the user must see (the
    organisation says so: token_units).

    Refusals (TokenError): "name_required", "too_long" (name), "bad_lifetime" (days outside 1–365), "bad_scope",
    "unit_not_visible" (no such unit, or the user does not see it).
    Side effects: inserts the token row; audit entry with its scope and unit (without the token).
    """
    name = clean_text(name, _("Name"), TOKEN_NAME_MAX, error=TokenError)
    if not name:
        raise TokenError(_("Give the token a name that says what it is for."), code="name_required")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise TokenError(_("A token lasts from 1 to %(days)s days.") % {"days": TOKEN_DAYS_MAX}, code="bad_lifetime")
    if scope not in TokenScope.values:
        raise TokenError(_("Choose whether the token only reads or also writes."), code="bad_scope")
    if unit_id is not None and not token_units.provider().may_limit(user, unit_id):
        raise TokenError(_("A token can only be limited to a unit that you can see."), code="unit_not_visible")
    token = ApiToken.generate()
    expires_at = timezone.now() + datetime.timedelta(days=days)
    row = ApiToken.objects.create(user=user, name=name, token_hash=ApiToken.hash(token), expires_at=expires_at,
                                  scope=scope, unit_id=unit_id)
    audit.record(by, "accounts.api_token.issue", row, {"user": user.pk, "name": name, "expires_at": expires_at,
                                                       "scope": scope, "unit": unit_id})
    return token


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by) -> None:
    audit.record(by, "accounts.api_token.revoke", token, {"user": token.user_id, "name": token.name,
                                                          "scope": token.scope, "unit": token.unit_id})
    token.delete()


@transaction.atomic
def revoke_all_api_tokens(user: User, *, reason: str, by) -> int:
    """Revoke every API token of `user` (after a password change or reset: whoever learnt the old password may
    have issued tokens with it). Returns how many; one audit entry per token."""
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        audit.record(by, "accounts.api_token.revoke", token, {"user": user.pk, "name": token.name, "scope": token.scope,
                                                              "unit": token.unit_id, "reason": reason})
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


def tokens_with_units(user: User) -> list[ApiToken]:
    """`tokens_of`, each with `unit_name` (empty for the user's whole access; a unit that no longer exists is named
    as such)."""
    tokens = list(tokens_of(user))
    limited = [token.unit_id for token in tokens if token.unit_id is not None]
    names = token_units.provider().names(limited) if limited else {}
    for token in tokens:
        token.unit_name = ("" if token.unit_id is None
                           else names.get(token.unit_id) or _("a unit that no longer exists"))
    return tokens


@transaction.atomic
def record_login_failure(*, username: str, address: str | None, locked: bool,
                         action: str = "accounts.login.failed") -> None:
    """Audit a failed login (never the password), or with `action` another failed proof counted with them (a
    set-up code, never the code): on the account when the name exists, else on the throttle's record of that name
    and address. An unknown name is kept only as the throttle keeps it (`throttle.counted_name`)."""
    from axes.models import AccessAttempt

    username = throttle.counted_name(username)
    target = User.objects.filter(username=username).first() if username else None
    if target is None:
        target = (AccessAttempt.objects.filter(username=username, ip_address=address).order_by("-attempt_time")
                  .first())
    if target is None:
        return
    audit.record(None, action, target, {"username": username, "address": address, "locked": locked})


def record_login(user: User, *, address: str | None) -> None:
    """Audit a successful login with its address (the second factor, when asked, is audited when it fails or a
    recovery code is used)."""
    audit.record(user, "accounts.login", user, {"user": user.pk, "address": address})
