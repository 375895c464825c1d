"""Demo review cycles of the Ea Kmút commune (docs/domain.md, "The demo organisation"), loaded by soisua.demo
after the organisation and its meetings.

- Last year's cycle, closed: every collective review and most members' reviews submitted (most members have no
  login, so the cell recorded them as reviewed on paper), the shortcomings each named (corrections.demo then follows
  them through the year), the cells' proposals and the commune committee's decisions at the four levels, within
  the excellent quota.
- This year's cycle, open, with authors anonymous to the person reviewed: the cells' collective reviews, heads and
  members submitted in the review order, drafts, one review returned for revision, feedback among members, on the
  cells' collective reviews and on the commune committee (some accepted as shortcomings, one disputed, others
  waiting), a review point from the commune, a shortcoming named again, and the formalism signs the checks find.

Everything is written through the services by the system, each part on its day (core.demo.on_day), with texts
drawn from a seeded generator, so the demo is the same on every machine. The school cell's secretary is a real
public person: the demo writes no review, shortcoming or feedback of hers, and leaves her own reviews to her (in
last year's cycle, which did not enforce the review order, her review stays unsubmitted).
"""

import datetime
import random
from decimal import Decimal

from soisua.core.actors import SYSTEM
from soisua.core.demo import on_day
from soisua.corrections.enums import Cause
from soisua.corrections.models import Shortcoming
from soisua.org.demo import NAMED
from soisua.org.models import Post, Unit

from . import record, services
from .enums import TEXT_FIELD_KINDS, Anonymity, CycleKind, FeedbackKind, ReviewRank
from .models import Cycle, Review
from .queries import checklist_items, form_fields
from .rating_rules import allowed_by_quota, quota_for

COMMUNE = "DL-EK-EKM"
CELLS = ["DL-EK-EKM-MTB", "DL-EK-EKM-T1", "DL-EK-EKM-T3", "DL-EK-EKM-YT"]
# Members without a login (ordinary members, in name order) who named a shortcoming in last year's cycle, by cell;
# corrections.demo gives each of their plans a different state.
OWNERS = {"DL-EK-EKM-MTB": 4, "DL-EK-EKM-T1": 4, "DL-EK-EKM-T3": 3, "DL-EK-EKM-YT": 2}
# Last year's decisions on the collectives (the heads are rated no higher than the collective they head).
COLLECTIVE_LEVELS = {"DL-EK-EKM-MTB": "good", "DL-EK-EKM-T1": "good", "DL-EK-EKM-T3": "completed",
                     "DL-EK-EKM-YT": "good"}
# Self-scores that fall in each level's band (general criteria, task results).
SCORES = {"excellent": (28, 64), "good": (25, 55), "completed": (20, 38), "not_completed": (12, 30)}

