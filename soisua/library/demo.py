"""Demo library: the commune of Ea Kmút publishes Nghị quyết 57-NQ/TW as a required study ten days ago, with a
write-up asked for, and the Hướng dẫn 12-HD/BTCTW on cell meetings as reading; half of the school cell has confirmed
the study, so its list names who has not, and the school's latest thematic session lists the resolution (soisua.demo
loads it after the meetings)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.core.demo import on_day
from soisua.meetings.enums import MeetingKind
from soisua.meetings.models import Meeting
from soisua.org.models import Unit

from . import queries, services

RESOLUTION = "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"


def load_demo_library(today: datetime.date) -> None:
    commune = Unit.objects.select_related("kind").get(code="DL-EK-EKM")
    school = Unit.objects.get(code="DL-EK-EKM-MTB")
    published = today - datetime.timedelta(days=10)
    with on_day(published):
        services.publish_document(
            commune, kind="HD", number="12-HD/BTCTW", issuer="Ban Tổ chức Trung ương",
            issued_on=datetime.date(2018, 7, 6), title="Hướng dẫn một số vấn đề về nâng cao chất lượng sinh hoạt "
            "chi bộ", summary="Nội dung, quy trình và tiêu chí đánh giá chất lượng sinh hoạt chi bộ.",
            body="Sinh hoạt chi bộ thường kỳ mỗi tháng một lần; sinh hoạt chuyên đề ít nhất mỗi quý một lần.",
            by=SYSTEM)
        resolution = services.publish_document(
            commune, kind="NQ", number="57-NQ/TW", issuer="Bộ Chính trị", issued_on=datetime.date(2024, 12, 22),
            title=RESOLUTION, summary="Quán triệt, triển khai thực hiện Nghị quyết trong toàn Đảng bộ xã.",
            upload=SimpleUploadedFile("57-NQ-TW.pdf", b"%PDF-1.4\n% Nghi quyet 57-NQ/TW (ban demo)\n"),
            required=True, study_due=today + datetime.timedelta(days=14), note_required=True, by=SYSTEM)
    members = list(queries.asked_members(resolution).filter(cell=school).order_by("sort_key", "pk"))
    with on_day(published + datetime.timedelta(days=3)):
        for member in members[: len(members) // 2]:
            services.confirm_study(resolution, member=member, note="Nhận thức rõ vai trò của khoa học, công nghệ "
                                   "và chuyển đổi số; sẽ áp dụng trong công tác chuyên môn.", by=SYSTEM)
    session = (Meeting.objects.filter(unit=school, kind__in=[MeetingKind.THEMATIC, MeetingKind.COMBINED],
                                      starts_at__lte=timezone.now()).order_by("-starts_at").first())
    if session is not None:
        services.link_document(session, resolution, by=SYSTEM)
