"""The second factor of a login (docs/security.md, "Two-factor login and sessions"): an authenticator app's
six-digit codes (django-otp's TOTPDevice) and ten single-use recovery codes (a StaticDevice), with the writes that
set them up, replace, remove and use them, and "log out everywhere".

A session is verified when django_otp.login put a confirmed device in it (accounts.middleware holds the others to
the set-up and code pages). Only the password pages, set-up codes and this module touch a login's secrets; a new
password never removes a device and never verifies a session.
"""

import base64
import hashlib
import hmac
import math
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from soisua.audit import services as audit
from soisua.core.errors import DomainError

from . import policy, throttle
from .models import User
from .services import revoke_all_api_tokens

# Recovery codes are written down and typed on phones: capitals and digits without look-alikes, as set-up codes.
RECOVERY_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
RECOVERY_LENGTH = 10
RECOVERY_GROUP = 5
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


class TwoFactorError(DomainError):
    pass


def confirmed_device(user) -> TOTPDevice | None:
    """The login's authenticator, once confirmed with a first code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_two_factor(user) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_code(user) -> bool:
    """Whether a session of `user` must be verified: the login must use a second factor, or turned one on."""
    return policy.requires_two_factor(user) or has_two_factor(user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_of(device: TOTPDevice) -> str:
    """The device's key as an authenticator app takes it typed (base32, in groups of four)."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[start:start + 4] for start in range(0, len(key), 4))


def current_code(device: TOTPDevice, *, step_offset: int = 0) -> str:
    """The code the device's app shows now (for tests and the demo; a code is never shown on a page)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def _recovery_digest(code: str) -> str:
    """What is kept of a recovery code: a keyed hash that fits django-otp's token column, so a copy of the database
    without the installation's secret key holds no usable code."""
    normal = "".join(character for character in (code or "").upper() if character.isalnum())[:40]
    return hmac.new(settings.SECRET_KEY.encode(), f"recovery:{normal}".encode(), hashlib.sha256).hexdigest()[:16]


def _format_recovery(code: str) -> str:
    return "-".join(code[start:start + RECOVERY_GROUP] for start in range(0, len(code), RECOVERY_GROUP))


@transaction.atomic
def start_setup(user: User, *, by) -> TOTPDevice:
    """A new authenticator to set up, with a fresh key; any key shown earlier and not confirmed is dropped, so a
    key seen by someone holding only the password (who opened the page before the owner) is never the one the
    owner confirms. Only the session that was shown a key may confirm it (`setup_device`). A confirmed device
    stays in use until the new one is confirmed.

    Side effects: deletes the login's unconfirmed devices and inserts one (no audit entry: nothing is in use yet).
    """
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def setup_device(user: User, pk) -> TOTPDevice | None:
    """The unconfirmed authenticator shown to this session (its id kept in the session), if it is still the one
    being set up."""
    if not isinstance(pk, int):
        return None
    return TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=_recovery_digest(code)) for code in codes])
    return [_format_recovery(code) for code in codes]


def confirm_setup(user: User, *, device: TOTPDevice, code: str, by) -> list[str]:
    """Confirm the authenticator `device` with the first code it shows: it becomes the login's one device (an older
    one is removed) and ten new recovery codes replace any earlier ones. Returns the recovery codes, to be shown
    once (only keyed hashes are kept).

    Refusals (TwoFactorError): "wrong_code" (the code does not match the device's key now), "too_soon" (typed
    during the device's pause after a wrong code, counted too); TooManyAttempts.
    Side effects: the device confirmed; other TOTP devices and the recovery codes replaced; the session generation
    moved on, so every other session of the login ends (they were opened without the second factor; the caller
    keeps its own with update_session_auth_hash); audit entries ("accounts.two_factor.set_up",
    "accounts.two_factor.recovery_codes"), or one for the wrong code (kept: it is written after the attempt's own
    transaction, so the throttle counts it).
    """
    _check_not_throttled(user)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
        pause = _pause_left(device)
        if device is not None and not pause and device.verify_token(_digits(code)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _new_recovery_codes(user)
            _bump_generation(user)
            # Tokens made before, with the password alone, would carry on without the second factor.
            revoke_all_api_tokens(user, reason="two_factor_set_up", by=by)
            audit.record(by, "accounts.two_factor.set_up", user, {"user": user.pk, "device": device.pk})
            audit.record(by, "accounts.two_factor.recovery_codes", user, {"user": user.pk, "count": len(codes)})
            return codes
    _record_failure(user, what="set_up")
    if pause:
        raise _too_soon(pause)
    raise TwoFactorError(_("This code does not match. Check that the app shows the account you just added, and "
                           "type the six digits it shows now."), code="wrong_code")


@transaction.atomic
def regenerate_recovery_codes(user: User, *, by) -> list[str]:
    """Ten new recovery codes for a login with an authenticator; the earlier ones stop working.

    Refusals (TwoFactorError): "not_set_up".
    Side effects: the StaticDevice and its codes replaced; audit entry.
    """
    if not has_two_factor(user):
        raise TwoFactorError(_("Set up two-factor login first."), code="not_set_up")
    codes = _new_recovery_codes(user)
    audit.record(by, "accounts.two_factor.recovery_codes", user, {"user": user.pk, "count": len(codes),
                                                                  "replaces_earlier": True})
    return codes


def _digits(code: str) -> str:
    return "".join(character for character in (code or "") if not character.isspace())[:40]


def _check_not_throttled(user: User) -> None:
    if wait := throttle.two_factor_wait(user):
        raise throttle.TooManyAttempts(_("Too many wrong codes."), wait=wait)


def _pause_left(device: TOTPDevice | StaticDevice | None) -> int:
    """Seconds left of django-otp's pause of `device` after a wrong code (1, 2, 4, … seconds), during which it
    checks no code, the right one included; 0 when it checks codes."""
    if device is None:
        return 0
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    return max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))


