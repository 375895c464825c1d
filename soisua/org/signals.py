"""What the organisation tells the apps built on it, without knowing them."""

from django.dispatch import Signal

# Sent inside move_unit's transaction, after the subtree has its new paths: `unit` (reloaded), `old_chain` and
# `new_chain` — (unit id, depth) of its ancestors, root first, then of the unit itself — before and after.
subtree_moved = Signal()

# Sent inside the writing transaction when people join a cell or change status in it (a new member, a transfer
# in, a status change, a roster import): `cells`, the cells whose roll of members changed.
cell_members_changed = Signal()
