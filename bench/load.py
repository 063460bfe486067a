"""Load test: teachers browsing and companies signing up, 50 users for 2 minutes (locust).

    make load                               (about 4 minutes with the setup)
    .venv/bin/python bench/load.py --help   (other user counts, durations, data sizes)

Every run starts from scratch on data of its own (bench/load_settings.py): it recreates the
database `techportal_load` with a catalogue at a tenth of national scale (bench/catalogue_data.py:
20,000 offers, 18,000 of them published, of 9,000 companies; 1,000 school locations; the
regions and PC4 centres) and the demo data on top (coordinators, events, impact figures), and
starts a redis-server of its own, gunicorn (gthread, 2 workers × 4 threads, as bench-signup)
and a Celery worker for the sign-ups' routing and emails.

locust (bench/locustfile.py) then runs headless: 50 users, 10 more a second, for 2 minutes;
four in five are teachers searching and filtering the catalogue, opening offers and events,
the others companies posting the aanmeldformulier. The table gives per page the requests,
failures, the median (p50) and 95th percentile (p95) response times as locust measures them
(it rounds to two significant digits), and the rate. Any failure (an error status, a
refused sign-up, no answer) makes it exit non-zero. Logs and locust's CSV are in var/load/.

The machine's CPUs are shared by everything here: the `cores busy` line tells how much the
site took, how much locust, and how much went to other programs (`other`); when that is high,
the response times are worse than the site's own.
"""

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stack import RedisServer, Service, free_port, spawn  # noqa: E402

LOAD = ROOT / "var" / "load"
REDIS_PORT = free_port()
os.environ["LOAD_REDIS_PORT"] = str(REDIS_PORT)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db.models import Max  # noqa: E402

from bench import common  # noqa: E402
from bench.catalogue_data import Sizes, catalogue_data_generate  # noqa: E402
from bench.common import GROUPS, CpuSnapshot  # noqa: E402
from bench.load_settings import LOAD_DATABASE  # noqa: E402
from matching.models import SignUp  # noqa: E402
from offers.models import Offer, OfferKind, SearchWord  # noqa: E402
from organisations.demo import REGIONS  # noqa: E402
from organisations.models import Organisation, Region  # noqa: E402
from techportal.choices import Level, World  # noqa: E402

HOST = "127.0.0.1"
OUTSIDE_PC4 = [2011, 4811, 5611, 6511, 9711]  # outside the demo regions: the national desk


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started a second")
    parser.add_argument("--duration", type=int, default=120, help="seconds")
    parser.add_argument(
        "--scale",
        type=float,
        default=0.1,
        help="of the national catalogue (200,000 offers); 0: the demo data only",
    )
    parser.add_argument("--keep-db", action="store_true", help=f"leave {LOAD_DATABASE} behind")
    return parser.parse_args()


