"""What the national-scale benchmarks share: Django set-up against PostgreSQL, the units of each level, p95."""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
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


Task = tuple[str, Callable, tuple]


def timed_rounds(names: tuple[str, ...], round_tasks: Callable[[int], list[Task]], *, runs: int, warmup: int,
                 rng: random.Random) -> dict[str, list[float]]:
    """Milliseconds per named task over `runs` rounds after `warmup` untimed ones; each round's tasks
    (`round_tasks(number)`: name, function, arguments) run in a shuffled order, so a slow moment of the machine
    falls on the floor and the answers alike."""
    times: dict[str, list[float]] = {name: [] for name in names}
    for number in range(runs + warmup):
        tasks = round_tasks(number)
        rng.shuffle(tasks)
        for name, task, arguments in tasks:
            started = time.perf_counter()
            task(*arguments)
            elapsed = (time.perf_counter() - started) * 1000
            if number >= warmup:
                times[name].append(elapsed)
    return times


def server_session(user) -> str:
    """The key of a session for `user` written on the server side, as the login view leaves it (no login is
    measured); when the login needs its second factor, or has one, that is entered too (django_otp's login with the
    user's authenticator, one made for the benchmark if there is none), so pages open as after the code was typed."""
    from importlib import import_module

    import django_otp
    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from soisua.accounts import policy, two_factor

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if policy.requires_two_factor(user) or two_factor.has_two_factor(user):
        device = two_factor.confirmed_device(user) or TOTPDevice.objects.create(user=user, name="bench",
                                                                                  confirmed=True)
        django_otp.login(request, device)
    request.session.save()
    return request.session.session_key
