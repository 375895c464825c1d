"""The demo installation: the organisation first, then what each app builds on it.

Each app's part is written through its services by the system, on the days it happened relative to `today`
(core.demo), so a first visit shows a year of history: meetings, last year's review cycle with its ratings, this
year's open cycle, correction plans in every state, directives and an inspection, and the early warnings the daily
checks find in them. Corrections come after reviews, against the order of the apps: their plans are made for the
shortcomings the reviews named (the pair of apps that still depend on each other, docs/architecture.md).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from soisua.alerts.services import evaluate as evaluate_alerts
from soisua.core.actors import SYSTEM
from soisua.core.demo import as_of
from soisua.corrections.demo import load_demo_corrections
from soisua.directives.demo import load_demo_directives
from soisua.dues.demo import load_demo_dues
from soisua.library.demo import load_demo_library
from soisua.meetings.demo import load_demo_meetings
from soisua.org.demo import DEMO_PASSWORD, Login, load_demo_organisation
from soisua.oversight.demo import load_demo_inspections
from soisua.quality.demo import load_demo_quality
from soisua.reviews.demo import load_demo_reviews


@transaction.atomic
def load_demo(*, password: str = DEMO_PASSWORD, today: datetime.date | None = None) -> list[Login]:
    """Create the demo organisation and what each app builds on it if it is not there yet (with the early warnings
    the daily checks find in them), and (re)set the demo logins' passwords. Returns the logins, one per role."""
    today = today or timezone.localdate()
    with as_of(today):
        logins, created = load_demo_organisation(password=password, today=today)
        if created:
            load_demo_meetings(today)
            load_demo_dues(today)
            load_demo_quality(today)
            load_demo_library(today)
            last_year = load_demo_reviews(today)
            load_demo_corrections(today, carried=last_year.shortcomings.all())
            load_demo_directives(today)
            load_demo_inspections(today)
            evaluate_alerts(by=SYSTEM, today=today)  # what the daily checks find in it
    return logins
