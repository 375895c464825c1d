"""Ship the meeting rules of Chỉ thị 50-CT/TW and Hướng dẫn 42-HD/BTCTW as the first published version, and give
the roll lines written before their member's status was kept the member's status of today.

The status of today is the best record there is of a past meeting's: the status history was not kept per meeting,
so a member made official since a past meeting shows as official on its existing lines; lines written from now on
keep the status of their day."""

import datetime

from django.db import migrations
from django.db.models import OuterRef, Subquery

RULES_2025 = {
    "code": "2025",
    "name": "Sinh hoạt chi bộ theo Chỉ thị 50-CT/TW và Hướng dẫn 42-HD/BTCTW",
    "in_force_from": datetime.date(2025, 10, 28),
    "documents": [
        {"code": "CT50", "kind": "Chỉ thị", "number": "50-CT/TW", "date": "2025-07-23", "issuer": "Ban Bí thư",
         "title": "Về tiếp tục đổi mới và nâng cao chất lượng sinh hoạt chi bộ trong giai đoạn mới",
         "articles": ""},
        {"code": "HD42", "kind": "Hướng dẫn", "number": "42-HD/BTCTW", "date": "2025-10-28",
         "issuer": "Ban Tổ chức Trung ương",
         "title": "Một số vấn đề về tiếp tục đổi mới và nâng cao chất lượng sinh hoạt chi bộ",
         "articles": "Thời lượng sinh hoạt chi bộ (tối thiểu 90 phút; sinh hoạt chuyên đề cùng buổi với sinh hoạt "
                     "thường kỳ tối thiểu 120 phút; chi bộ có ít đảng viên do cấp ủy có thẩm quyền quy định); "
                     "chuẩn bị sinh hoạt (tài liệu gửi đảng viên ít nhất 01 ngày trước); sinh hoạt chuyên đề "
                     "ít nhất mỗi quý một lần"},
    ],
    "figures_from": "HD42",
    "regular_min_minutes": 90,
    "combined_min_minutes": 120,
    "documents_days_before": 1,
    "thematic_per_quarter": 1,
}


def ship(apps, schema_editor):
    MeetingRules = apps.get_model("meetings", "MeetingRules")
    if not MeetingRules.objects.filter(code=RULES_2025["code"]).exists():
        published_at = datetime.datetime.combine(RULES_2025["in_force_from"], datetime.time(), tzinfo=datetime.UTC)
        MeetingRules.objects.create(status="published", published_at=published_at, **RULES_2025)
    Attendance = apps.get_model("meetings", "Attendance")
    Member = apps.get_model("org", "Member")
    status = Subquery(Member.objects.filter(pk=OuterRef("member_id")).values("status")[:1])
    Attendance.objects.update(member_status=status)


def unship(apps, schema_editor):
    apps.get_model("meetings", "MeetingRules").objects.filter(code=RULES_2025["code"], copies=None).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_meeting_rules_and_roll_status"), ("org", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
