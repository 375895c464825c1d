"""Who acts when no person does: the installation itself (the command line, the demo loader, scheduled jobs).

Services that check a person's powers take `by` without a default; passing `SYSTEM` says on purpose that no
person's powers apply, and the audit trail records the act as the system's.
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