def _too_soon(seconds: int) -> TwoFactorError:
    """A code typed during the pause is refused (and counted like a wrong one) with the seconds to wait, rather
    than called wrong: it was not checked."""
    return TwoFactorError(ngettext(
        "Wait %(seconds)s second, then type the code again: after a wrong code the next one is checked only after "
        "a short pause.",
        "Wait %(seconds)s seconds, then type the code again: after a wrong code the next one is checked only after "
        "a short pause.", seconds) % {"seconds": seconds}, code="too_soon")


def _record_failure(user: User, *, what: str) -> None:
    """Audit a wrong code (never the code): the throttle counts these entries. Called after the attempt's own
    transaction, and never inside one that the refusal rolls back."""
    audit.record(None, throttle.TWO_FACTOR_FAILED, user, {"user": user.pk, "step": what})


def verify_code(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `code` for `user`: the authenticator's current code (each code once), or a recovery
    code, which is spent. None for a wrong code, counted by the throttle; TooManyAttempts while it cools off;
    TwoFactorError "too_soon" for a code typed during the device's pause after a wrong one (not checked; counted).

    Side effects: the device's last code and use recorded; a used recovery code deleted; audit entry for a recovery
    code used ("accounts.two_factor.recovery_used", with how many are left) or for a wrong code.
    """
    _check_not_throttled(user)
    typed = _digits(code)
    with transaction.atomic():
        if typed.isdigit():
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-pk").first()
            pause = _pause_left(device)
            if device is not None and not pause and device.verify_token(typed):
                return device
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if device is not None and not has_two_factor(user):
                device = None
            pause = _pause_left(device)
            if device is not None and not pause and device.verify_token(_recovery_digest(typed)):
                audit.record(user, "accounts.two_factor.recovery_used", user, {
                    "user": user.pk, "left": device.token_set.count()})
                return device
    _record_failure(user, what="verify")
    if pause:
        raise _too_soon(pause)
    return None


def turn_off(user: User, *, code: str, by) -> None:
    """Remove the second factor of a login that is not required to use one, proven with a current code (or a
    recovery code).

    Refusals (TwoFactorError): "required" (the login must use it), "wrong_code", "too_soon"; TooManyAttempts.
    Side effects: the login's TOTP and recovery devices deleted; audit entry.
    """
    if not policy.may_turn_off_two_factor(user):
        raise TwoFactorError(_("Your role requires two-factor login: it cannot be turned off."), code="required")
    if verify_code(user, code) is None:
        raise TwoFactorError(_("This code does not match. Type the six digits the app shows now, or a recovery "
                               "code."), code="wrong_code")
    with transaction.atomic():
        _remove_devices(user)
        audit.record(by, "accounts.two_factor.turned_off", user, {"user": user.pk})


def _remove_devices(user: User) -> int:
    removed, _counts = TOTPDevice.objects.filter(user=user).delete()
    removed_static, _counts = StaticDevice.objects.filter(user=user).delete()
    return removed + removed_static


@transaction.atomic
def reset_by_administrator(user: User, *, by) -> None:
    """Remove another login's second factor for an administrator (the caller checked that `by` administers the
    login's units, org.access.may_reset_two_factor): the login must set it up again at its next request, and each
    of its sessions ends (the session generation moves on).

    Refusals (TwoFactorError): "own_login" (nobody resets their own second factor this way), "not_set_up".
    Side effects: the login's devices deleted; session generation bumped; audit entry. The caller tells the user.
    """
    if by is not None and getattr(by, "pk", None) == user.pk:
        raise TwoFactorError(_("You cannot reset your own two-factor login."), code="own_login")
    if not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists():
        raise TwoFactorError(_("This login has no two-factor login to reset."), code="not_set_up")
    _remove_devices(user)
    _bump_generation(user)
    audit.record(by, "accounts.two_factor.reset", user, {"user": user.pk})


def _bump_generation(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def log_out_everywhere(user: User, *, by) -> None:
    """End every session of `user`: the session generation moves on, so the hash each session keeps no longer
    matches and Django logs it out at its next request. The caller keeps its own session going with
    update_session_auth_hash (the person asked from it, and stays logged in there).

    Side effects: User.session_generation bumped; audit entry.
    """
    _bump_generation(user)
    audit.record(by, "accounts.sessions.logged_out_everywhere", user, {"user": user.pk,
                                                                       "generation": user.session_generation})
