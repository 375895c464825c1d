"""factory_boy factories. They build through the services where a service exists, so tests use real paths; they
act as SYSTEM (arranging data) unless the caller says who acts."""

import factory

from soisua.accounts.models import User
from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.models import Member, Unit, UnitKind

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    language = "vi"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


_unit_numbers = iter(range(1, 10**9))


def make_unit(parent: Unit | None, kind_code: str, name: str, code: str | None = None, *, by=SYSTEM,
              **fields) -> Unit:
    return services.create_unit(parent=parent, kind=kind(kind_code), code=code or f"U{next(_unit_numbers):05d}",
                                name=name, by=by, **fields)


_card_numbers = iter(range(10_000_001, 10**9))


def make_member(cell: Unit, full_name: str = "Nguyễn Văn An", *, user: User | None = None, by=SYSTEM,
                **fields) -> Member:
    fields.setdefault("card_number", str(next(_card_numbers)))
    member = services.create_member(cell=cell, full_name=full_name, by=by, **fields)
    if user is not None:
        member = services.link_account(member, user=user, by=by)
    return member


def complete_review(review, by, *, level: str = "good", general=25, tasks=60, text: str = "",
                    submit: bool = True, items_present: dict | None = None):
    """Fill a review through the services (every checklist item answered) and, by default, submit it."""
    from decimal import Decimal

    from soisua.reviews import services as review_services
    from soisua.reviews.models import ChecklistItem, Review
    from soisua.reviews.queries import form_fields

    review = Review.objects.get(pk=review.pk)
    fields = form_fields(review.form)
    answers = {key: text or f"Nội dung {spec['label']}" for key, spec in fields.items() if spec["kind"] == "text"}
    checklist = {}
    if any(spec["kind"] == "checklist" for spec in fields.values()):
        for item in ChecklistItem.objects.filter(checklist__rule_set=review.cycle.rule_set):
            described = (items_present or {}).get(item.code)
            checklist[item.code] = {"present": bool(described), "text": described or ""}
    has_scores = any(spec["kind"] == "score_general" for spec in fields.values())
    content = review_services.ReviewContent(
        answers=answers, checklist=checklist, self_level=level,
        self_score_general=Decimal(general) if has_scores else None,
        self_score_tasks=Decimal(tasks) if has_scores else None)
    review = review_services.save_review(review, version=review.version, content=content, by=by)
    if submit:
        review = review_services.submit_review(review, version=review.version, by=by)
    return review
