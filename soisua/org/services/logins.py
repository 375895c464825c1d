"""Logins for members: linking an existing account, or opening one whose password the member chooses, from a link
sent only to the address on the member's record or with a one-time set-up code handed over by whoever opened it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from soisua.accounts import services as accounts
from soisua.accounts import two_factor
from soisua.accounts.services import IssuedSetupCode
from soisua.audit import services as audit
from soisua.core.actors import SYSTEM
from soisua.notifications.services import notify

from .. import access
from ..enums import Role
from ..models import (
    Member,
    Post,
)
from .common import OrgError
from .roles import end_grants_with_posts, grant_with_post
from .tree import forget_access


@transaction.atomic
def link_account(member: Member, *, user, by) -> Member:
    """Link a login to a member; the login then sees the member's cell, and gets the roles that come with the
    posts the member holds (they were given by someone with the power to grant them).

    Side effects: the member's login set; audit entry; a login linked before loses the roles of those posts, the
    new one gets them (each grant audited and the person told)."""
    if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise OrgError(_("This login already belongs to another member."), code="taken")
    previous_user_id = member.user_id
    Member.objects.filter(pk=member.pk).update(user=user)
    member.refresh_from_db()
    forget_access([user.pk, previous_user_id])
    audit.record(by, "org.member.link_account", member, {"user": user.pk})
    posts = list(Post.objects.filter(member=member, ended_on__isnull=True).select_related("unit__kind"))
    if previous_user_id is not None and previous_user_id != user.pk:
        end_grants_with_posts([post.pk for post in posts], by=by, user_id=previous_user_id)
    for post in posts:
        grant_with_post(post, user=user, by=by)
    return member


def _open_login(member: Member, *, username: str, by):
    """The login itself, linked to the member, with no usable password; the cell's leaders are told by the
    caller."""
    User = get_user_model()
    if member.user_id is not None:
        raise OrgError(_("This member already has a login."), code="has_login")
    if User.objects.filter(username__iexact=username).exists():
        raise OrgError(_("The user name %(name)s is taken.") % {"name": username}, code="username_taken")
    user = User.objects.create_user(username=username, email=member.email, first_name=member.full_name[:150])
    link_account(member, user=user, by=by)
    audit.record(by, "accounts.user.create", user, {"username": username, "member": member.pk})
    return user


def _tell_leaders(member: Member, user, *, by, by_code: bool, event_key: str, renewed: bool = False) -> None:
    """The cell's leaders other than whoever acted hear that a login was opened for a member, or that its set-up
    code was renewed: whoever holds a login's first password acts as the member."""
    for leader in access.users_with_roles(member.cell_id, {Role.SECRETARY, Role.COMMITTEE}):
        if leader.pk != getattr(by, "pk", None):
            notify(leader, kind="org.login_opened", event_key=event_key,
                   template="notifications/messages/login_opened",
                   context={"member": member.full_name, "by": str(by), "by_code": by_code, "renewed": renewed},
                   url=reverse("org:members.detail", args=[member.pk]))


def _site() -> dict:
    """The parts of settings.SITE_URL the e-mail templates build their links from."""
    site = urlsplit(settings.SITE_URL)
    return {"protocol": site.scheme, "domain": site.netloc}


