"""The roster a unit exports is a roster it can import: for any members, importing the exported Excel file (with
Vietnamese or English headers) finds every member unchanged."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soisua.documents import exports, services
from soisua.documents.models import ImportStatus
from soisua.documents.writers import write_xlsx
from soisua.org.enums import MemberStatus, Sex
from soisua.org.models import Member
from tests.factories import make_member

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợứừửữự"
word = st.text(alphabet=LETTERS, min_size=1, max_size=7).map(str.capitalize)
dates = st.one_of(st.none(), st.dates(datetime.date(1940, 1, 1), datetime.date(2006, 12, 31)))
person = st.fixed_dictionaries({
    "full_name": st.lists(word, min_size=2, max_size=4).map(" ".join),
    "date_of_birth": dates,
    "sex": st.sampled_from(["", Sex.MALE, Sex.FEMALE]),
    "ethnicity": st.sampled_from(["", "Kinh", "Ê Đê", "Tày", "H'Mông"]),
    "phone": st.one_of(st.just(""), st.from_regex(r"0[35789][0-9]{8}", fullmatch=True)),
    "citizen_id": st.one_of(st.just(""), st.from_regex(r"0[0-9]{11}", fullmatch=True)),
    "status": st.sampled_from([MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY]),
})
FIELDS = ("full_name", "date_of_birth", "sex", "ethnicity", "phone", "citizen_id", "card_number", "status")


def exported_roster(unit, language: str) -> SimpleUploadedFile:
    with translation.override(language):
        columns = exports.roster_columns(True)
        content = write_xlsx(columns, exports.roster_rows(unit, personal=True))
    return SimpleUploadedFile("danh-sach.xlsx", content)


def members_of(unit) -> list[tuple]:
    return sorted(Member.objects.filter(cell=unit).values_list(*FIELDS))


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(person, min_size=1, max_size=5, unique_by=lambda values: values["citizen_id"] or object()),
       st.sampled_from(["vi", "en"]))
def test_importing_the_exported_roster_changes_nothing(cast, people, language):
    with transaction.atomic():
        Member.objects.filter(cell=cast.sibling_cell).delete()
        for number, values in enumerate(people):
            make_member(cast.sibling_cell, card_number=f"3{number:07d}", **values)
        before = members_of(cast.sibling_cell)
        staff = cast.users["parent_staff"]

        job = services.start_import(unit=cast.commune, upload=exported_roster(cast.sibling_cell, language), by=staff)
        job.refresh_from_db()
        assert job.errors == []
        services.confirm_import(job, by=staff)
        job.refresh_from_db()

        assert job.status == ImportStatus.DONE
        assert (job.new_count, job.updated_count, job.unchanged_count) == (0, 0, len(people))
        assert members_of(cast.sibling_cell) == before
        transaction.set_rollback(True)