ANSWERS = {
    "political_ideology": [
        "Luôn tuyệt đối trung thành với mục tiêu, lý tưởng của Đảng, kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ "
        "Chí Minh.",
        "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước.",
        "Tham gia đầy đủ các lớp học tập, quán triệt nghị quyết do chi bộ, đảng ủy tổ chức.",
        "Không dao động trước những thông tin sai trái, thù địch trên mạng xã hội; chủ động đấu tranh, phản bác.",
    ],
    "ethics_lifestyle": [
        "Giữ gìn phẩm chất đạo đức, lối sống giản dị, trung thực, khiêm tốn, đoàn kết với đồng nghiệp.",
        "Gia đình chấp hành tốt các quy định của địa phương nơi cư trú.",
        "Không có biểu hiện cơ hội, vụ lợi, tham nhũng, lãng phí.",
        "Quan hệ đúng mực với quần chúng, lắng nghe và tiếp thu ý kiến góp ý.",
    ],
    "discipline": [
        "Chấp hành nghiêm Điều lệ Đảng, nguyên tắc tập trung dân chủ và quy chế làm việc của chi bộ.",
        "Sinh hoạt đảng đầy đủ, đóng đảng phí theo quy định.",
        "Thực hiện đúng những điều đảng viên không được làm.",
        "Giữ mối liên hệ với chi ủy và nhân dân nơi cư trú theo Quy định 213-QĐ/TW.",
    ],
    "work_style": [
        "Tác phong làm việc khoa học, gần gũi, sâu sát cơ sở.",
        "Chủ động phối hợp với đồng nghiệp để hoàn thành công việc chung.",
        "Sắp xếp thời gian hợp lý giữa công việc chuyên môn và công tác đoàn thể.",
        "Ứng dụng công nghệ thông tin vào công việc hằng ngày.",
    ],
    "duty_results": [
        "Hoàn thành các nhiệm vụ được giao trong năm, bảo đảm tiến độ và chất lượng.",
        "Tham gia tích cực các phong trào thi đua của cơ quan, địa phương.",
        "Kết quả công việc được tập thể ghi nhận, không có sai sót lớn.",
        "Hoàn thành chỉ tiêu được giao, một số nhiệm vụ hoàn thành vượt mức.",
    ],
    "pledge_results": [
        "Thực hiện đúng bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.",
        "Đã hoàn thành phần lớn các nội dung đã cam kết; còn một nội dung đang thực hiện.",
    ],
    "unit_results": [
        "Đơn vị phụ trách hoàn thành kế hoạch năm, giữ vững đoàn kết nội bộ.",
        "Lĩnh vực được giao có chuyển biến, được cấp trên ghi nhận.",
    ],
    "leadership_management": [
        "Chỉ đạo xây dựng kế hoạch công tác năm sát thực tế, phân công rõ người, rõ việc.",
        "Duy trì giao ban định kỳ, kịp thời tháo gỡ vướng mắc ở cơ sở.",
    ],
    "responsibility_innovation": [
        "Dám nghĩ, dám làm, chủ động đề xuất cách làm mới trong công việc chung.",
        "Nhận trách nhiệm khi công việc của đơn vị chưa đạt yêu cầu.",
    ],
    "example_setting": [
        "Gương mẫu thực hiện trước những việc yêu cầu đảng viên làm.",
        "Nêu gương trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    ],
    "member_duties": [
        "Thực hiện đầy đủ nhiệm vụ đảng viên dự bị, được phân công theo dõi một hộ gia đình.",
        "Tham gia sinh hoạt chi bộ đầy đủ, phát biểu ý kiến trong các buổi sinh hoạt.",
    ],
    "theory_study": [
        "Đã hoàn thành chương trình bồi dưỡng lý luận chính trị dành cho đảng viên mới.",
        "Tự nghiên cứu các văn kiện Đại hội Đảng các cấp.",
    ],
    "official_membership_self_assessment": [
        "Tự nhận thấy đủ tư cách để được xem xét công nhận đảng viên chính thức.",
    ],
    "democratic_centralism": [
        "Chi bộ thực hiện nghiêm nguyên tắc tập trung dân chủ; các quyết định quan trọng đều được bàn tập thể.",
        "Quy chế làm việc của chi bộ được rà soát, bổ sung đầu năm; chi ủy họp thường kỳ mỗi tháng một lần.",
        "Phân công nhiệm vụ cho từng chi ủy viên, đảng viên rõ ràng, có kiểm tra, đôn đốc.",
        "Tự phê bình và phê bình trong sinh hoạt có tiến bộ, nhiều ý kiến thẳng thắn, xây dựng.",
        "Nghị quyết tháng của chi bộ ngắn gọn, nêu rõ việc, rõ người chịu trách nhiệm.",
        "Đảng viên được thông tin kịp thời về chủ trương của cấp trên trước khi chi bộ bàn bạc.",
    ],
    "targets_results": [
        "Hoàn thành các chỉ tiêu nghị quyết năm đề ra; một số chỉ tiêu hoàn thành vượt mức.",
        "Các nhiệm vụ trọng tâm của năm cơ bản được triển khai đúng tiến độ.",
        "Chỉ tiêu phát triển đảng viên mới chưa đạt, các chỉ tiêu còn lại đều hoàn thành.",
        "Kết quả thực hiện nghị quyết được sơ kết sáu tháng và tổng kết cuối năm.",
        "Các phong trào thi đua của đơn vị được duy trì, có mô hình được cấp trên biểu dương.",
        "Đời sống của đảng viên và quần chúng ổn định, không có đơn thư khiếu nại vượt cấp.",
    ],
    "party_building": [
        "Duy trì sinh hoạt chi bộ định kỳ; tổ chức sinh hoạt chuyên đề theo kế hoạch của Đảng ủy xã.",
        "Làm tốt công tác quản lý đảng viên, giới thiệu quần chúng ưu tú để bồi dưỡng kết nạp.",
        "Thực hiện đầy đủ việc thu, nộp đảng phí và quản lý hồ sơ đảng viên.",
        "Tổ chức học tập, quán triệt nghị quyết cho toàn thể đảng viên, có bài thu hoạch.",
        "Phân công đảng viên theo dõi, giúp đỡ quần chúng cảm tình Đảng.",
        "Kiểm tra, giám sát đảng viên chấp hành Điều lệ Đảng theo chương trình năm.",
    ],
    "political_task": [
        "Lãnh đạo hoàn thành nhiệm vụ chính trị của đơn vị; đời sống vật chất, tinh thần của nhân dân được nâng "
        "lên.",
        "Phối hợp với các đoàn thể vận động nhân dân tham gia các phong trào thi đua.",
        "Lãnh đạo giữ vững an ninh trật tự, không để xảy ra điểm nóng.",
        "Chỉ đạo thực hiện tốt công tác dân vận, quy chế dân chủ ở cơ sở.",
        "Lãnh đạo chuyên môn hoàn thành kế hoạch năm, chất lượng công việc được nâng lên.",
        "Đóng góp ý kiến vào văn kiện, kế hoạch của cấp ủy cấp trên đúng thời hạn.",
    ],
    "head_responsibility": [
        "Bí thư chi bộ chịu trách nhiệm chính về hạn chế của tập thể; từng chi ủy viên nhận trách nhiệm theo lĩnh "
        "vực được phân công.",
        "Chi ủy nhận trách nhiệm tập thể; đồng chí phó bí thư chịu trách nhiệm về công tác kiểm tra, giám sát.",
        "Trách nhiệm thuộc về tập thể chi ủy, trước hết là đồng chí bí thư chi bộ.",
    ],
    "collective_shortcomings": [
        "Cá nhân nhận một phần trách nhiệm về hạn chế của chi bộ trong lĩnh vực được phân công theo dõi.",
        "Chưa kịp thời đề xuất với chi ủy các giải pháp khắc phục hạn chế của tập thể.",
    ],
    "measures": [
        "Tiếp tục tu dưỡng, rèn luyện; khắc phục hạn chế đã nêu theo kế hoạch có lộ trình, thời hạn cụ thể.",
        "Đăng ký nội dung khắc phục với chi ủy và báo cáo kết quả hằng quý.",
        "Xây dựng kế hoạch khắc phục có người giám sát, báo cáo kết quả trong sinh hoạt chi bộ.",
        "Tăng cường tự học, tự kiểm tra; đề nghị chi ủy nhắc nhở khi chưa thực hiện đúng.",
    ],
    "previous": [
        "Các hạn chế được chỉ ra ở kỳ kiểm điểm trước đã được khắc phục theo kế hoạch; kết quả được nêu ở phần "
        "khắc phục.",
        "Hạn chế kỳ trước đang được khắc phục, một bước trong lộ trình còn chậm.",
        "Kỳ trước chưa có hạn chế nào được cấp có thẩm quyền chỉ ra.",
        "Đã khắc phục một phần; phần còn lại tiếp tục thực hiện theo lộ trình đã được chi ủy duyệt.",
    ],
}
# The forms of Hướng dẫn 43 (rule set 2025.2) name some of the same contents differently.
ANSWERS |= {"targets": ANSWERS["targets_results"], "leadership_responsibility": ANSWERS["political_task"],
            "quarter_tasks": ["Hoàn thành các nhiệm vụ trọng tâm của quý theo kế hoạch; sơ kết nghị quyết 9 tháng "
                              "đúng hạn.", "Hoàn thành 5/6 sản phẩm của quý; một sản phẩm chuyển sang quý IV."],
            "quarter_unit": ["Đơn vị phụ trách hoàn thành kế hoạch quý, không có vụ việc phức tạp."],
            "quarter_conduct": ["Giữ vững phẩm chất chính trị, đạo đức, lối sống; chấp hành nghiêm kỷ luật."]}
GENERIC_ANSWER = "Tự đánh giá đã thực hiện tốt nội dung này trong năm."

MEMBER_SHORTCOMINGS = [
    ("Chưa chủ động nghiên cứu, học tập nghị quyết của Đảng, còn trông chờ vào buổi quán triệt của chi bộ",
     "Chưa sắp xếp thời gian tự học hợp lý", "Lập lịch tự học nghị quyết hằng tháng, viết bài thu hoạch"),
    ("Tinh thần tự phê bình và phê bình chưa cao, còn nể nang, ngại va chạm trong sinh hoạt chi bộ",
     "Tâm lý ngại làm mất lòng đồng chí, đồng nghiệp",
     "Chuẩn bị ý kiến trước mỗi buổi sinh hoạt, phát biểu thẳng thắn"),
    ("Có buổi sinh hoạt chi bộ vắng mặt chưa báo cáo trước với chi ủy",
     "Chưa sắp xếp công việc cá nhân hợp lý", "Báo cáo chi ủy trước khi vắng, tham gia đầy đủ sinh hoạt"),
    ("Việc thực hiện nhiệm vụ được giao có lúc còn chậm so với kế hoạch",
     "Chưa chủ động xây dựng kế hoạch công việc cá nhân", "Lập kế hoạch công việc theo tuần, báo cáo tiến độ"),
    ("Chưa thường xuyên giữ mối liên hệ với chi ủy và nhân dân nơi cư trú",
     "Chưa dành thời gian cho sinh hoạt ở khu dân cư", "Tham gia họp tổ dân phố, báo cáo chi ủy nơi cư trú"),
]
COLLECTIVE_SHORTCOMINGS = {
    "DL-EK-EKM-MTB": ("Nội dung sinh hoạt chi bộ có lúc còn đơn điệu, sinh hoạt chuyên đề chưa đều các quý",
                      "Chi ủy chưa chuẩn bị kỹ nội dung sinh hoạt"),
    "DL-EK-EKM-T1": ("Công tác kiểm tra, giám sát đảng viên thực hiện nhiệm vụ được giao chưa thường xuyên",
                     "Chi ủy chưa xây dựng chương trình kiểm tra, giám sát cụ thể"),
    "DL-EK-EKM-T3": ("Công tác phát triển đảng viên chưa đạt chỉ tiêu nghị quyết đề ra",
                     "Nguồn quần chúng ưu tú ở thôn còn ít, chưa được bồi dưỡng sớm"),
    "DL-EK-EKM-YT": ("Việc ghi biên bản sinh hoạt chi bộ chưa đầy đủ ý kiến thảo luận",
                     "Chưa phân công người ghi biên bản ổn định"),
}
PEER_FEEDBACK = [
    (FeedbackKind.STRENGTH, "Đồng chí nhiệt tình, trách nhiệm, luôn sẵn sàng hỗ trợ đồng nghiệp."),
    (FeedbackKind.SHORTCOMING, "Đồng chí còn ít phát biểu xây dựng trong các buổi sinh hoạt chi bộ."),
    (FeedbackKind.SUGGESTION, "Đề nghị đồng chí chủ động hơn trong việc nghiên cứu, học tập nghị quyết."),
    (FeedbackKind.SHORTCOMING, "Đồng chí có lúc chưa báo cáo kịp thời tiến độ công việc được giao."),
]


def _reviews_in(cycle: Cycle, code: str) -> list[Review]:
    """A cell's reviews in the cycle, in the review order: the collective, the head, deputies, members by name."""
    return list(Review.objects.filter(cycle=cycle, unit__code=code).select_related("member", "member__user", "form",
                                                                                  "cycle__rule_set")
                .order_by("rank", "member__sort_key", "pk"))


def _is_named_person(review: Review) -> bool:
    return review.member is not None and any(review.member.full_name == name for name, *_rest in NAMED.values())


def _content(review: Review, rng: random.Random, *, level: str, items: list) -> services.ReviewContent:
    """The whole form filled in: two sentences of each text answer, each criterion graded, the checklist walked
    (nothing present), the self-scores in the band of `level` and `level` proposed."""
    fields = form_fields(review.form)
    answers, grades = {}, {}
    for key, spec in fields.items():
        if spec["kind"] in TEXT_FIELD_KINDS:
            pool = ANSWERS.get(key, [GENERIC_ANSWER])
            answers[key] = " ".join(rng.sample(pool, min(2, len(pool))))
            if spec.get("graded"):
                grades[key] = "excellent" if level == "excellent" else "good" if level == "good" else "average"
    kinds = {spec["kind"] for spec in fields.values()}
    checklist = {item.code: {"present": False} for item in items} if "checklist" in kinds else {}
    general, tasks = SCORES[level]
    scored = "score_general" in kinds
    return services.ReviewContent(answers=answers, grades=grades, checklist=checklist, self_level=level,
                                  self_score_general=Decimal(general) if scored else None,
                                  self_score_tasks=Decimal(tasks) if scored else None)


def _write(review: Review, rng: random.Random, *, level: str, items: list, shortcoming=None,
           submit: bool = True, cite: bool = False) -> Review:
    """The author's review through the editor's services: saved (with, if `cite`, the first facts of the year's
    record about meetings cited under section I), its shortcoming named, submitted."""
    content = _content(review, rng, level=level, items=items)
    if cite:
        content.citations = [("I", fact.key) for fact in record.facts_for(review)
                             if fact.key.startswith("meetings.")][:2]
    review = services.save_review(review, version=review.version, by=SYSTEM, content=content)
    if shortcoming is not None:
        _name(review, shortcoming)
    if submit:
        review = services.submit_review(review, version=review.version, by=SYSTEM)
    return review


def _name(review: Review, shortcoming: tuple[str, str, str]) -> None:
    text, cause, measures = shortcoming
    services.add_review_shortcoming(review, text=text, cause=Cause.SUBJECTIVE, cause_text=cause, measures=measures,
                                    fix_by=datetime.date(review.cycle.period_end.year + 1, 6, 30), by=SYSTEM)


def _ordinary(reviews: list[Review], posted: set[int]) -> list[Review]:
    """Members without a post or a login, in name order: those the demo writes for."""
    return [review for review in reviews if review.member_id and review.member_id not in posted
            and review.member.user_id is None]


def _posted(units: list[Unit]) -> set[int]:
    return set(Post.objects.filter(unit__in=units, ended_on__isnull=True).values_list("member_id", flat=True))


def _dates(start: datetime.date, *, year: int, **offsets) -> dict:
    return {"period_start": datetime.date(year, 1, 1), "period_end": datetime.date(year, 12, 31),
            **{name: start + datetime.timedelta(days=days) for name, days in offsets.items()}}


def _excellent_allowed(good: int, percent: Decimal) -> int:
    """The most members that may be rated excellent when `good` would be rated good without them."""
    excellent = 0
    while excellent + 1 <= allowed_by_quota(percent, good - excellent - 1):
        excellent += 1
    return excellent


def load_last_year(year: int, today: datetime.date, cells: dict[str, Unit], commune: Unit) -> Cycle:
    """Last year's cycle (`year`): opened about a year before today, every review written within ten days (the
    secretary's excepted), proposed, decided and closed within five weeks."""
    rng = random.Random(2025)  # noqa: S311 - reproducible demo texts, not secrets
    opened = max(today - datetime.timedelta(days=375), datetime.date(year, 1, 1))
    day = {offset: opened + datetime.timedelta(days=offset) for offset in (3, 5, 8, 15, 25, 35)}
    with on_day(opened):
        cycle = services.open_cycle(
            commune, title=f"Kiểm điểm, đánh giá, xếp loại chất lượng năm {year}", kind=CycleKind.YEAR,
            enforce_order=False, anonymity=Anonymity.NAMED, by=SYSTEM,
            **_dates(opened, year=year, self_review_due=10, appraisal_due=20, decision_due=30))
    items = checklist_items(cycle.rule_set)
    posted = _posted(list(cells.values()))
    levels: dict[int, str] = {}  # review pk -> the level the cell proposes and the committee decides
    unnamed: list[Review] = []  # members recorded on paper without a shortcoming: their levels are spread
    shortcomings = iter(rng.sample(MEMBER_SHORTCOMINGS, len(MEMBER_SHORTCOMINGS)) * 10)
    for code in cells:
        collective, *members = _reviews_in(cycle, code)
        with on_day(day[3]):
            text, cause = COLLECTIVE_SHORTCOMINGS[code]
            _write(collective, rng, level=COLLECTIVE_LEVELS[code], items=items,
                   shortcoming=(text, cause, "Chi ủy xây dựng kế hoạch khắc phục có lộ trình cụ thể"))
        levels[collective.pk] = COLLECTIVE_LEVELS[code]
        admitted = [review for review in members
                    if review.member.user_id is not None or review.member.admission_date <= cycle.period_end]
        owners = _ordinary(admitted, posted)[:OWNERS[code]]
        for review in members:
            if _is_named_person(review):
                continue  # her own review is hers to write
            if review not in admitted:
                with on_day(day[5]):
                    services.exclude_review(review, reason="Kết nạp vào Đảng sau kỳ kiểm điểm này.", by=SYSTEM)
                continue
            heads = review.rank in (ReviewRank.HEAD, ReviewRank.DEPUTY)
            level = "completed" if heads and COLLECTIVE_LEVELS[code] == "completed" else "good"
            levels[review.pk] = level
            with on_day(day[5] if heads else day[8]):
                if heads or review.member.user_id is not None:
                    _write(review, rng, level=level, items=items, shortcoming=next(shortcomings))
                elif review in owners:
                    _name(review, next(shortcomings))
                    services.mark_reviewed_on_paper(review, paper_on=day[8], by=SYSTEM)
                else:
                    services.mark_reviewed_on_paper(review, paper_on=day[8], by=SYSTEM)
                    unnamed.append(review)
    _spread_levels(cycle, commune, unnamed, levels)
    reviews = list(Review.objects.filter(pk__in=list(levels)).select_related("cycle__rule_set", "member", "unit"))
    # Collectives first (a head is compared with the decided collective), the excellent last (the quota counts
    # the decisions made before them against the proposals for its base).
    reviews.sort(key=lambda review: (review.rank != ReviewRank.COLLECTIVE, levels[review.pk] == "excellent",
                                     review.pk))
    with on_day(day[15]):
        for review in reviews:
            services.propose_level(review, level=levels[review.pk], by=SYSTEM,
                                   comment="Chi ủy thống nhất với mức tự nhận." if review.member_id
                                   else "Chi bộ thống nhất mức tự nhận của tập thể.")
    with on_day(day[25]):
        for review in reviews:
            services.decide_level(review, level=levels[review.pk], by=SYSTEM)
    with on_day(day[35]):
        return services.close_cycle(cycle, by=SYSTEM)


def _spread_levels(cycle: Cycle, commune: Unit, unnamed: list[Review], levels: dict[int, str]) -> None:
    """The members who named nothing spread over the four levels: one not completed, one in seven completed, and
    as many excellent as the commune's quota allows once the members' other reviews are counted good."""
    for index, review in enumerate(unnamed):
        levels[review.pk] = "not_completed" if index == len(unnamed) // 2 else (
            "completed" if index % 7 == 3 else "good")
    members = {review.pk for review in Review.objects.filter(pk__in=list(levels), member__isnull=False)}
    good = sum(1 for pk, level in levels.items() if level == "good" and pk in members)
    percent, _base = quota_for(commune, cycle.rule_set)
    chosen = [review for review in unnamed if levels[review.pk] == "good"][1::3][:_excellent_allowed(good, percent)]
    for review in chosen:
        levels[review.pk] = "excellent"