@transaction.atomic
def create_account(member: Member, *, username: str, by):
    """Open a login for a member who has none. The member chooses the password from a link sent only to the
    e-mail address on their record, so whoever opens the login cannot use it; the opening is shown on the
    member's page and told to the cell's leadership.

    Side effects: inserts the user (no usable password), links it to the member, audit entry; the cell's other
    leaders are told (inbox and e-mail); after commit, the welcome e-mail with the user name and the set-password
    link goes to the member's address, in the user's language.
    """
    if member.user_id is None and not member.email:
        raise OrgError(_("Record the member's e-mail address first: the link to choose a password goes there, and "
                         "only there."), code="no_email")
    user = _open_login(member, username=username, by=by)
    _tell_leaders(member, user, by=by, by_code=False, event_key=f"login-opened:{user.pk}")

    def send_welcome():
        # PasswordResetForm skips users without a usable password, so the link is built here.
        context = {"user": user, "username": user.username, "member": member.full_name, "opened_by": str(by),
                   **_site(), "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                   "token": default_token_generator.make_token(user)}
        with translation.override(user.language):
            subject = render_to_string("accounts/welcome_subject.txt", context).strip()
            send_mail(subject, render_to_string("accounts/welcome_email.txt", context), None, [member.email])

    transaction.on_commit(send_welcome)
    return user


@transaction.atomic
def create_account_with_code(member: Member, *, username: str, by) -> IssuedSetupCode:
    """Open a login for a member who has none, with a one-time set-up code (settings.ACCOUNT_SETUP_CODE_HOURS)
    that whoever opens it hands to the member on paper or by SMS; the member chooses the password with it on the
    set-up page. For members without an e-mail address, or when handing the code over is surer. The code is
    returned to be shown once; only its hash is kept.

    Side effects: inserts the user (no usable password), links it to the member, issues the code, audit entries;
    the cell's other leaders are told (inbox and e-mail); after commit, a member with an address on record is
    told there that a login was opened and a code given to whom (never the code itself).
    """
    user = _open_login(member, username=username, by=by)
    issued = accounts.issue_setup_code(user, by=by)
    _tell_leaders(member, user, by=by, by_code=True, event_key=f"login-opened:{user.pk}")
    if member.email:
        _tell_member_of_code(member, user, by=by)
    return issued


@transaction.atomic
def renew_setup_code(member: Member, *, by) -> IssuedSetupCode:
    """A new set-up code for the member's login, whose password is not chosen yet (the code was lost or expired);
    the earlier code stops working.

    Refusals: OrgError "no_login"; accounts' SetupCodeError "password_chosen".
    Side effects: the login's code replaced, audit entry; the cell's other leaders are told; after commit, a
    member with an address on record is told there.
    """
    if member.user_id is None:
        raise OrgError(_("This member has no login yet: open one first."), code="no_login")
    issued = accounts.issue_setup_code(member.user, by=by)
    _tell_leaders(member, member.user, by=by, by_code=True, renewed=True,
                  event_key=f"setup-code:{member.user_id}:{issued.issue}")
    if member.email:
        _tell_member_of_code(member, member.user, by=by)
    return issued


def _tell_member_of_code(member: Member, user, *, by) -> None:
    """After commit, the address on record hears that a set-up code was given for the member's login, and by
    whom: if someone else holds it, the member knows whom to ask."""
    address = member.email

    def send():
        context = {"username": user.username, "member": member.full_name, "opened_by": str(by), **_site()}
        with translation.override(user.language):
            subject = render_to_string("accounts/setup_code_subject.txt", context).strip()
            send_mail(subject, render_to_string("accounts/setup_code_email.txt", context), None, [address])

    transaction.on_commit(send)


@transaction.atomic
def reset_two_factor(user, *, by) -> None:
    """Reset `user`'s two-factor login for an administrator of the login's units (access.may_reset_two_factor):
    the authenticator and recovery codes are removed, every session of the login ends, and the person must set it
    up again at their next login (docs/security.md, "Two-factor login and sessions").

    Refusals (OrgError): "forbidden" (not one who administers the login's units, or one's own login);
    accounts.two_factor.TwoFactorError "not_set_up".
    Side effects: the login's devices deleted and sessions ended; audit entry; the person is told (inbox, e-mail).
    """
    if by is not SYSTEM and not access.may_reset_two_factor(by, user):
        raise OrgError(_("Only an administrator of this login's units may reset its two-factor login, and never "
                         "their own."), code="forbidden")
    two_factor.reset_by_administrator(user, by=by)
    notify(user, kind="accounts.two_factor_reset", event_key=f"two-factor-reset:{user.pk}:{user.session_generation}",
           template="accounts/two_factor_reset", context={}, url=reverse("accounts:two_factor.setup"))
