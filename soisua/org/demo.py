"""The demo organisation (docs/domain.md, "The demo organisation": the 2023 structure of Đắk Lắk), built only
through services.

Everything is deterministic (a seeded random generator), so the demo looks the same on every machine.
The real public roles named in docs/domain.md (the school cell's secretary, the military committee's
deputy secretary) are used; every other person is invented.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from soisua.accounts.models import User
from soisua.core.actors import SYSTEM

from . import services
from .enums import MemberStatus, PostKind, Role, Sex
from .models import Member, Unit, UnitKind

DEMO_PASSWORD = "soisua-demo-2026"  # noqa: S105 - printed by the demo command on purpose
ROOT_CODE = "DL"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô", "Dương", "Lý", "Đào", "Đinh", "Trương", "Mai"]
MIDDLE = {Sex.MALE: ["Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Công", "Thành", "Ngọc", "Đình"],
          Sex.FEMALE: ["Thị", "Thị", "Thị Thu", "Thị Ngọc", "Thanh", "Thị Mỹ", "Thị Kim", "Hồng", "Thị Minh"]}
GIVEN = {Sex.MALE: ["An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Khang", "Khoa", "Long",
                    "Lộc", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thịnh", "Toàn", "Trung", "Tuấn",
                    "Việt", "Vinh"],
         Sex.FEMALE: ["Anh", "Bích", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan",
                      "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo",
                      "Thủy", "Trang", "Tuyết", "Vân", "Yến"]}
ETHNICITIES = ["Kinh"] * 12 + ["Ê Đê", "Ê Đê", "M'nông", "Tày", "Nùng", "Gia Rai"]

# (code, kind, name, parent code, members, place)
UNITS = [
    ("DL", "province", "Đảng bộ tỉnh Đắk Lắk", None, 0, "Buôn Ma Thuột"),
    ("DL-EK", "district", "Đảng bộ huyện Ea Kar", "DL", 0, "Ea Kar"),
    ("DL-EK-EKM", "commune", "Đảng bộ xã Ea Kmút", "DL-EK", 0, "Ea Kmút"),
    ("DL-EK-EKM-MTB", "cell", "Chi bộ Trường Tiểu học Mạc Thị Bưởi", "DL-EK-EKM", 16, "Ea Kmút"),
    ("DL-EK-EKM-T1", "cell", "Chi bộ Thôn 1", "DL-EK-EKM", 28, "Ea Kmút"),
    ("DL-EK-EKM-T3", "cell", "Chi bộ Thôn 3", "DL-EK-EKM", 24, "Ea Kmút"),
    ("DL-EK-EKM-YT", "cell", "Chi bộ Trạm Y tế xã", "DL-EK-EKM", 12, "Ea Kmút"),
    ("DL-EK-QS", "grassroots", "Đảng bộ Ban Chỉ huy Quân sự huyện Ea Kar", "DL-EK", 0, "Ea Kar"),
    ("DL-EK-QS-CQ", "cell", "Chi bộ Cơ quan", "DL-EK-QS", 16, "Ea Kar"),
    ("DL-EK-QS-TM", "cell", "Chi bộ Tham mưu", "DL-EK-QS", 12, "Ea Kar"),
    ("DL-EK-QS-HK", "cell", "Chi bộ Hậu cần - Kỹ thuật", "DL-EK-QS", 13, "Ea Kar"),
    ("DL-KB", "district", "Đảng bộ huyện Krông Bông", "DL", 0, "Krông Bông"),
    ("DL-KB-CP", "commune", "Đảng bộ xã Cư Pui", "DL-KB", 0, "Cư Pui"),
    ("DL-KB-CP-T1", "cell", "Chi bộ Thôn Ea Lang", "DL-KB-CP", 26, "Cư Pui"),
    ("DL-KB-CP-BK", "cell", "Chi bộ Buôn Khóa", "DL-KB-CP", 22, "Cư Pui"),
    ("DL-CM", "district", "Đảng bộ huyện Cư M'gar", "DL", 0, "Cư M'gar"),
    ("DL-CM-CS", "commune", "Đảng bộ xã Cư Suê", "DL-CM", 0, "Cư Suê"),
    ("DL-CM-CS-T4", "cell", "Chi bộ Thôn 4", "DL-CM-CS", 27, "Cư Suê"),
    ("DL-CM-CS-THCS", "cell", "Chi bộ Trường THCS Cư Suê", "DL-CM-CS", 18, "Cư Suê"),
    ("DL-DUK", "bloc", "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh", "DL", 0, "Buôn Ma Thuột"),
    ("DL-DUK-VP", "grassroots_cell", "Chi bộ Văn phòng Đảng ủy Khối", "DL-DUK", 14, "Buôn Ma Thuột"),
    ("DL-DUK-GD", "grassroots", "Đảng bộ Sở Giáo dục và Đào tạo", "DL-DUK", 0, "Buôn Ma Thuột"),
    ("DL-DUK-GD-VP", "cell", "Chi bộ Văn phòng Sở", "DL-DUK-GD", 12, "Buôn Ma Thuột"),
    ("DL-DUK-GD-TC", "cell", "Chi bộ Phòng Tổ chức cán bộ", "DL-DUK-GD", 9, "Buôn Ma Thuột"),
    ("DL-DUK-TP", "grassroots_cell", "Chi bộ Sở Tư pháp", "DL-DUK", 15, "Buôn Ma Thuột"),
    ("DL-DUK-XD", "grassroots_cell", "Chi bộ Sở Xây dựng", "DL-DUK", 13, "Buôn Ma Thuột"),
]
ABBREVIATIONS = {"province": "TU", "district": "HU", "commune": "ĐU", "grassroots": "ĐU", "bloc": "ĐUK",
                 "cell": "CB", "grassroots_cell": "CB"}

# Real public roles (docs/domain.md, "The demo organisation").
NAMED = {
    "DL-EK-EKM-MTB": ("Đào Thị Mỹ Xoan", Sex.FEMALE, PostKind.SECRETARY),
    "DL-EK-QS-CQ": ("Lê Xuân Chung", Sex.MALE, None),
}


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    unit_code: str
    description: str
    member_of: tuple[str, str] | None = None  # (cell code, full name) to link the login to


LOGINS = [
    Login("admin", Role.ADMIN, "DL", "Quản trị hệ thống (toàn tỉnh)"),
    Login("bithu.xoan", Role.SECRETARY, "DL-EK-EKM-MTB", "Bí thư Chi bộ Trường Tiểu học Mạc Thị Bưởi",
          ("DL-EK-EKM-MTB", "Đào Thị Mỹ Xoan")),
    Login("dangvien", Role.MEMBER, "DL-EK-EKM-MTB", "Đảng viên Chi bộ Trường Tiểu học Mạc Thị Bưởi", None),
    Login("dangvien.thon1", Role.MEMBER, "DL-EK-EKM-T1", "Đảng viên Chi bộ Thôn 1 (chi bộ bên cạnh)", None),
    Login("vanphong.eakmut", Role.STAFF, "DL-EK-EKM", "Cán bộ Văn phòng Đảng ủy xã Ea Kmút", None),
    Login("capuy.eakmut", Role.COMMITTEE, "DL-EK-EKM", "Ủy viên Ban Thường vụ Đảng ủy xã Ea Kmút", None),
    Login("phobithu.chung", Role.COMMITTEE, "DL-EK-QS", "Phó Bí thư, Chính trị viên Ban CHQS huyện Ea Kar",
          ("DL-EK-QS-CQ", "Lê Xuân Chung")),
    Login("kiemtra.eakar", Role.INSPECTOR, "DL-EK", "Ủy ban Kiểm tra Huyện ủy Ea Kar (chỉ xem)", None),
    Login("tochuc.krongbong", Role.STAFF, "DL-KB", "Ban Tổ chức Huyện ủy Krông Bông (đơn vị khác)", None),
    Login("vanphong.tinhuy", Role.STAFF, "DL", "Văn phòng Tỉnh ủy Đắk Lắk (ban hành Kế hoạch 72-KH/TU)", None),
    Login("vanphong.khoi", Role.STAFF, "DL-DUK", "Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh "
          "(ban hành Kế hoạch 75-KH/ĐUK)", None),
    Login("bithu.sotuphap", Role.SECRETARY, "DL-DUK-TP", "Bí thư Chi bộ Sở Tư pháp (thực hiện 75-KH/ĐUK)", None),
    Login("capuy.cupui", Role.COMMITTEE, "DL-KB-CP", "Ủy viên Ban Thường vụ Đảng ủy xã Cư Pui (giám sát chi bộ)",
          None),
    Login("bithu.ealang", Role.SECRETARY, "DL-KB-CP-T1", "Bí thư Chi bộ Thôn Ea Lang (được giám sát)", None),
]


def _person(rng: random.Random, sex: str) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days))


def _member_fields(rng: random.Random, index: int, sex: str, today: datetime.date) -> dict:
    birth = _date_between(rng, datetime.date(1962, 1, 1), datetime.date(2001, 12, 31))
    earliest = birth.replace(year=birth.year + 19)
    admission = _date_between(rng, earliest, max(today - datetime.timedelta(days=30), earliest +
                                                  datetime.timedelta(days=1)))
    probationary = admission > today - datetime.timedelta(days=365)
    return {
        "date_of_birth": birth,
        "sex": sex,
        "ethnicity": rng.choice(ETHNICITIES),
        "admission_date": admission,
        "official_date": None if probationary else admission + datetime.timedelta(days=365),
        "card_number": f"{66_000_000 + index:08d}",
        "citizen_id": f"066{rng.randrange(1_000_000_000):09d}",
        "phone": f"09{rng.randrange(10_000_000, 99_999_999)}",
        "status": MemberStatus.PROBATIONARY if probationary else MemberStatus.OFFICIAL,
    }


def _create_members(unit: Unit, count: int, rng: random.Random, counter: list[int], today: datetime.date):
    named = NAMED.get(unit.code)
    people = []
    for position in range(count):
        if position == 0 and named:
            full_name, sex, _post = named
        else:
            sex = rng.choice([Sex.MALE, Sex.FEMALE])
            full_name = _person(rng, sex)
        counter[0] += 1
        fields = _member_fields(rng, counter[0], sex, today)
        # Village cells count retired members among them: they do not work in the political system (form 2C).
        if position >= 3 and unit.name.startswith("Chi bộ Thôn") and fields["date_of_birth"].year < 1966:
            fields["in_political_system"] = False
        status = fields.pop("status")
        joined = fields["admission_date"]  # a member admitted in the cell has belonged to it since
        people.append(services.create_member(cell=unit, full_name=full_name, status=status, joined_on=joined,
                                             by=SYSTEM, **fields))
    # A few members with the other statuses, as real rolls have.
    if count >= 15:
        services.change_member_status(people[-1], status=MemberStatus.EXEMPT, reason="Tuổi cao, sức yếu",
                                      on=datetime.date(today.year, 1, 1), by=SYSTEM)
    officials = [person for person in people if person.status == MemberStatus.OFFICIAL]
    start = datetime.date(2020, 10, 1)
    if named and named[2]:
        services.assign_post(people[0], unit=unit, kind=named[2], started_on=start, by=SYSTEM)
    else:
        services.assign_post(officials[0], unit=unit, kind=PostKind.SECRETARY, started_on=start, by=SYSTEM)
    if len(officials) >= 9:  # a cell with nine or more official members elects a cell committee
        services.assign_post(officials[1], unit=unit, kind=PostKind.DEPUTY_SECRETARY, started_on=start,
                             by=SYSTEM)
        services.assign_post(officials[2], unit=unit, kind=PostKind.COMMITTEE_MEMBER, started_on=start,
                             by=SYSTEM)
    return people


def _ensure_login(login: Login, units: dict[str, Unit], password: str, hashed_password: str) -> User:
    user, _created = User.objects.get_or_create(username=login.username,
                                                defaults={"email": f"{login.username}@demo.soisua.vn"})
    user.password, user._password = hashed_password, password  # as set_password, so the save is a password change
    user.save()
    services.grant_role(user, unit=units[login.unit_code], role=login.role, by=SYSTEM)
    if login.role == Role.MEMBER and not Member.objects.filter(user=user).exists():
        # Link the login to an unlinked ordinary member of that cell (not the secretary).
        member = (Member.objects.filter(cell=units[login.unit_code], user=None, posts=None, status="official")
                  .order_by("sort_key").first())
        if member:
            services.link_account(member, user=user, by=SYSTEM)
    elif login.member_of and not Member.objects.filter(user=user).exists():
        member = Member.objects.get(cell=units[login.member_of[0]], full_name=login.member_of[1])
        services.link_account(member, user=user, by=SYSTEM)
    return user


@transaction.atomic
def load_demo_organisation(*, password: str, today: datetime.date) -> tuple[list[Login], bool]:
    """Create the demo organisation if it is not there yet, and (re)set the demo logins' passwords. Returns the
    logins and whether the organisation was created now.

    Side effects: units, members, posts, role grants and logins through org services; audit entries.
    """
    rng = random.Random(2023)  # noqa: S311 - reproducible invented people, not secrets
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[row[0] for row in UNITS])}
    created = ROOT_CODE not in units
    if created:
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        counter = [0]
        for code, kind, name, parent, members, place in UNITS:
            units[code] = services.create_unit(parent=units.get(parent), kind=kinds[kind], code=code, name=name,
                                               abbreviation=ABBREVIATIONS[kind], place=place, by=SYSTEM)
            if members:
                _create_members(units[code], members, rng, counter, today)
        chung = Member.objects.get(full_name="Lê Xuân Chung", cell=units["DL-EK-QS-CQ"])
        services.assign_post(chung, unit=units["DL-EK-QS"], kind=PostKind.DEPUTY_SECRETARY,
                             started_on=datetime.date(2020, 8, 1), by=SYSTEM)
    # Every demo login has the same password: hashed once (a slow hash by design), not once per login.
    hashed_password = make_password(password)
    for login in LOGINS:
        _ensure_login(login, units, password, hashed_password)
    return LOGINS, created
