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

from soisua.accounts.models import User
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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached scopes and page parts are keyed by ids that a rolled-back test may hand out again."""
    from django.core.cache import cache

    cache.clear()
