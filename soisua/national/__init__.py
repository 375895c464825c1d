"""National-scale data for benchmarks and load tests: a tool on top of the apps, which none of them imports.

`manage.py generate_national` builds a country-sized organisation with its shortcomings, correction plans, a year
of meetings with their rolls and the subtree counters. Each app shapes its own rows (`<app>/bulk.py`); this package
draws the values (sizes, names, dates, who came to which meeting), reserves the ids and writes the rows in bulk.
"""
