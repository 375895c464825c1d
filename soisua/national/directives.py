"""The national plan of the generated organisation: issued by its root to every unit below it through the
directives services (receipts and targets counted up the tree), then acknowledged and reported on by most units
through the directives' bulk loader, as of the days below."""

import datetime
import random

from soisua.core.actors import SYSTEM
from soisua.directives import bulk as directives_bulk
from soisua.directives import services as directives
from soisua.directives.enums import DirectiveKind, TargetMode
from soisua.org.models import Unit

from .dates import REFERENCE_DAY

ISSUED_ON = datetime.date(REFERENCE_DAY.year, 1, 20)
REPORT_DATES = [datetime.date(REFERENCE_DAY.year, 6, 15), datetime.date(REFERENCE_DAY.year, 12, 15)]
REPORTED_AT = datetime.datetime(REFERENCE_DAY.year, 6, 10, 9, 0, tzinfo=datetime.UTC)
KEY_TASKS = [
    "Quán triệt chủ trương đến toàn thể cán bộ, đảng viên", "Xây dựng kế hoạch thực hiện của cấp ủy các cấp",
    "Tự soi, tự sửa trong sinh hoạt chi bộ hằng tháng", "Sinh hoạt chuyên đề mỗi quý một lần",
    "Kiểm điểm, đánh giá, xếp loại gắn với kết quả khắc phục", "Nêu gương của người đứng đầu",
    "Kiểm tra, giám sát việc thực hiện", "Lắng nghe góp ý của nhân dân", "Xử lý nghiêm vi phạm",
    "Gắn với học tập và làm theo Bác", "Khắc phục hạn chế có lộ trình, thời hạn",
    "Đánh giá chất lượng tổ chức đảng", "Sơ kết, báo cáo định kỳ",
]


def add_national_plan(root: Unit, rng: random.Random) -> tuple[int, int, int]:
    """Issue the plan to the whole tree and load what the units did. Returns (units addressed, acknowledged,
    reports)."""
    draft = directives.create_draft(
        root, kind=DirectiveKind.PLAN, number="01", issuer_symbol="TW", issued_on=ISSUED_ON,
        title="Kế hoạch thực hiện tự soi, tự sửa trong toàn Đảng", target_mode=TargetMode.SUBTREE,
        tasks=KEY_TASKS, report_dates=REPORT_DATES, by=SYSTEM)
    plan = directives.issue(draft, version=None, by=SYSTEM)
    acknowledged, reports = directives_bulk.load_reports(plan, rng, acknowledged=0.85, reported=0.7,
                                                         when=REPORTED_AT)
    return plan.receipts.count(), acknowledged, reports
