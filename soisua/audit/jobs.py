"""The periodic anchor of the audit chains (docs/security.md, "Tamper-evident audit trail").

`notifications/scheduling.py` registers it (this app sits below notifications and cannot import it).
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .chain import GENESIS, anchor_digest
from .models import AuditAnchor, AuditChain

logger = logging.getLogger(__name__)


def anchor(period: str | None = None) -> AuditAnchor:
    """Write the heads of every chain as the anchor of `period` (today by default), once per period.

    The digest is logged so that the operator can keep it away from the database; a second call in the same
    period returns the anchor already written.
    """
    period = period or timezone.localdate().isoformat()
    existing = AuditAnchor.objects.filter(period=period).first()
    if existing is not None:
        return existing
    heads = {str(chain): [seq, hash_] for chain, seq, hash_ in
             AuditChain.objects.filter(seq__gt=0).order_by("chain").values_list("chain", "seq", "hash")}
    previous = AuditAnchor.objects.order_by("-id").values_list("digest", flat=True).first() or GENESIS
    try:
        with transaction.atomic():
            written = AuditAnchor.objects.create(period=period, heads=heads, previous_digest=previous,
                                                 digest=anchor_digest(period, heads, previous))
    except IntegrityError:  # another run wrote this period's anchor first
        return AuditAnchor.objects.get(period=period)
    # At warning level so that the default logging (LOG_LEVEL=WARNING) shows it too.
    logger.warning("audit anchor %s: %s (%d chains); keep this digest away from the database",
                   period, written.digest, len(heads))
    return written


def run_anchor() -> str:
    """The scheduled job: the line `run_scheduled` prints and keeps."""
    written = anchor()
    return f"anchor {written.period} digest {written.digest} ({len(written.heads)} chains)"
