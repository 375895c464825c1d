"""Plausible Vietnamese party members: names with rough national frequencies, ages, admission and status."""

import datetime
import random
from dataclasses import dataclass

from soisua.org.enums import MemberStatus, Sex

from .dates import REFERENCE_DAY

# Family names with rough national frequencies (percent).
FAMILY_NAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 3), ("Phan", 4.5),
                ("Vũ", 2.5), ("Võ", 2.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
                ("Dương", 1), ("Lý", 0.5)]
MIDDLE_NAMES = {Sex.MALE: ["Văn", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Công", "Đình", "Xuân", "Ngọc"],
                Sex.FEMALE: ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Minh", "Hồng", "Kim", "Phương"]}
SECOND_MIDDLE = {Sex.MALE: ["Minh", "Quang", "Anh", "Tuấn"], Sex.FEMALE: ["Thu", "Ngọc", "Hồng", "Thanh"]}
GIVEN_NAMES = {
    Sex.MALE: ["An", "Bình", "Dũng", "Hải", "Hùng", "Long", "Nam", "Quân", "Sơn", "Tuấn", "Xuân", "Cường",
               "Đạt", "Hiếu", "Khoa", "Phong", "Thắng", "Trung", "Việt", "Vinh", "Hòa", "Thành", "Lộc", "Tâm"],
    Sex.FEMALE: ["Chi", "Hà", "Hạnh", "Hoa", "Lan", "Mai", "Phương", "Thảo", "Trang", "Xuân", "Anh", "Dung",
                 "Giang", "Hằng", "Hương", "Linh", "Loan", "Ngân", "Nhung", "Oanh", "Tâm", "Thủy", "Vân", "Yến"],
}
ETHNICITIES = [("Kinh", 86), ("Tày", 2), ("Thái", 2), ("Mường", 2), ("Khmer", 1.5), ("Hoa", 1), ("Nùng", 1.5),
               ("Mông", 1), ("Dao", 1), ("Ê Đê", 0.5), ("Gia Rai", 0.5)]


def weighted(pairs: list[tuple[str, float]]) -> tuple[list[str], list[float]]:
    """Values and cumulative weights, for `random.choices(values, cum_weights=…)`."""
    values = [value for value, _weight in pairs]
    cumulative, running = [], 0.0
    for _value, weight in pairs:
        running += weight
        cumulative.append(running)
    return values, cumulative


@dataclass(frozen=True, slots=True)
class Person:
    full_name: str
    sex: Sex
    date_of_birth: datetime.date
    admission_date: datetime.date
    official_date: datetime.date | None
    ethnicity: str
    status: MemberStatus
    # The day the status took effect.
    status_since: datetime.date


class People:
    """Draws members from `rng`, as they stand on REFERENCE_DAY."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.families = weighted(FAMILY_NAMES)
        self.ethnicities = weighted(ETHNICITIES)

    def person(self) -> Person:
        """Probationary in the first year after admission, then official; some of the elderly exempt."""
        rng = self.rng
        sex = Sex.FEMALE if rng.random() < 0.38 else Sex.MALE
        family = rng.choices(self.families[0], cum_weights=self.families[1])[0]
        middle = rng.choice(MIDDLE_NAMES[sex])
        if rng.random() < 0.2:
            middle = f"{middle} {rng.choice(SECOND_MIDDLE[sex])}"
        full_name = f"{family} {middle} {rng.choice(GIVEN_NAMES[sex])}"
        born = REFERENCE_DAY - datetime.timedelta(days=rng.randint(20 * 365, 80 * 365))
        admitted = born + datetime.timedelta(days=rng.randint(18 * 365, 40 * 365))
        admitted = min(admitted, REFERENCE_DAY - datetime.timedelta(days=rng.randint(1, 400)))
        ethnicity = rng.choices(self.ethnicities[0], cum_weights=self.ethnicities[1])[0]
        official = None
        if (REFERENCE_DAY - admitted).days < 365:
            status, since = MemberStatus.PROBATIONARY, admitted
        else:
            official = admitted + datetime.timedelta(days=365)
            if REFERENCE_DAY.year - born.year > 70 and rng.random() < 0.3:
                status, since = MemberStatus.EXEMPT, REFERENCE_DAY - datetime.timedelta(days=rng.randint(30, 3000))
            else:
                status, since = MemberStatus.OFFICIAL, official
        return Person(full_name=full_name, sex=sex, date_of_birth=born, admission_date=admitted,
                      official_date=official, ethnicity=ethnicity, status=status, status_since=since)