def load_this_year(today: datetime.date, cells: dict[str, Unit], commune: Unit) -> Cycle:
    """This year's cycle, opened a fortnight ago; self-reviews are due in three days."""
    rng = random.Random(2026)  # noqa: S311 - reproducible demo texts, not secrets
    opened = today - datetime.timedelta(days=14)
    with on_day(opened):
        cycle = services.open_cycle(
            commune, title=f"Kiểm điểm, đánh giá, xếp loại chất lượng năm {opened.year}", kind=CycleKind.YEAR,
            anonymity=Anonymity.SECRETARY, by=SYSTEM,
            **_dates(opened, year=opened.year, self_review_due=17, appraisal_due=24, decision_due=34))
    items = checklist_items(cycle.rule_set)
    day = {offset: opened + datetime.timedelta(days=offset) for offset in range(15)}
    mtb, t1, t3, yt = (_reviews_in(cycle, code) for code in CELLS)

    # The school cell: the collective's review names last year's shortcoming again; the secretary has not written
    # hers yet, so her colleagues wait (the review order); some were reviewed on paper; a member's draft answers a
    # point sent by the commune.
    with on_day(day[3]):
        _write(mtb[0], rng, level="good", items=items,
               shortcoming=(COLLECTIVE_SHORTCOMINGS["DL-EK-EKM-MTB"][0] + ", nhất là các quý I và II",
                            "Chi ủy chưa chuẩn bị kỹ nội dung sinh hoạt", "Phân công chi ủy viên chuẩn bị chuyên đề"))
    mtb_ordinary = _ordinary(mtb, _posted([cells["DL-EK-EKM-MTB"]]))
    with on_day(day[8]):
        for review in mtb_ordinary[:3]:
            services.mark_reviewed_on_paper(review, paper_on=day[8], by=SYSTEM)
    member = next(review for review in mtb if review.member and review.member.user and not _is_named_person(review))
    with on_day(day[6]):
        services.send_review_prompt(member, from_unit=commune, by=SYSTEM,
                                    text="Đề nghị đồng chí làm rõ kết quả khắc phục hạn chế đã nêu ở kỳ kiểm điểm "
                                         "năm trước.")
    earlier = Shortcoming.objects.filter(member=member.member).order_by("pk").first()
    with on_day(day[12]):  # the shortcoming of last year, named again
        _write(member, rng, level="good", items=items, submit=False, cite=True,
               shortcoming=(earlier.text, earlier.cause_text, earlier.measures) if earlier else None)

    # Thôn 1: the collective, the head and the deputy first, then members; one returned; drafts; feedback.
    collective, *members = t1
    leaders = [review for review in members if review.rank in (ReviewRank.HEAD, ReviewRank.DEPUTY)]
    with on_day(day[2]):
        _write(collective, rng, level="good", items=items,
               shortcoming=(*COLLECTIVE_SHORTCOMINGS["DL-EK-EKM-T1"], "Xây dựng chương trình kiểm tra theo quý"))
    with on_day(day[3]):
        for review in leaders:
            _write(review, rng, level="good", items=items, shortcoming=MEMBER_SHORTCOMINGS[3])
    ordinary = _ordinary(members, _posted([cells["DL-EK-EKM-T1"]]))
    returned = next(review for review in members if review.member.user_id is not None)
    submitted = ordinary[:8]
    for index, review in enumerate([returned, *submitted]):
        with on_day(day[5 + index % 4]):
            _write(review, rng, level="good", items=items, shortcoming=MEMBER_SHORTCOMINGS[(index + 1) % 5])
    with on_day(day[9]):
        services.return_review(returned, by=SYSTEM,
                               reason="Đề nghị đồng chí nêu cụ thể nguyên nhân và lộ trình khắc phục hạn chế.")
    with on_day(day[11]):
        for review in ordinary[8:11]:
            _write(review, rng, level="good", items=items, submit=False)
    with on_day(day[8]):
        for review in ordinary[11:13]:
            services.mark_reviewed_on_paper(review, paper_on=day[8], by=SYSTEM)
    cell = cells["DL-EK-EKM-T1"]
    with on_day(day[9]):
        for index, review in enumerate(submitted[:4]):
            for kind, text in (PEER_FEEDBACK[index], PEER_FEEDBACK[(index + 1) % len(PEER_FEEDBACK)]):
                services.give_feedback(review=Review.objects.get(pk=review.pk), from_unit=cell, kind=kind, text=text,
                                       by=SYSTEM)
        _collective_feedback(collective, cell, commune)
    with on_day(day[10]):
        answered = list(submitted[0].feedback.order_by("pk"))
        services.respond_to_feedback(answered[1], accept=True, by=SYSTEM,
                                     text="Còn ít phát biểu xây dựng trong sinh hoạt chi bộ")
        disputed = list(submitted[1].feedback.filter(kind=FeedbackKind.SHORTCOMING).order_by("pk"))[:1]
        for feedback in disputed:
            services.respond_to_feedback(feedback, accept=False, by=SYSTEM,
                                         reason="Trong năm đồng chí đã báo cáo tiến độ hằng tháng bằng văn bản.")

    # Thôn 3: the collective and the head submitted; of two members, one names no shortcoming at all.
    with on_day(day[4]):
        _write(t3[0], rng, level="completed", items=items,
               shortcoming=(*COLLECTIVE_SHORTCOMINGS["DL-EK-EKM-T3"], "Lập danh sách quần chúng ưu tú để bồi dưỡng"))
        for review in t3[1:]:
            if review.rank == ReviewRank.HEAD:
                _write(review, rng, level="completed", items=items, shortcoming=MEMBER_SHORTCOMINGS[2])
    t3_ordinary = _ordinary(t3, _posted([cells["DL-EK-EKM-T3"]]))
    with on_day(day[9]):
        _write(t3_ordinary[0], rng, level="good", items=items, shortcoming=MEMBER_SHORTCOMINGS[4])
        _write(t3_ordinary[1], rng, level="good", items=items)  # no shortcoming: a formalism sign

    # The health station: the collective review has been started, nothing submitted.
    with on_day(day[6]):
        _write(yt[0], rng, level="good", items=items, submit=False)
    return cycle


