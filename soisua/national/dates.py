"""The fixed days the generated data is drawn around, so a seed always gives the same data whatever today is."""

import datetime

# The day the organisation is generated "as of": members' ages, statuses and plans stand as they would that day.
REFERENCE_DAY = datetime.date(2025, 7, 1)
# Shortcomings named in the December 2024 reviews, fixed to plans approved in January 2025.
REVIEWED_AT = datetime.datetime(2024, 12, 10, 8, 0, tzinfo=datetime.UTC)
PLANS_MADE = datetime.date(2025, 1, 15)
PLANS_END = datetime.date(2025, 12, 31)
# Meetings are generated for the last whole year before REFERENCE_DAY, so every meeting has been held and marked.
MEETINGS_YEAR = REFERENCE_DAY.year - 1
# Secretaries were elected at the last congress.
CONGRESS_DAY = datetime.date(2025, 8, 1)
