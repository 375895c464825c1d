"""Demo inspection: the Cư Pui commune committee supervises how the Ea Lang village cell carries out the
resolution on changing crop structure (docs/domain.md, "The demo organisation"); its conclusion asks a remedy that
now sits in the cell's corrections, where the cell's plan for it waits for the commune committee's approval. Each
step is written on its day (core.demo.on_day)."""

import datetime

from soisua.core.actors import SYSTEM
from soisua.core.demo import on_day
from soisua.corrections import demo as corrections_demo
from soisua.corrections.models import Shortcoming
from soisua.org.models import Unit

from . import services
from .enums import InspectionKind


def load_demo_inspections(today: datetime.date) -> None:
    commune = Unit.objects.get(code="DL-KB-CP")
    cell = Unit.objects.get(code="DL-KB-CP-T1")
    start = today - datetime.timedelta(days=45)
    with on_day(start):
        inspection = services.plan_inspection(
            commune, year=today.year, kind=InspectionKind.THEMATIC_SUPERVISION, subject_unit=cell,
            content="Việc lãnh đạo thực hiện nghị quyết của Đảng ủy xã về chuyển đổi cơ cấu cây trồng",
            period_start=start, period_end=start + datetime.timedelta(days=30), by=SYSTEM)
        services.notify_subject(inspection, by=SYSTEM)
    with on_day(start + datetime.timedelta(days=10)):
        services.submit_self_report(inspection, text=("Chi bộ đã ban hành nghị quyết chuyên đề, vận động 35 hộ chuyển "
                                                      "đổi sang cây sầu riêng, cà phê tái canh."), by=SYSTEM)
    with on_day(start + datetime.timedelta(days=25)):
        services.record_finding(inspection, text="Chưa xây dựng lộ trình chuyển đổi cụ thể cho từng năm.", by=SYSTEM)
        services.record_finding(inspection, text="Sổ nghị quyết chưa ghi đầy đủ ý kiến thảo luận.", by=SYSTEM)
    with on_day(today - datetime.timedelta(days=5)):
        services.add_remedy(inspection, text="Xây dựng lộ trình chuyển đổi cơ cấu cây trồng theo từng năm đến 2030.",
                            deadline=today + datetime.timedelta(days=60), by=SYSTEM)
        services.conclude(inspection, number="12-KL/ĐU", date=today - datetime.timedelta(days=5),
                          conclusion=("Chi bộ đã quan tâm lãnh đạo, nhưng việc cụ thể hóa nghị quyết còn chậm, thiếu "
                                      "lộ trình."), recommendations="Chi bộ kiểm điểm làm rõ trách nhiệm của chi ủy.",
                          by=SYSTEM)
    remedies = list(Shortcoming.objects.filter(followed_by=commune, unit=cell).order_by("pk"))
    corrections_demo.follow(remedies, "remedy", today)
