"""The demo installation: the organisation first, then what each app builds on it."""

import datetime

from django.db import transaction
from django.utils import timezone

from soisua.alerts.services import evaluate as evaluate_alerts
from soisua.core.actors import SYSTEM
from soisua.directives.demo import load_demo_directives
from soisua.meetings.demo import load_demo_meetings
from soisua.org.demo import DEMO_PASSWORD, Login, load_demo_organisation
from soisua.oversight.demo import load_demo_inspections


@transaction.atomic
def load_demo(*, password: str = DEMO_PASSWORD, today: datetime.date | None = None) -> list[Login]:
    """Create the demo organisation, its meetings, directives and an inspection if they are not there yet (with the
    early warnings the daily checks find in them), and (re)set the demo logins' passwords. Returns the logins, one
    per role."""
    today = today or timezone.localdate()
    logins, created = load_demo_organisation(password=password, today=today)
    if created:
        load_demo_meetings(today)
        load_demo_directives(today)
        load_demo_inspections(today)
        evaluate_alerts(by=SYSTEM, today=today)  # what the daily checks find in it
    return logins
