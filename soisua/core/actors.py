"""Who acts when no person does: the installation itself (the command line, the demo loader, scheduled jobs).

Every write service takes `by`, keyword-only and without a default: the person who acts, or `SYSTEM`, which says
on purpose that no person acts. Then the rules that depend on the person (their powers, never verifying one's own
fix) are skipped, the fields that store who acted stay empty (`person`), and the audit trail records the act as
the system's.
"""


class SystemActor:
    is_authenticated = False
    is_superuser = False
    pk = None

    def __str__(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def person(by):
    """Who acted, for a field that stores a person (created_by, decided_by, marked_by…): None when the system
    acted, so those fields only ever hold a login."""
    return None if by is SYSTEM else by
