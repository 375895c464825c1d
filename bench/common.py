"""What the national-scale benchmarks share: Django set-up against PostgreSQL, the units of each level, p95."""

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("cell", "commune", "province", "country")


def configure() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a migrated PostgreSQL database (bench/run.sh does).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soisua.settings")
    os.environ.setdefault("DEBUG", "0")  # as in production: no per-query debug logging
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]
