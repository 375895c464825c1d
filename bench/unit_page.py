"""Unit page throughput against a bare Django view on the same server (docs/testing.md, "Benchmarks").

Needs DATABASE_URL pointing at a migrated PostgreSQL database (bench/run.sh provides a throwaway one).
Generates a national organisation at --scale (default 0.01) unless one is already there, logs in as the
secretary of a cell with about 20 members, starts gunicorn on 127.0.0.1 with production settings, and
measures requests per second with wrk (or a small Python load generator when wrk is missing) for:

  (a) /bench/bare/  a view without queries or templates, through the same middleware;
  (b) /units/<cell>/  the cell's page as its secretary sees it.

PASS when (b) reaches --floor (default 50 %) of (a). Then it reports the latency of a commune page and a
province page, whose member counts cover the whole subtree with one aggregate (they are not among the subtree
counters: docs/architecture.md, "Subtree counters").
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def production_env() -> dict[str, str]:
    """Production-like settings for this process and gunicorn alike (the session hash needs one SECRET_KEY)."""
    return {
        "DJANGO_SETTINGS_MODULE": "soisua.settings",
        "SOISUA_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
        "FAST_PASSWORD_HASHER": "true",
        "LOG_LEVEL": "WARNING",
    }


def wsgi_application():
    """Gunicorn entry point (`bench.unit_page:wsgi_application()`): the project with the bench urlconf."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soisua.settings")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = "bench.urls"
    return get_wsgi_application()


# --- data -----------------------------------------------------------------------------------------------


def ensure_organisation(scale: float):
    from django.core.management import call_command

    from soisua.org.models import Unit

    root = Unit.objects.filter(parent=None, kind__code="central").order_by("pk").first()
    if root is None:
        print(f"Generating the organisation at --scale {scale} …", flush=True)
        call_command("generate_national", scale=scale, append=Unit.objects.exists(), verbosity=0)
        root = Unit.objects.filter(parent=None, kind__code="central").order_by("pk").first()
    return root


def pick_cell(root, target: int = 20):
    """The first cell of the tree whose active member count is closest to `target`."""
    from django.db.models import Count, Q

    from soisua.org.enums import ACTIVE_STATUSES
    from soisua.org.models import Unit

    cells = (Unit.objects.filter(path__startswith=root.path, kind__holds_members=True, posts__kind="secretary")
             .annotate(active=Count("members", filter=Q(members__status__in=ACTIVE_STATUSES), distinct=True)))
    for spread in range(0, target):
        cell = cells.filter(active__gte=target - spread, active__lte=target + spread).order_by("pk").first()
        if cell is not None:
            return cell
    raise SystemExit("No cell with a secretary found; is the organisation empty?")


def login_session(username: str, *, unit, role: str, member=None) -> str:
    """A session cookie for a login holding `role` on `unit`, built through the org services."""
    from common import server_session
    from django.conf import settings

    from soisua.accounts.models import User
    from soisua.core.actors import SYSTEM
    from soisua.org import services

    user = member.user if member is not None and member.user_id else None
    if user is None:
        user, _created = User.objects.get_or_create(username=username)
        if member is not None:
            services.link_account(member, user=user, by=SYSTEM)
    services.grant_role(user, unit=unit, role=role, by=SYSTEM)
    return f"{settings.SESSION_COOKIE_NAME}={server_session(user)}"


