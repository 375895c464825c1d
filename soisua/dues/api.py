"""Party dues in the JSON API: a cell's months owed per member, for those who may see its dues page."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Schema

from soisua.core.api_common import MAX_ID, responses

from . import policy, queries
from .enums import month_of

router = Router(tags=[_("Party dues")])

UnitId = Path(..., ge=1, le=MAX_ID)


class ArrearsOut(Schema):
    member_id: int
    full_name: str
    # The months expected of the member (from the later of the first month recorded, their admission and their
    # joining the cell), how many of them are paid, and the first day of each month still owed.
    expected: int
    paid: int
    owed: list[datetime.date]
    # The amount of the latest month paid, in đồng.
    last_amount: int | None


class CellDuesOut(Schema):
    # The first month the cell records (null: the cell does not record party dues here yet, and nobody owes).
    recorded_from: datetime.date | None
    # The month counted through: this month.
    through: datetime.date
    items: list[ArrearsOut]


@router.get("/units/{unit_id}/dues", response=responses(CellDuesOut), summary=_("A cell's party dues"),
            description=_("Each member expected to pay, the most months owed first: the months paid and the months "
                          "still owed through this month. For the cell's leadership and the levels following it, "
                          "as on the cell's dues page."))
def cell_dues(request: HttpRequest, unit_id: int = UnitId):
    unit = policy.get_cell_for_user(request.user, unit_id)
    today = timezone.localdate()
    book = queries.book_of(unit)
    rows = queries.cell_arrears(unit, today) if book is not None else []
    return {"recorded_from": book.starts_on if book else None, "through": month_of(today), "items": [
        {"member_id": row.member.pk, "full_name": row.member.full_name, "expected": len(row.expected),
         "paid": row.paid_expected, "owed": row.owed, "last_amount": row.last_amount} for row in rows]}
