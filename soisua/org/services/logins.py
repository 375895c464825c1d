"""Logins for members: linking an existing account, or opening one that is sent only to the address on the
member's record."""

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

from soisua.audit import services as audit
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


@transaction.atomic
def create_account(member: Member, *, username: str, by):
    """Open a login for a member who has none. The member chooses the password from a link sent only to the
    e-mail address on their record, so whoever opens the login cannot use it; the opening is shown on the
    member's page and told to the cell's leadership.

    Side effects: inserts the user (no usable password), links it to the member, audit entry; the cell's other
    leaders are told (inbox and e-mail); after commit, the welcome e-mail with the user name and the set-password
    link goes to the member's address, in the user's language.
    """
    User = get_user_model()
    if member.user_id is not None:
        raise OrgError(_("This member already has a login."), code="has_login")
    if not member.email:
        raise OrgError(_("Record the member's e-mail address first: the link to choose a password goes there, and "
                         "only there."), code="no_email")
    if User.objects.filter(username__iexact=username).exists():
        raise OrgError(_("The user name %(name)s is taken.") % {"name": username}, code="username_taken")
    user = User.objects.create_user(username=username, email=member.email, first_name=member.full_name[:150])
    link_account(member, user=user, by=by)
    audit.record(by, "accounts.user.create", user, {"username": username, "member": member.pk})
    for leader in access.users_with_roles(member.cell_id, {Role.SECRETARY, Role.COMMITTEE}):
        if leader.pk != getattr(by, "pk", None):
            notify(leader, kind="org.login_opened", event_key=f"login-opened:{user.pk}",
                   template="notifications/messages/login_opened",
                   context={"member": member.full_name, "by": str(by)},
                   url=reverse("org:members.detail", args=[member.pk]))

    def send_welcome():
        # PasswordResetForm skips users without a usable password, so the link is built here.
        site = urlsplit(settings.SITE_URL)
        context = {"user": user, "username": user.username, "member": member.full_name, "opened_by": str(by),
                   "protocol": site.scheme, "domain": site.netloc,
                   "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                   "token": default_token_generator.make_token(user)}
        with translation.override(user.language):
            subject = render_to_string("accounts/welcome_subject.txt", context).strip()
            send_mail(subject, render_to_string("accounts/welcome_email.txt", context), None, [member.email])

    transaction.on_commit(send_welcome)
    return user