def log(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {message}", flush=True)


# --- the data ----------------------------------------------------------------------------------


def database_recreate(scale: float) -> None:
    """Migrated; the catalogue at `scale` of national size; the demo data on top."""
    common.database_create(LOAD_DATABASE)
    common.manage("migrate", "--no-input")
    if scale:
        with common.connect(LOAD_DATABASE) as conn:
            catalogue_data_generate(conn, sizes=Sizes().scaled(scale))
    common.manage("loaddemo", "--force")  # also rebuilds the "Bedoelde u …?" vocabulary
    with common.connect(LOAD_DATABASE, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def traffic_config() -> dict:
    """What the simulated users choose from, taken from the data (bench/locustfile.py)."""
    # Words teachers type: common in the offers, but not the commonest (een, voor, met …).
    words = list(
        SearchWord.objects.filter(word__regex=r"^.{5,}$")
        .order_by("-documents", "word")
        .values_list("word", flat=True)[20:320]
    )
    schools = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL).exclude(postcode="")
    published = Offer.objects.filter(status=Offer.Status.PUBLISHED).count()
    return {
        "words": words,
        "kinds": [kind for kind in OfferKind.values if kind != OfferKind.EVENT_WORKSHOP],
        "levels": list(Level.values),
        "worlds": list(World.values),
        "regions": list(Region.objects.values_list("slug", flat=True)),
        "postcodes": list(schools.order_by("?").values_list("postcode", flat=True)[:300]),
        "distances": [10, 25, 40],
        "pages": max(2, min(10, published // settings.CATALOGUE_PAGE_SIZE // 20)),
        "signup_pc4s": [start for r in REGIONS for start, _end in r.ranges] + OUTSIDE_PC4,
    }


# --- the run -----------------------------------------------------------------------------------


def site_start(port: int) -> list[Service]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    web = spawn(
        "gunicorn",
        [
            *common.gunicorn_command(port),
            # Idle connections kept longer than a user thinks between clicks, as a proxy in
            # front would. With gunicorn's 2 s, a click races the server closing the idle
            # connection: a browser silently sends it again, locust counts a reset.
            "--keep-alive=75",
            "--no-control-socket",
        ],
        env=env,
        log=LOAD / "gunicorn.log",
    )
    queues = [settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_MAIL_QUEUE]
    worker = spawn(
        "celery",
        common.celery_worker_command(concurrency=2, queues=queues, hostname="load@localhost"),
        env=env,
        log=LOAD / "celery.log",
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://{HOST}:{port}/", timeout=2).status_code == 200:
                return [web, worker]
        except httpx.TransportError:
            pass
        if not web.running or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start; see {web.log}")
        time.sleep(0.2)


def locust_run(args: argparse.Namespace, port: int) -> int:
    command = [
        str(Path(sys.executable).parent / "locust"),
        "--locustfile=bench/locustfile.py",
        "--headless",
        f"--users={args.users}",
        f"--spawn-rate={args.spawn_rate}",
        f"--run-time={args.duration}s",
        f"--host=http://{HOST}:{port}",
        f"--csv={LOAD / 'locust'}",
        "--only-summary",
        "--loglevel=WARNING",
    ]
    env = os.environ | {"LOAD_CONFIG": str(LOAD / "config.json"), "PYTHONPATH": str(ROOT)}
    with (LOAD / "locust.log").open("wb") as output:
        return subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        ).returncode


def stats_table() -> tuple[list[str], int]:
    """The table per page from locust's CSV, and the number of failures."""
    with (LOAD / "locust_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    lines = [
        f"  {'page':<32}{'requests':>9}{'failures':>9}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'max ms':>8}{'req/s':>7}"
    ]
    failures = 0
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "all pages" if row["Name"] == "Aggregated" else row["Name"]
        if name == "all pages":
            lines.append("  " + "-" * 89)
        else:
            failures += int(row["Failure Count"])
        lines.append(
            f"  {name:<32}{row['Request Count']:>9}{row['Failure Count']:>9}{row['50%']:>8}"
            f"{row['95%']:>8}{row['99%']:>8}{float(row['Max Response Time']):>8.0f}"
            f"{float(row['Requests/s']):>7.1f}"
        )
    with (LOAD / "locust_failures.csv").open() as failed:
        for row in csv.DictReader(failed):
            lines.append(
                f"  FAILED {row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}"
            )
    return lines, failures


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    print(
        f"Load test: {args.users} users (+{args.spawn_rate:.0f}/s) for {args.duration} s, "
        f"teachers 4 : companies 1; catalogue at {args.scale:g} of national scale plus the "
        f"demo data; gunicorn gthread 2 × 4, Celery prefork ×2; database {LOAD_DATABASE}; own "
        f"Redis on :{REDIS_PORT}; {os.cpu_count()} CPUs; logs in {LOAD.relative_to(ROOT)}/",
        flush=True,
    )
    shutil.rmtree(LOAD, ignore_errors=True)
    (LOAD / "redis").mkdir(parents=True)
    redis = RedisServer(LOAD / "redis")
    redis.port = REDIS_PORT  # the one the settings name
    redis.start()
    servers: list[Service] = []
    try:
        database_recreate(args.scale)
        config = traffic_config()
        (LOAD / "config.json").write_text(json.dumps(config))
        offers = Offer.objects.filter(status=Offer.Status.PUBLISHED).count()
        log(f"data ready: {offers} published offers, {len(config['postcodes'])} school postcodes")
        port = free_port()
        servers = site_start(port)
        last_before = SignUp.objects.aggregate(last=Max("pk"))["last"] or 0
        cpu = CpuSnapshot.take(servers, LOAD_DATABASE)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_started = time.monotonic()
        log(f"locust: {args.users} users for {args.duration} s")
        exit_code = locust_run(args, port)
        seconds = time.monotonic() - load_started
        busy = cpu.seconds_since(servers)
        # locust has ended: its CPU time is known to us as a child's, not from /proc.
        ended = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy["locust"] = ended.ru_utime + ended.ru_stime - children.ru_utime - children.ru_stime
        busy["other"] = max(0.0, busy["other"] - busy["locust"])
        posted = SignUp.objects.filter(pk__gt=last_before)
        deadline = time.monotonic() + 30  # for the last sign-ups' routing
        while posted.filter(routed_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        signups, routed = posted.count(), posted.filter(routed_at__isnull=False).count()
    finally:
        for server in reversed(servers):
            server.stop()
        redis.stop()
        if not args.keep_db:
            common.database_drop(LOAD_DATABASE)
    lines, failures = stats_table()
    print("\n".join(["", *lines]))
    print(
        f"\n  sign-ups stored: {signups}, routed: {routed}; cores busy: "
        + ", ".join(f"{group} {busy[group] / seconds:.2f}" for group in [*GROUPS, "locust"])
        + f" (of {os.cpu_count()}); whole run {time.monotonic() - started:.0f} s"
    )
    ok = failures == 0 and exit_code == 0 and routed == signups
    print(f"\n  {'PASSED' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