def _collective_feedback(collective: Review, cell: Unit, commune: Unit) -> None:
    """Members' feedback on their cell's collective review, and on the commune committee above it."""
    collective = Review.objects.get(pk=collective.pk)
    for kind, text in ((FeedbackKind.SHORTCOMING, "Chi ủy cần kiểm tra thường xuyên hơn việc đảng viên thực hiện "
                                                  "nhiệm vụ được phân công."),
                       (FeedbackKind.SUGGESTION, "Đề nghị chi bộ đổi mới nội dung sinh hoạt, gắn với việc của thôn.")):
        services.give_feedback(review=collective, from_unit=cell, kind=kind, text=text, by=SYSTEM)
    for kind, text in ((FeedbackKind.SUGGESTION, "Đề nghị Đảng ủy xã tổ chức tập huấn nghiệp vụ cho chi ủy các thôn."),
                       (FeedbackKind.SHORTCOMING, "Tài liệu sinh hoạt chuyên đề của Đảng ủy gửi về chi bộ còn chậm.")):
        services.give_feedback(superior=commune, from_unit=cell, kind=kind, text=text, by=SYSTEM)


def load_third_quarter(year: int, today: datetime.date, commune: Unit) -> Cycle | None:
    """The third quarter's evaluation of the leaders (form 05), written, decided and closed in October, so that the
    leaders' yearly review shows it; none when October of `year` is not over yet."""
    opened = datetime.date(year, 10, 1)
    if today < opened + datetime.timedelta(days=20):
        return None
    rng = random.Random(year * 10 + 3)  # noqa: S311 - reproducible demo texts, not secrets
    with on_day(opened):
        cycle = services.open_cycle(
            commune, title=f"Đánh giá quý III năm {year}", kind=CycleKind.QUARTER, enforce_order=False,
            anonymity=Anonymity.NAMED, period_start=datetime.date(year, 7, 1), period_end=datetime.date(year, 9, 30),
            self_review_due=opened + datetime.timedelta(days=5), appraisal_due=opened + datetime.timedelta(days=10),
            decision_due=opened + datetime.timedelta(days=15), by=SYSTEM)
    # The real public person writes nothing in the demo: her quarter stays not started.
    reviews = [review for review in cycle.reviews.select_related("cycle__rule_set", "member", "unit").order_by("pk")
               if not _is_named_person(review)]
    with on_day(opened + datetime.timedelta(days=4)):
        for review in reviews:
            _write(review, rng, level="good", items=[])
    with on_day(opened + datetime.timedelta(days=9)):
        for review in reviews:
            services.propose_level(review, level="good", comment="Hoàn thành các sản phẩm của quý theo kế hoạch.",
                                   by=SYSTEM)
    with on_day(opened + datetime.timedelta(days=14)):
        for review in reviews:
            services.decide_level(review, level="good", by=SYSTEM)
    with on_day(opened + datetime.timedelta(days=16)):
        return services.close_cycle(cycle, by=SYSTEM)


def load_demo_reviews(today: datetime.date) -> Cycle:
    """Both cycles of the Ea Kmút commune; returns last year's, whose shortcomings corrections.demo follows."""
    commune = Unit.objects.get(code=COMMUNE)
    cells = {unit.code: unit for unit in Unit.objects.filter(code__in=CELLS)}
    cells = {code: cells[code] for code in CELLS}
    closed = load_last_year((today - datetime.timedelta(days=14)).year - 1, today, cells, commune)
    load_third_quarter((today - datetime.timedelta(days=14)).year, today, commune)
    load_this_year(today, cells, commune)
    return closed

