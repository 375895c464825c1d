"""An exchange file a subtree exports is one it can import: for generated organisations and members (Vietnamese names
with diacritics, optional fields empty, dates), importing the exported file into the same installation changes
nothing, and importing it where the subtree's cells and members are gone reproduces the same rows."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soisua.audit.models import AuditEntry
from soisua.documents import services, writers
from soisua.documents.exchange import writing
from soisua.org.enums import MemberStatus, Sex
from soisua.org.models import Member, Unit
from tests.factories import make_member, make_unit

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịúùủũụ"
word = st.text(alphabet=LETTERS, min_size=1, max_size=7).map(str.capitalize)
optional_date = st.one_of(st.none(), st.dates(datetime.date(1950, 1, 1), datetime.date(2025, 12, 31)))


@st.composite
def people(draw, cells: int):
    count = draw(st.integers(1, 6))
    result = []
    for number in range(count):
        admitted = draw(optional_date)
        official = draw(st.one_of(st.none(), st.dates(admitted or datetime.date(1950, 1, 1),
                                                      datetime.date(2025, 12, 31))))
        has_card = draw(st.booleans())
        result.append({
            "cell": draw(st.integers(0, cells - 1)),
            "full_name": " ".join(draw(st.lists(word, min_size=2, max_size=4))),
            "card_number": f"5{number:07d}" if has_card else "",
            # a member without a card number has a citizen ID, so that every row names its member
            "citizen_id": f"0{number:011d}" if not has_card or draw(st.booleans()) else "",
            "date_of_birth": draw(st.one_of(st.none(), st.dates(datetime.date(1940, 1, 1),
                                                                datetime.date(2006, 12, 31)))),
            "sex": draw(st.sampled_from(["", Sex.MALE, Sex.FEMALE])),
            "ethnicity": draw(st.sampled_from(["", "Kinh", "Ê Đê", "Tày", "H'Mông", "Thái"])),
            "admission_date": admitted,
            "official_date": official,
            "status": draw(st.sampled_from(MemberStatus.values)),
            "phone": draw(st.one_of(st.just(""), st.from_regex(r"0[35789][0-9]{8}", fullmatch=True))),
            "email": draw(st.one_of(st.just(""), st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.vn", fullmatch=True))),
        })
    return result


organisation = st.integers(1, 3).flatmap(lambda cells: st.tuples(
    st.lists(st.tuples(st.lists(word, min_size=1, max_size=3).map(" ".join), optional_date),
             min_size=cells, max_size=cells),
    people(cells)))

MEMBER_FIELDS = ("full_name", "card_number", "citizen_id", "date_of_birth", "sex", "ethnicity", "admission_date",
                 "official_date", "status", "phone", "email", "cell__code")
UNIT_FIELDS = ("code", "name", "kind__code", "parent__code", "active_from", "active_until")


def rows_of(scope: Unit) -> tuple[list, list]:
    units = sorted(Unit.objects.filter(path__startswith=scope.path).values_list(*UNIT_FIELDS))
    members = sorted(Member.objects.filter(cell__path__startswith=scope.path).values_list(*MEMBER_FIELDS))
    return units, members


def exported(user, scope: Unit, fmt: str) -> SimpleUploadedFile:
    output = io.BytesIO()
    with translation.override("vi"):
        writers.write_table(writing.exchange_sheets(user, scope), fmt, output)
    return SimpleUploadedFile(f"trao-doi.{fmt}", output.getvalue())


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(organisation, st.sampled_from(["xlsx", "zip"]))
def test_an_exported_file_imports_back_unchanged_and_reproduces_the_rows(cast, world, fmt):
    cells_spec, members_spec = world
    admin = cast.users["admin"]
    with transaction.atomic():
        commune = make_unit(cast.province, "commune", "Đảng ủy xã Thử Nghiệm", code="TN-RT")
        cells = [make_unit(commune, "cell", f"Chi bộ {name}", code=f"TN-RT-{index}", active_from=founded)
                 for index, (name, founded) in enumerate(cells_spec)]
        for values in members_spec:
            make_member(cells[values.pop("cell")], **values)
        before = rows_of(commune)
        upload = exported(admin, commune, fmt)
        content = upload.read()

        data, plan = services.check_exchange_file(SimpleUploadedFile(upload.name, content), unit=commune)
        entries = AuditEntry.objects.count()
        services.import_exchange(data, unit=commune, by=admin)

        assert plan.is_valid, plan.problems
        assert plan.change_count == 0
        assert plan.members.unchanged == len(members_spec) and plan.unchanged_units == len(cells) + 1
        assert rows_of(commune) == before
        assert AuditEntry.objects.count() == entries + 1  # the import's own entry only

        Member.objects.filter(cell__in=cells).delete()
        Unit.objects.filter(pk__in=[cell.pk for cell in cells]).delete()
        data, plan = services.check_exchange_file(SimpleUploadedFile(upload.name, content), unit=commune)
        services.import_exchange(data, unit=commune, by=admin)

        assert (len(plan.new_units), len(plan.members.creates)) == (len(cells), len(members_spec))
        assert rows_of(commune) == before
        transaction.set_rollback(True)
