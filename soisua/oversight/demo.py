"""Demo inspection: the Cư Pui commune committee supervises how the Ea Lang village cell carries out the
resolution on changing crop structure (docs/domain.md, "The demo organisation"); its conclusion asks a remedy that
now sits in the cell's corrections."""

import datetime

from soisua.core.actors import SYSTEM
from soisua.org.models import Unit

from . import services
from .enums import InspectionKind


def load_demo_inspections(today: datetime.date) -> None:
    commune = Unit.objects.get(code="DL-KB-CP")
    cell = Unit.objects.get(code="DL-KB-CP-T1")
    start = today - datetime.timedelta(days=45)
    inspection = services.plan_inspection(
        commune, year=today.year, kind=InspectionKind.THEMATIC_SUPERVISION, subject_unit=cell,
        content="Việc lãnh đạo thực hiện nghị quyết của Đảng ủy xã về chuyển đổi cơ cấu cây trồng",
        period_start=start, period_end=start + datetime.timedelta(days=30), by=SYSTEM)
    services.notify_subject(inspection, by=SYSTEM)
    services.submit_self_report(inspection, text=("Chi bộ đã ban hành nghị quyết chuyên đề, vận động 35 hộ chuyển "
                                                  "đổi sang cây sầu riêng, cà phê tái canh."), by=SYSTEM)
    services.record_finding(inspection, text="Chưa xây dựng lộ trình chuyển đổi cụ thể cho từng năm.", by=SYSTEM)
    services.record_finding(inspection, text="Sổ nghị quyết chưa ghi đầy đủ ý kiến thảo luận.", by=SYSTEM)
    services.add_remedy(inspection, text="Xây dựng lộ trình chuyển đổi cơ cấu cây trồng theo từng năm đến 2030.",
                        deadline=today + datetime.timedelta(days=60), by=SYSTEM)
    services.conclude(inspection, number="12-KL/ĐU", date=today - datetime.timedelta(days=5),
                      conclusion=("Chi bộ đã quan tâm lãnh đạo, nhưng việc cụ thể hóa nghị quyết còn chậm, thiếu lộ "
                                  "trình."), recommendations="Chi bộ kiểm điểm làm rõ trách nhiệm của chi ủy.",
                      by=SYSTEM)
