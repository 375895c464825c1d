import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. Linked to at most one party member (org.Member.user)."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="vi")
    # Bumped whenever what this login may see changes (grants, linked member's cell, moved units), so the
    # access scope can be cached per (user, access_version) in any process without going stale.
    access_version = models.PositiveIntegerField(default=1, editable=False)
    # Kept with the inbox writes so the header's badge costs no query.
    inbox_unread = models.PositiveIntegerField(default=0, editable=False)
    # Bumped by "log out everywhere": it is part of the hash every session keeps (get_session_auth_hash), so Django
    # itself drops each session made before (docs/security.md, "Two-factor login and sessions").
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def _session_hash(self, secret: str | None) -> str:
        return salted_hmac("soisua.accounts.User.session", f"{self.password}:{self.session_generation}",
                           secret=secret, algorithm="sha256").hexdigest()

    def get_session_auth_hash(self) -> str:
        """Django's hash of the password, with the session generation mixed in once it was bumped (generation 0
        keeps Django's own hash, so the sessions open before this existed stay valid)."""
        if not self.session_generation:
            return super().get_session_auth_hash()
        return self._session_hash(None)

    def get_session_auth_fallback_hash(self):
        if not self.session_generation:
            yield from super().get_session_auth_fallback_hash()
            return
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def save(self, *args, **kwargs):
        """Saving a new password revokes the account's API tokens, whatever path set it (the password pages,
        `manage.py changepassword`, the shell): whoever knew the old password may have created tokens with it.
        `set_password` keeps the new password until the save; a rehash at login clears it first and revokes
        nothing. The password pages revoke the tokens themselves first, with their reason and actor."""
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from soisua.core.actors import SYSTEM

            from .services import revoke_all_api_tokens

            revoke_all_api_tokens(self, reason="password_changed", by=SYSTEM)


def default_token_expiry():
    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class TokenScope(models.TextChoices):
    """What a program holding the token may do: read only (GET, HEAD, OPTIONS), or also write."""

    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token is shown once.

    It acts as its owner, narrowed by `scope` (a read token is refused every write) and by `unit_id`: when set, the
    token sees only that unit's subtree of what its owner sees (org.access). The unit is kept as a plain id because
    accounts sits below org in the app graph (docs/architecture.md); a unit that no longer exists leaves the token
    seeing nothing.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Refused from this moment on (settings.API_TOKEN_DAYS after issue unless its owner chose another lifetime).
    expires_at = models.DateTimeField(_("expires"), default=default_token_expiry)
    scope = models.CharField(_("scope"), max_length=16, choices=TokenScope.choices, default=TokenScope.READ)
    unit_id = models.PositiveBigIntegerField(_("unit"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return self.name

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def writes(self) -> bool:
        return self.scope == TokenScope.READ_WRITE

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "ss_" + secrets.token_urlsafe(32)


class SetupCode(models.Model):
    """A one-time code with which a member chooses the password of a login opened for them, handed over on paper
    or by SMS when the member has no e-mail address (docs/security.md, "Set-up codes").

    One per login: issuing a new one replaces the row (`issue` counts them, so a set-up begun with the old code
    cannot finish with it), and using it deletes the row. Only the password hasher's hash of the code is kept: a
    copy of the database holds no usable code, and guessing one from the hash is as slow as guessing a password.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="setup_code")
    code_hash = models.CharField(max_length=255)
    issue = models.PositiveIntegerField(default=1)
    issued_at = models.DateTimeField()
    # Refused from this moment on (settings.ACCOUNT_SETUP_CODE_HOURS after issue).
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("set-up code")
        verbose_name_plural = _("set-up codes")

    def __str__(self):
        return str(self.user)

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
