"""The fixed cast (docs/testing.md): every access test speaks about these people and units.

    Tỉnh ủy Thử nghiệm (province)           <- admin (administrator)
    ├─ Đảng ủy xã Hòa An (commune)          <- parent_staff (staff), inspector (inspector), committee (committee)
    │  ├─ Chi bộ Thôn 1 (cell)              <- member, secretary
    │  └─ Chi bộ Thôn 2 (cell)              <- sibling (member of the sibling cell)
    └─ Đảng ủy xã Hòa Bình (commune)        <- unrelated_staff (staff)
       └─ Chi bộ Thôn 3 (cell)

    superuser: a Django superuser holding no grant.

The committee member, the administrator and the superuser are logins only (no member record), like the staff.
"""

import datetime
import os
from dataclasses import dataclass, field

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from soisua.accounts.models import User
from soisua.accounts.policy import requires_two_factor
from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.enums import PostKind, Role
from soisua.org.models import Member, Unit

from .factories import PASSWORD, UserFactory, make_member, make_unit

CAST = ("member", "secretary", "sibling", "parent_staff", "unrelated_staff", "inspector", "committee", "admin",
        "superuser", "anonymous")


@dataclass
class Cast:
    province: Unit
    commune: Unit
    cell: Unit
    sibling_cell: Unit
    other_commune: Unit
    other_cell: Unit
    users: dict[str, User | None] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        client = Client()
        if self.users.get(who) is not None:
            client.force_login(self.users[who])
        return client


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def make_cast() -> Cast:
    """The cast, for tests that build it outside a test function's database (a module's shared world)."""
    province = make_unit(None, "province", "Tỉnh ủy Thử nghiệm", code="TN")
    commune = make_unit(province, "commune", "Đảng ủy xã Hòa An", code="TN-HA")
    cell = make_unit(commune, "cell", "Chi bộ Thôn 1", code="TN-HA-1")
    sibling_cell = make_unit(commune, "cell", "Chi bộ Thôn 2", code="TN-HA-2")
    other_commune = make_unit(province, "commune", "Đảng ủy xã Hòa Bình", code="TN-HB")
    other_cell = make_unit(other_commune, "cell", "Chi bộ Thôn 3", code="TN-HB-3")
    result = Cast(province, commune, cell, sibling_cell, other_commune, other_cell)

    users = {name: UserFactory(username=name, is_superuser=name == "superuser")
             for name in CAST if name != "anonymous"}
    result.users = {**users, "anonymous": None}
    result.members["member"] = make_member(cell, "Trần Thị Bình", user=users["member"],
                                           citizen_id="001190000001", phone="0912345678")
    result.members["secretary"] = make_member(cell, "Lê Văn Cường", user=users["secretary"])
    result.members["sibling"] = make_member(sibling_cell, "Phạm Thị Dung", user=users["sibling"])
    result.members["other"] = make_member(other_cell, "Hoàng Văn Em")
    services.assign_post(result.members["secretary"], unit=cell, kind=PostKind.SECRETARY, by=SYSTEM)
    services.grant_role(users["secretary"], unit=cell, role=Role.SECRETARY, by=SYSTEM)
    services.grant_role(users["parent_staff"], unit=commune, role=Role.STAFF, by=SYSTEM)
    services.grant_role(users["unrelated_staff"], unit=other_commune, role=Role.STAFF, by=SYSTEM)
    services.grant_role(users["inspector"], unit=commune, role=Role.INSPECTOR, by=SYSTEM)
    services.grant_role(users["committee"], unit=commune, role=Role.COMMITTEE, by=SYSTEM)
    services.grant_role(users["admin"], unit=province, role=Role.ADMIN, by=SYSTEM)
    # The logins whose roles require a second factor have set it up, as in a working installation (their API tokens
    # are refused until then); tests of the set-up itself remove it.
    for user in users.values():
        if requires_two_factor(user):
            give_authenticator(user)
    return result


# Every test runs on a fixed clock: the review season of 2026, in the product's time zone. CI runs the suite a
# second time with SOISUA_TEST_NOW set to a year's last minutes, so a test that only passes on this date fails.
DEFAULT_NOW = "2026-11-20T10:00:00+07:00"


def fixed_now() -> datetime.datetime:
    return datetime.datetime.fromisoformat(os.environ.get("SOISUA_TEST_NOW") or DEFAULT_NOW)


@pytest.fixture(autouse=True)
def _fixed_clock():
    """The clock starts at `fixed_now()` and ticks (timeouts and durations still work); tests that need another
    moment travel there themselves."""
    with time_machine.travel(fixed_now(), tick=True) as traveller:
        yield traveller


@pytest.fixture
def in_review_season(_fixed_clock):
    """For tests written with the dates of the review season of 2026 (20/11/2026 and the days around it): the clock
    travels there whatever SOISUA_TEST_NOW says."""
    _fixed_clock.move_to(datetime.datetime.fromisoformat(DEFAULT_NOW))


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Django's own force_login, for tests of the second factor itself (`login_without_code`).
_FORCE_LOGIN = Client.force_login


def login_without_code(client: Client, user: User) -> None:
    """Log `user` in on `client` as a password does: the session is not verified by a second factor."""
    _FORCE_LOGIN(client, user)


def give_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator for `user` (their existing one if any), as if they had set it up."""
    from soisua.accounts import two_factor

    return two_factor.confirmed_device(user) or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def verify_session(client: Client, user: User) -> None:
    """Give `user` an authenticator if their login needs one and has none, and mark the client's session as having
    entered its code (django_otp's session key), as the code page does."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from soisua.accounts import two_factor

    if not (requires_two_factor(user) or two_factor.has_two_factor(user)):
        return
    device = give_authenticator(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True, scope="session")
def _verified_logins():
    """Two-factor login is enforced in every test; a test's `force_login` stands for a whole login, so it also
    enters the second factor for the logins that need one (login_without_code does not). Session-wide, so the
    fixtures of a module that log in before any test runs have it too."""

    def force_login(self, user, backend=None):
        _FORCE_LOGIN(self, user, backend)
        verify_session(self, user)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", force_login)
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached scopes and page parts are keyed by ids that a rolled-back test may hand out again."""
    from django.core.cache import cache

    cache.clear()