# --- server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [str(VENV_BIN / "gunicorn"), "bench.unit_page:wsgi_application()", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads), "--chdir", str(ROOT),
               "--log-level", "warning", "--graceful-timeout", "5"]
    server = subprocess.Popen(command, env=os.environ.copy(), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            if get(port, "/healthz", "")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def get(port: int, path: str, cookie: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


# --- load -----------------------------------------------------------------------------------------------


def measure(port: int, path: str, cookie: str, *, duration: float, connections: int) -> tuple[float, float]:
    """(requests per second, median latency in ms) for a fixed duration; refuses any non-2xx answer."""
    if shutil.which("wrk"):
        return measure_with_wrk(port, path, cookie, duration=duration, connections=connections)
    return measure_with_python(port, path, cookie, duration=duration, connections=connections)


def measure_with_wrk(port, path, cookie, *, duration, connections) -> tuple[float, float]:
    result = subprocess.run(
        ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{duration:.0f}s",
         "--timeout", "10s", "--latency", "--header", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=duration + 60, check=True)
    output = result.stdout
    timeouts = re.search(r"timeout (\d+)", output)
    if "Non-2xx" in output or (timeouts and int(timeouts.group(1))):
        raise SystemExit(f"wrk saw failed requests on {path}:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", output)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[median.group(2)]
    return rps, float(median.group(1)) * factor


def measure_with_python(port, path, cookie, *, duration, connections) -> tuple[float, float]:
    """A small closed-loop generator: one thread per connection, reconnecting as the server closes them."""
    latencies: list[float] = []
    failures: list[int] = []
    deadline = time.monotonic() + duration

    def worker():
        connection = None
        while time.monotonic() < deadline:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            started = time.monotonic()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = None
                continue
            latencies.append(time.monotonic() - started)
            if response.status >= 300:
                failures.append(response.status)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} requests to {path} failed (status {failures[0]})")
    return len(latencies) / (time.monotonic() - started), statistics.median(latencies) * 1000


def latency(port: int, path: str, cookie: str, *, requests: int = 10) -> tuple[float, float]:
    """(median, worst) milliseconds of sequential requests, after one warm-up request."""
    get(port, path, cookie)
    times = []
    for _ in range(requests):
        started = time.monotonic()
        status, _body = get(port, path, cookie)
        times.append((time.monotonic() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    return statistics.median(times), max(times)


def check_page(port: int, path: str, cookie: str, *expected: str) -> None:
    status, body = get(port, path, cookie)
    missing = [text for text in expected if text not in body]
    if status != 200 or missing:
        raise SystemExit(f"{path} answered {status}; missing {missing}")


# --- main -----------------------------------------------------------------------------------------------


def prepare(scale: float) -> dict:
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    from soisua.org.enums import Role
    from soisua.org.models import Member, Post

    call_command("collectstatic", interactive=False, verbosity=0)
    root = ensure_organisation(scale)
    cell = pick_cell(root)
    secretary = Post.objects.select_related("member").get(unit=cell, kind="secretary", ended_on=None).member
    commune, province = cell.parent, cell.province
    staff_cookie = login_session(f"bench-staff-{province.pk}", unit=province, role=Role.STAFF)
    plan = {
        "cell": cell, "secretary": secretary, "commune": commune, "province": province,
        "cookie": login_session(f"bench-secretary-{cell.pk}", unit=cell, role=Role.SECRETARY, member=secretary),
        "staff_cookie": staff_cookie,
        "cell_members": Member.objects.filter(cell=cell).count(),
        "commune_members": Member.objects.filter(cell__path__startswith=commune.path).count(),
        "province_members": Member.objects.filter(cell__path__startswith=province.path).count(),
    }
    connections.close_all()
    return plan


def run(args) -> bool:
    plan = prepare(args.scale)
    cell, port = plan["cell"], args.port or free_port()
    server = start_gunicorn(port, args.workers, args.threads)
    try:
        cell_path, cookie = f"/units/{cell.pk}/", plan["cookie"]
        check_page(port, "/bench/bare/", cookie, "ok")
        check_page(port, cell_path, cookie, cell.name, plan["secretary"].full_name)
        for path in ("/bench/bare/", cell_path):  # warm up both workers: templates, connections, caches
            measure(port, path, cookie, duration=1, connections=args.connections)
        bare_rps, bare_ms = measure(port, "/bench/bare/", cookie, duration=args.duration,
                                    connections=args.connections)
        page_rps, page_ms = measure(port, cell_path, cookie, duration=args.duration, connections=args.connections)
        bare_alone = latency(port, "/bench/bare/", cookie)
        page_alone = latency(port, cell_path, cookie)
        commune = latency(port, f"/units/{plan['commune'].pk}/", plan["staff_cookie"])
        province = latency(port, f"/units/{plan['province'].pk}/", plan["staff_cookie"])
    finally:
        stop(server)
    ratio = page_rps / bare_rps
    passed = ratio >= args.floor
    tool = "wrk" if shutil.which("wrk") else "python load generator"
    print(f"unit_page summary: {args.workers} gunicorn workers x {args.threads} threads, {tool}, "
          f"{args.connections} connections, {args.duration:.0f} s each")
    print(f"  bare view                {bare_rps:7.0f} req/s, median {bare_ms:5.1f} ms under load, "
          f"{bare_alone[0]:5.1f} ms alone")
    print(f"  cell page ({plan['cell_members']} members)  {page_rps:7.0f} req/s, median {page_ms:5.1f} ms under load, "
          f"{page_alone[0]:5.1f} ms alone")
    print(f"  commune page ({plan['commune_members']:,} members in subtree)  median {commune[0]:.0f} ms, "
          f"worst {commune[1]:.0f} ms (sequential)")
    print(f"  province page ({plan['province_members']:,} members in subtree)  median {province[0]:.0f} ms, "
          f"worst {province[1]:.0f} ms (sequential)")
    print(f"  cell page / bare view = {ratio:.0%} (floor {args.floor:.0%}) "
          f"{'PASS' if passed else 'FAIL'}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01, help="generator scale when no organisation exists")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    parser.add_argument("--floor", type=float, default=0.5, help="minimum page/bare ratio (default 0.5)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a migrated PostgreSQL database (bench/run.sh does).")
    os.environ.update(production_env())
    sys.path.insert(0, str(ROOT))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up in `finally`
    sys.exit(0 if run(args) else 1)


if __name__ == "__main__":
    main()
