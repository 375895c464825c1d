"""Every import page refuses a file above the upload limit before reading it: the person sees the page's own
refusal beside the file field, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from soisua.documents.models import ImportJob
from soisua.dues.models import Payment
from soisua.org.models import Unit

LIMIT = 1024 * 1024
# (url name, unit, who, the start of the page's refusal in Vietnamese)
PAGES = [
    ("documents:imports.create", "cell", "secretary", "Tệp lớn hơn"),
    ("documents:units.import", "commune", "parent_staff", "Tệp lớn hơn"),
    ("documents:exchange", "commune", "parent_staff", "Tệp lớn hơn"),
    ("dues:import", "commune", "parent_staff", "Tệp lớn hơn"),
]


@pytest.mark.parametrize(("name", "unit", "who", "refusal"), PAGES)
def test_an_import_page_refuses_a_file_above_the_limit_unread(cast, settings, name, unit, who, refusal):
    settings.ROSTER_IMPORT_MAX_BYTES = LIMIT
    units_before = Unit.objects.count()
    big = SimpleUploadedFile("tep-lon.csv", b"a," * (LIMIT // 2 + 100 * 1024), content_type="text/csv")

    response = cast.client(who).post(reverse(name, args=[getattr(cast, unit).pk]), {"file": big})

    assert response.status_code in (200, 400)
    errors = response.text.split('id="id_file_errors"')[1].split("</ul>")[0]
    assert escape(refusal) in errors and "1,0" in errors  # the limit, 1.0 MB, as the page says it
    assert not ImportJob.objects.exists() and not Payment.objects.exists()
    assert Unit.objects.count() == units_before
    assert not (settings.MEDIA_ROOT / "imports").exists()
