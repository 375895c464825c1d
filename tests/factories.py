"""factory_boy factories. They build through the services where a service exists, so tests use real paths."""

import factory

from soisua.accounts.models import User
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


def make_unit(parent: Unit | None, kind_code: str, name: str, code: str | None = None, **fields) -> Unit:
    return services.create_unit(parent=parent, kind=kind(kind_code), code=code or f"U{next(_unit_numbers):05d}",
                                name=name, **fields)


_card_numbers = iter(range(10_000_001, 10**9))


def make_member(cell: Unit, full_name: str = "Nguyễn Văn An", *, user: User | None = None, **fields) -> Member:
    fields.setdefault("card_number", str(next(_card_numbers)))
    member = services.create_member(cell=cell, full_name=full_name, **fields)
    if user is not None:
        member = services.link_account(member, user=user)
    return member
