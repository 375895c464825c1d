"""Bad input is refused in Vietnamese (the default language), next to what the user typed or uploaded."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from soisua.documents.models import ImportJob
from soisua.org.models import Member, Unit
from tests.factories import make_unit

HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Mã chi bộ"


def _upload(cast, content: bytes, name: str = "roster.csv"):
    return cast.client("secretary").post(f"/documents/units/{cast.cell.pk}/import/",
                                         {"file": SimpleUploadedFile(name, content)})


def test_move_into_own_subtree_is_refused_in_vietnamese(cast, django_user_model):
    client = cast.client("anonymous")
    client.force_login(django_user_model.objects.create_user("root", is_superuser=True))

    section = make_unit(cast.commune, "section", "Đảng bộ bộ phận Thôn")

    response = client.post(f"/units/{cast.commune.pk}/move/", {"new_parent": section.pk})

    assert escape("Không thể chuyển một đơn vị vào chính nó") in response.text
    assert Unit.objects.get(pk=cast.commune.pk).parent == cast.province


def test_empty_file_is_refused_in_vietnamese(cast):
    response = _upload(cast, b"")

    assert "Tệp không có nội dung." in response.text
    assert not ImportJob.objects.exists()


def test_bad_date_and_formula_rows_are_reported_in_vietnamese(cast):
    rows = [HEADER, "1,Nguyễn Văn Hùng,31/02/1980,Nam,30000001,TN-HA-1",
            "2,=HYPERLINK(1),02/09/1980,Nam,30000002,TN-HA-1"]
    _upload(cast, "\n".join(rows).encode())
    job = ImportJob.objects.get()

    page = cast.client("secretary").get(f"/documents/imports/{job.pk}/").text

    assert "không phải là ngày hợp lệ" in page or "không hợp lệ" in page
    assert "công thức" in page
    assert not Member.objects.filter(full_name="Nguyễn Văn Hùng").exists()


def test_duplicate_card_number_in_member_form_is_refused_in_vietnamese(cast):
    taken = cast.members["secretary"].card_number

    response = cast.client("secretary").post(f"/units/{cast.cell.pk}/new-member/", {
        "full_name": "Đỗ Văn Giang", "status": "official", "card_number": taken})

    assert f"Số thẻ đảng viên {taken} đã thuộc về đảng viên khác." in response.text
    assert 'value="Đỗ Văn Giang"' in response.text
