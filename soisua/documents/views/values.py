"""A member's field as the import pages show it (the exchange preview, a held row): labels for codes, dd/mm/yyyy for
dates, yes or no, a dash for nothing."""

import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from soisua.org.enums import MemberStatus, Sex


def shown(key: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d/m/Y")
    if key == "sex":
        return str(Sex(value).label)
    if key == "status":
        return str(MemberStatus(value).label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
