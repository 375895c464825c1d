"""Rows of the organisation for bulk loads, shaped as the services shape them.

A loader that writes units and members without the services (COPY on PostgreSQL, bulk_create elsewhere) builds
its rows here from plain values it chose (ids, names, dates): paths, depths and name keys are computed the way
`create_unit` and `create_member` compute them, and the rows a member always has (one open membership in the
cell, the status history) have the shape the services give them. Rows are dicts keyed by attribute name; the
columns left out take the model's defaults.
"""

import datetime
import functools

from soisua.core.text import text_sort_key

from .enums import MemberStatus, PostKind
from .models import PATH_STEP, CellMembership, Member, MemberStatusChange, Post, Unit
from .services import encode_path_step, member_values

# The tables these rows go to, parents first.
TABLES = (Unit, Member, CellMembership, MemberStatusChange, Post)


def unit_row(*, id: int, kind_id: int, parent_id: int, parent_path: str, number: int, province_id: int, code: str,
             name: str, place: str = "") -> dict:
    """The `number`-th child (from 0) of the unit at `parent_path`. `province_id` is the province-level ancestor,
    or the unit itself at that level."""
    path = parent_path + encode_path_step(number)
    return {"id": id, "kind_id": kind_id, "parent_id": parent_id, "province_id": province_id, "path": path,
            "depth": len(path) // PATH_STEP, "code": code, "name": name, "sort_key": text_sort_key(name),
            "place": place}


@functools.lru_cache(maxsize=65_536)
def _name_keys(full_name: str) -> dict:
    # A few tens of thousands of distinct names make millions of members: each name's keys are computed once.
    return member_values({"full_name": full_name})


def member_row(*, id: int, cell_id: int, province_id: int, full_name: str, status: MemberStatus, sex: str,
               date_of_birth: datetime.date, admission_date: datetime.date, official_date: datetime.date | None,
               ethnicity: str, card_number: str) -> dict:
    """A member registered in a cell, with the name keys search and sorted lists use."""
    return {**_name_keys(full_name), "id": id, "cell_id": cell_id, "province_id": province_id, "status": status,
            "sex": sex, "date_of_birth": date_of_birth, "admission_date": admission_date,
            "official_date": official_date, "ethnicity": ethnicity, "card_number": card_number}


def membership_row(*, id: int, member_id: int, cell_id: int, started_on: datetime.date) -> dict:
    """The member's open membership of their cell: a member has exactly one open row, in `Member.cell`."""
    return {"id": id, "member_id": member_id, "cell_id": cell_id, "started_on": started_on, "ended_on": None}


def status_row(*, id: int, member_id: int, status: MemberStatus, effective_on: datetime.date) -> dict:
    """The status history's row of the member's current status, from the day it took effect."""
    return {"id": id, "member_id": member_id, "status": status, "effective_on": effective_on}


def secretary_row(*, id: int, member_id: int, cell_id: int, started_on: datetime.date) -> dict:
    """The cell's secretary, a member of the cell, in post since `started_on`."""
    return {"id": id, "member_id": member_id, "unit_id": cell_id, "kind": PostKind.SECRETARY,
            "started_on": started_on, "ended_on": None}
