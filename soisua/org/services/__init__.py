"""Writes to the organisation: units, members, posts, role grants, logins.

Each function owns its transaction, appends the audit entry, and raises OrgError (translated) on refusal.
"""

from .common import ConflictError, OrgError, save_versioned
from .logins import create_account, create_account_with_code, link_account, renew_setup_code, reset_two_factor
from .members import (
    MEMBER_FIELDS,
    assign_post,
    change_member_status,
    create_member,
    end_post,
    member_values,
    transfer_member,
    update_member,
)
from .roles import (
    STAND_IN_HOURS,
    end_grants_with_posts,
    end_stand_in,
    grant_role,
    revoke_role,
    role_of_post,
    stand_in,
)
from .tree import (
    TOUCH_MIN_DEPTH,
    UNIT_FIELDS,
    KindRules,
    NewUnit,
    check_dates,
    check_placement,
    create_unit,
    create_units,
    encode_path_step,
    forget_access,
    move_unit,
    province_keyed_models,
    touch_subtree,
    touch_units,
    update_unit,
)

__all__ = [
    "MEMBER_FIELDS",
    "STAND_IN_HOURS",
    "TOUCH_MIN_DEPTH",
    "UNIT_FIELDS",
    "ConflictError",
    "KindRules",
    "NewUnit",
    "OrgError",
    "assign_post",
    "change_member_status",
    "check_dates",
    "check_placement",
    "create_account",
    "create_account_with_code",
    "create_member",
    "create_unit",
    "create_units",
    "encode_path_step",
    "end_grants_with_posts",
    "end_post",
    "end_stand_in",
    "forget_access",
    "grant_role",
    "link_account",
    "member_values",
    "move_unit",
    "province_keyed_models",
    "renew_setup_code",
    "reset_two_factor",
    "revoke_role",
    "role_of_post",
    "save_versioned",
    "stand_in",
    "touch_subtree",
    "touch_units",
    "transfer_member",
    "update_member",
    "update_unit",
]
