import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from soisua.core.api_common import MAX_ID, Pages, query_text, responses
from soisua.core.querytext import QUERY_MAX_LENGTH

from . import access, queries
from .enums import MemberStatus

router = Router(tags=[_("Organisation")])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int

    @staticmethod
    def resolve_kind(unit) -> str:
        return unit.kind.code


class MemberOut(Schema):
    id: int
    full_name: str
    status: str
    cell_id: int


class MemberDetailOut(MemberOut):
    sex: str
    admission_date: datetime.date | None
    official_date: datetime.date | None
    # Personal data: null unless the caller may see it (org.access.can_see_personal_data).
    date_of_birth: datetime.date | None = None
    card_number: str | None = None
    citizen_id: str | None = None
    phone: str | None = None
    email: str | None = None


PERSONAL_FIELDS = ("date_of_birth", "card_number", "citizen_id", "phone", "email")

UnitId = Path(..., ge=1, le=MAX_ID)
MemberId = Path(..., ge=1, le=MAX_ID)


@router.get("/units", response=responses(list[UnitOut]), summary=_("Units"),
            description=_("The units the caller sees, in tree order. `within`: only that unit and the units under "
                          "it (404 when the caller does not see it); `kind`: only units of that kind (its code, "
                          "such as \"cell\")."))
@paginate(Pages, page_size=100)
def unit_list(request: HttpRequest, within: int | None = Query(None, ge=1, le=MAX_ID),
              kind: str | None = Query(None, max_length=40)):
    top = access.get_unit_for_user(request.user, within) if within is not None else None
    return queries.units_visible_to(request.user, within=top, kind=kind)


@router.get("/units/{unit_id}", response=responses(UnitOut), summary=_("A unit"))
def unit_detail(request: HttpRequest, unit_id: int = UnitId):
    return access.get_unit_for_user(request.user, unit_id)


@router.get("/units/{unit_id}/children", response=responses(list[UnitOut]), summary=_("The units under a unit"))
def unit_children(request: HttpRequest, unit_id: int = UnitId):
    return list(queries.children_of(access.get_unit_for_user(request.user, unit_id)))


@router.get("/units/{unit_id}/members", response=responses(list[MemberOut]), summary=_("The members of a cell"),
            description=_("Its members on the roll and those suspended; `status`: only the members of that status "
                          "(\"left\" lists those who left the roll)."))
@paginate(Pages, page_size=100)
def unit_members(request: HttpRequest, unit_id: int = UnitId, status: MemberStatus | None = None):
    return queries.members_of_cell(access.get_unit_for_user(request.user, unit_id), status=status)


@router.get("/members/search", response=responses(list[MemberOut]), summary=_("Find members"),
            description=_("Members whose name (diacritics optional), card or ID number matches `q`. Control "
                          "characters in `q` are refused (422, code \"control_characters\")."))
@paginate(Pages, page_size=50)
def member_search(request: HttpRequest, q: str = Query(..., max_length=QUERY_MAX_LENGTH)):
    return queries.search_members(request.user, query_text(q))


@router.get("/members/{member_id}", response=responses(MemberDetailOut), summary=_("A member"),
            description=_("Personal data (date of birth, card, ID number, phone, e-mail) is null unless the "
                          "caller may see it."))
def member_detail(request: HttpRequest, member_id: int = MemberId):
    member = access.get_member_for_user(request.user, member_id)
    data = MemberDetailOut.from_orm(member).dict()
    if not access.can_see_personal_data(request.user, member):
        data |= dict.fromkeys(PERSONAL_FIELDS)
    return data
