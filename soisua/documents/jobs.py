"""Periodic jobs of the documents app, run by `manage.py run_scheduled`."""

from soisua.core.actors import SYSTEM
from soisua.notifications.scheduling import register

from . import services


@register("documents.purge_exports")
def purge_expired_exports() -> str:
    """Exports past their `EXPORT_KEPT_DAYS` may hold personal data: their files are deleted."""
    return f"{services.purge_expired_exports(by=SYSTEM)} expired"
