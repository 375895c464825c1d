"""The demo's library: the commune's required resolution, half of the school cell confirmed, a session linked."""

import datetime

from soisua.core.demo import as_of
from soisua.library import queries
from soisua.library.demo import RESOLUTION, load_demo_library
from soisua.library.models import LibraryDocument, SessionDocument
from soisua.meetings.demo import load_demo_meetings
from soisua.org.demo import load_demo_organisation
from soisua.org.models import Unit

TODAY = datetime.date(2026, 11, 20)


def test_the_demo_shows_a_study_half_done_in_the_school_cell(db):
    with as_of(TODAY):
        load_demo_organisation(password="demo-password-1", today=TODAY)
        load_demo_meetings(TODAY)
        load_demo_library(TODAY)

    resolution = LibraryDocument.objects.get(title=RESOLUTION)
    school = Unit.objects.get(code="DL-EK-EKM-MTB")
    lines = queries.cell_study(resolution, school)
    done = [line for line in lines if line.record is not None]
    assert resolution.required and LibraryDocument.objects.count() == 2
    assert 0 < len(done) < len(lines) and all(line.record.note for line in done)
    assert SessionDocument.objects.filter(document=resolution, meeting__unit=school).exists()
