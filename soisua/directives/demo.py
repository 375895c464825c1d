"""Demo directives: the province's plan 72-KH/TU carrying out Kết luận 21-KL/TW, the bloc committee's own plan
75-KH/ĐUK with its 13 key tasks for its grassroots organisations, some acknowledged and reporting, one late
(docs/domain.md, "Plans that cascade"). The wording of the key tasks is the demo's own summary."""

import datetime

from soisua.core.actors import SYSTEM
from soisua.org.models import Unit

from . import services
from .enums import DirectiveKind, TargetMode, TaskStatus
from .models import Receipt

BASIS = ("Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII\n"
         "Kế hoạch số 03-KH/TW của Bộ Chính trị")
TITLE = ("Thực hiện Kết luận số 21-KL/TW của Ban Chấp hành Trung ương Đảng khóa XIII về đẩy mạnh xây dựng, chỉnh "
         "đốn Đảng và hệ thống chính trị; kiên quyết ngăn chặn, đẩy lùi, xử lý nghiêm cán bộ, đảng viên suy thoái "
         "về tư tưởng chính trị, đạo đức, lối sống, biểu hiện \u201ctự diễn biến\u201d, \u201ctự chuyển hóa\u201d")
PROVINCE_TASKS = [
    "Tổ chức quán triệt, tuyên truyền sâu rộng Kết luận 21-KL/TW đến cán bộ, đảng viên",
    "Cụ thể hóa Kết luận bằng kế hoạch của cấp ủy các cấp, gắn với nhiệm vụ chính trị của địa phương",
    "Thực hiện nghiêm việc tự phê bình và phê bình, tự soi, tự sửa trong sinh hoạt chi bộ",
    "Phát huy vai trò nêu gương của người đứng đầu và cán bộ chủ chốt",
    "Tăng cường kiểm tra, giám sát việc thực hiện, xử lý nghiêm vi phạm",
    "Sơ kết, tổng kết, báo cáo kết quả thực hiện hằng năm",
]
BLOC_TASKS = [
    "Quán triệt Kết luận 21-KL/TW và Kế hoạch 72-KH/TU đến 100% cán bộ, đảng viên",
    "Xây dựng kế hoạch thực hiện của từng tổ chức cơ sở đảng, gắn với nhiệm vụ chính trị của cơ quan, doanh nghiệp",
    "Đối chiếu 27 biểu hiện suy thoái và 19 điều đảng viên không được làm trong kiểm điểm hằng năm",
    "Tổ chức tự soi, tự sửa thường xuyên, thực chất, hiệu quả, không hình thức",
    "Đổi mới, nâng cao chất lượng sinh hoạt chi bộ, sinh hoạt chuyên đề ít nhất mỗi quý một lần",
    "Phát huy trách nhiệm nêu gương của người đứng đầu cấp ủy, cơ quan, đơn vị",
    "Xây dựng kế hoạch khắc phục hạn chế, khuyết điểm sau kiểm điểm có lộ trình, thời hạn cụ thể",
    "Tăng cường kiểm tra, giám sát của cấp ủy và ủy ban kiểm tra các cấp",
    "Lắng nghe ý kiến góp ý của quần chúng, đoàn viên, hội viên đối với cán bộ, đảng viên",
    "Kiên quyết xử lý cán bộ, đảng viên suy thoái, \u201ctự diễn biến\u201d, \u201ctự chuyển hóa\u201d",
    "Gắn việc thực hiện với học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên gắn với kết quả khắc phục khuyết điểm",
    "Sơ kết, báo cáo kết quả thực hiện về Đảng ủy Khối theo định kỳ",
]


def _report_dates(first_year: int, today: datetime.date) -> list[datetime.date]:
    """A report at the end of each year, from the plan's year to the current one."""
    return [datetime.date(year, 12, 15) for year in range(first_year, today.year + 1)]


def _issue(issuer: Unit, *, number: str, symbol: str, issued_on: datetime.date, tasks: list[str], parent=None,
           today: datetime.date, basis: str = BASIS):
    directive = services.create_draft(
        issuer, kind=DirectiveKind.PLAN, number=number, issuer_symbol=symbol, issued_on=issued_on, title=TITLE,
        summary=("Nâng cao nhận thức, trách nhiệm của cấp ủy, tổ chức đảng, cán bộ, đảng viên; thực hiện thường "
                 "xuyên, thực chất, hiệu quả, không hình thức."), basis=basis, target_mode=TargetMode.CHILDREN,
        tasks=tasks, report_dates=_report_dates(issued_on.year, today), parent=parent, by=SYSTEM)
    return services.issue(directive, version=None, by=SYSTEM)


def _report_year(receipt: Receipt, percents: dict[int, int], *, year_index: int) -> None:
    directive = receipt.directive
    period = list(directive.periods.all())[year_index]
    for task in directive.tasks.all():
        percent = percents.get(task.number, 0)
        status = TaskStatus.DONE if percent == 100 else TaskStatus.IN_PROGRESS if percent else TaskStatus.NOT_STARTED
        services.file_report(receipt, key_task=task, period=period, percent=percent, status=status,
                             narrative="Đã triển khai theo kế hoạch của đơn vị." if percent else "", by=SYSTEM)


def load_demo_directives(today: datetime.date) -> None:
    units = {unit.code: unit for unit in Unit.objects.filter(code__startswith="DL")}
    plan = _issue(units["DL"], number="72", symbol="TU", issued_on=datetime.date(2022, 3, 25), tasks=PROVINCE_TASKS,
                  today=today)
    bloc_receipt = Receipt.objects.get(directive=plan, unit=units["DL-DUK"])
    services.acknowledge(bloc_receipt, by=SYSTEM)
    services.acknowledge(Receipt.objects.get(directive=plan, unit=units["DL-EK"]), by=SYSTEM)
    _report_year(bloc_receipt, {1: 100, 2: 100, 3: 80, 4: 70, 5: 60, 6: 50}, year_index=0)
    own = _issue(units["DL-DUK"], number="75", symbol="ĐUK", issued_on=datetime.date(2022, 5, 5), tasks=BLOC_TASKS,
                 parent=plan, today=today, basis="Kế hoạch số 72-KH/TU ngày 25/3/2022 của Ban Thường vụ Tỉnh ủy")
    # The office's cell and the justice department's cell report; education acknowledged; construction is late.
    office = Receipt.objects.get(directive=own, unit=units["DL-DUK-VP"])
    justice = Receipt.objects.get(directive=own, unit=units["DL-DUK-TP"])
    services.acknowledge(Receipt.objects.get(directive=own, unit=units["DL-DUK-GD"]), by=SYSTEM)
    full = dict.fromkeys(range(1, 14), 100)
    for year_index in range(len(own.periods.all()) - 1):
        _report_year(office, full, year_index=year_index)
        _report_year(justice, {number: min(100, 40 + 20 * year_index + 5 * number) for number in range(1, 14)},
                     year_index=year_index)
    services.add_task(justice, key_task=own.tasks.get(number=5), text="Sinh hoạt chuyên đề mỗi quý về tự soi, tự sửa",
                      deadline=datetime.date(today.year, 12, 31), by=SYSTEM)
