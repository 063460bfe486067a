"""Benchmark, not a test: a burst of sign-ups against gunicorn with a live Celery worker.

    make bench-signup                       (500 sign-ups at concurrency 16)
    .venv/bin/python bench/signup.py --help (other sizes and server configurations)

Every run starts from scratch on data of its own (see bench/settings.py): it recreates the
database `techportal_bench`, migrates it and loads the demo regions and coordinators, empties
Redis databases 5 and 6, then starts gunicorn and a Celery worker (no beat). It measures

- the floor: a bare Django view that inserts one row (bench/urls.py), under the same
  middleware and gunicorn configuration;
- the burst: valid sign-ups of new companies, spread over the six demo regions and, one in
  seven, outside them all (the national desk). Accepted means a 302 to the thank-you page.
  Submit→routed is `routed_at - received_at` of each sign-up, read from the database once the
  worker has routed them all.

Warm-up requests go first (floor POSTs, then sign-ups until their emails are sent), so that
lazy imports, template compilation and new database connections stay out of the figures.
Afterwards it stops what it started, empties its Redis databases and drops its database
(unless --keep-db).

gunicorn runs gthread, 2 workers × 4 threads (the Makefile says so explicitly): one process per
core, CPU-bound as a sign-up is, with threads to overlap the third of a request spent waiting
for PostgreSQL and Redis, and keep-alive. More processes or threads measured no faster, as the
web, the worker and PostgreSQL share the two cores; sync workers were some 20% slower.

The load generator (bench/common.py, shared with the catalogue bench) is a minimal HTTP/1.1
client on asyncio streams, with every request encoded beforehand, so that it takes little of
the CPUs it shares with the servers (about 0.1 ms per request; httpx in 16 threads took 0.8 ms
and lowered the floor by a fifth). The CPU table, from
/proc, shows per request what gunicorn, the Celery worker, PostgreSQL (the bench database's
backends, the background processes, and every connection that ended meanwhile), Redis and this
script (`bench`: the generator, and polling the database after the burst) used. `other` is the
rest of the machine, which must be near zero for trustworthy figures: the two CPUs are shared.
"""

import argparse
import functools
import math
import os
import re
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
django.setup()

import httpx  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max, QuerySet  # noqa: E402

from bench import common  # noqa: E402
from bench.common import (  # noqa: E402
    GROUPS,
    HOST,
    LOGS,
    CpuSnapshot,
    Phase,
    Server,
    free_port,
    percentile,
    post,
    start_process,
    wait_until_serving,
)
from bench.settings import BENCH_DATABASE  # noqa: E402
from matching.models import SignUp  # noqa: E402
from organisations.demo import REGIONS  # noqa: E402

TARGET_RATE = 300.0  # accepted sign-ups per second
TARGET_P95 = 1.0  # seconds from submit to routed
# Postcodes outside every demo region: the national desk's work.
OUTSIDE_PC4 = (2011, 4811, 5611, 6511, 9711)
LETTERS = "ABCEGHJKLMNPRTVWXZ"  # so that no letter pair is SA, SD or SS (not in use)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--signups", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=32, help="sign-ups before the burst")
    parser.add_argument("--floor-requests", type=int, default=5000)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--celery-concurrency", type=int, default=2, help="routing worker")
    parser.add_argument(
        "--mail-concurrency",
        type=int,
        default=1,
        help="a separate worker for the mail queue; 0: one worker serves both queues",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds after the burst to wait for the worker",
    )
    parser.add_argument("--keep-db", action="store_true", help=f"leave {BENCH_DATABASE} behind")
    return parser.parse_args()


# --- the database and Redis of the bench -------------------------------------------------------


def database_recreate() -> None:
    common.database_create(BENCH_DATABASE)
    common.manage("migrate", "--no-input")
    common.manage("loaddemo", "--force")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, "
            "created_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)"
        )


def redis_flush() -> None:
    for url in (settings.CELERY_BROKER_URL, settings.CACHES["default"]["LOCATION"]):
        redis.Redis.from_url(url).flushdb()


# --- the servers -------------------------------------------------------------------------------


def gunicorn_start(args: argparse.Namespace, port: int) -> Server:
    return common.gunicorn_start(
        port=port, worker_class=args.worker_class, workers=args.workers, threads=args.threads
    )


def celery_start(*, concurrency: int, queues: list[str], nice: int = 0) -> Server:
    """A Celery worker (the CPU table sums every worker under "celery")."""
    hostname = f"bench-{uuid.uuid4().hex[:8]}@localhost"
    worker = common.celery_worker_command(concurrency=concurrency, queues=queues, hostname=hostname)
    return start_process(
        "celery",
        [*(["nice", "-n", str(nice)] if nice else []), *worker],
        log_name=f"celery-{'-'.join(queues)}",
    )


def workers_start(args: argparse.Namespace) -> list[Server]:
    """Routing on its own worker and emails on another, as production runs them (README).

    On one machine the mail worker runs at a lower CPU priority (nice 10): an email may wait a
    few seconds, routing and the web should not.
    """
    routing, mail = settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_MAIL_QUEUE
    if not args.mail_concurrency:
        return [celery_start(concurrency=args.celery_concurrency, queues=[routing, mail])]
    return [
        celery_start(concurrency=args.celery_concurrency, queues=[routing]),
        celery_start(concurrency=args.mail_concurrency, queues=[mail], nice=10),
    ]


def fire(port: int, requests: list[bytes], concurrency: int, servers: list[Server]) -> Phase:
    return common.fire(port, requests, concurrency, servers, BENCH_DATABASE)


# --- the sign-ups ------------------------------------------------------------------------------


@functools.cache
def _pc4s() -> list[list[int]]:
    """The PC4 numbers of each demo region, and last those outside every region."""
    regional = [[pc4 for start, end in r.ranges for pc4 in range(start, end + 1)] for r in REGIONS]
    if {pc4 for pc4s in regional for pc4 in pc4s}.intersection(OUTSIDE_PC4):
        raise RuntimeError("OUTSIDE_PC4 lies in a demo region")
    return [*regional, list(OUTSIDE_PC4)]


def signup_body(n: int, token: uuid.UUID, csrf: str) -> str:
    """A valid aanmeldformulier of a new company (KvK 6xxxxxxx), offering one or two things.

    Sign-up n goes to region n mod 7, the seventh being outside every region.
    """
    areas = _pc4s()
    pc4s = areas[n % len(areas)]
    pc4 = pc4s[n // len(areas) % len(pc4s)]
    letters = LETTERS[n % len(LETTERS)] + LETTERS[n // len(LETTERS) % len(LETTERS)]
    kinds = ["gastles"] if n % 2 else ["gastles", "bedrijfsbezoek"]
    fields = [
        ("csrfmiddlewaretoken", csrf),
        ("form_token", str(token)),
        ("company_name", f"Benchbedrijf {n} B.V."),
        ("kvk_number", f"{60_000_000 + n}"),
        ("street_address", f"Industrieweg {n % 200 + 1}"),
        ("postcode", f"{pc4} {letters}"),
        ("city", "Bankstad"),
        ("website", f"www.benchbedrijf-{n}.example.nl"),
        ("worlds", "hitech_science"),
        ("contact_name", f"Sam Bench {n}"),
        ("contact_role", "Opleidingscoördinator"),
        ("contact_email", f"sam.{n}@benchbedrijf-{n}.example.nl"),
        ("contact_phone", "020 123 4567"),
        ("consent", "on"),
        ("fax", ""),
    ]
    for kind in kinds:
        fields += [
            ("kinds", kind),
            (f"{kind}-description", f"Leerlingen zien hoe wij werken ({kind}, {n})."),
            (f"{kind}-levels", "vmbo_bb"),
            (f"{kind}-levels", "havo"),
            (f"{kind}-availability", "op_aanvraag"),
            (f"{kind}-location", "school" if kind == "gastles" else "company"),
        ]
    return urlencode(fields)


def csrf_pair(port: int) -> tuple[str, str]:
    """One GET of the form: the csrftoken cookie, and a form token that goes with it."""
    response = httpx.get(f"http://{HOST}:{port}/aanmelden/", timeout=10)
    response.raise_for_status()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    if found is None:
        raise RuntimeError("no csrfmiddlewaretoken in the aanmeldformulier")
    cookie = settings.CSRF_COOKIE_NAME
    return f"{cookie}={response.cookies[cookie]}", found[1]


def signup_requests(port: int, first: int, count: int) -> list[bytes]:
    cookie, csrf = csrf_pair(port)
    return [
        post(port, "/aanmelden/", signup_body(n, uuid.uuid4(), csrf), cookie)
        for n in range(first, first + count)
    ]


def _sessions() -> int:
    """How many connections to the bench database were ever opened."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _signups_from_now() -> QuerySet[SignUp]:
    """The sign-ups stored after this moment (the demo data has a few of its own)."""
    return SignUp.objects.filter(pk__gt=SignUp.objects.aggregate(last=Max("pk"))["last"] or 0)


def wait_until(rows: QuerySet[SignUp], since: float, timeout: float, **done) -> float | None:
    """Seconds from `since` until all `rows` match `done`; None on timeout."""
    while time.perf_counter() - since < timeout:
        if not rows.exclude(**done).exists():
            return time.perf_counter() - since
        time.sleep(0.1)
    return None


def routing_latencies(rows: QuerySet[SignUp]) -> list[float]:
    return sorted(
        (routed - received).total_seconds()
        for received, routed in rows.filter(routed_at__isnull=False).values_list(
            "received_at", "routed_at"
        )
    )


# --- the report --------------------------------------------------------------------------------


@dataclass
class Outcome:
    floor: Phase
    burst: Phase
    latencies: list[float]
    routed_after: float | None  # seconds after the burst's last response
    sent_after: float | None  # idem, until every email went out
    cpu_until_sent: dict[str, float]  # CPU seconds from the burst's start until then
    connections: int  # PostgreSQL connections opened meanwhile


def _seconds(value: float | None) -> str:
    return "timed out" if value is None else f"{value:.2f} s"


def report(outcome: Outcome) -> None:
    burst, floor, latencies = outcome.burst, outcome.floor, outcome.latencies
    accepted = sum(
        result.status == 302 and "/aanmelden/bedankt/" in result.location
        for result in burst.results
    )
    rejected = sum(400 <= result.status < 500 for result in burst.results)
    errors = len(burst.results) - accepted - rejected
    rate = accepted / burst.seconds
    floor_rate = floor.count(204) / floor.seconds
    p95 = percentile(latencies, 0.95)
    posts = sorted(result.seconds * 1000 for result in burst.results)
    statuses = Counter(result.status for result in burst.results)

    def row(label: str, value: str, target: str = "", met: bool | None = None) -> str:
        verdict = "" if met is None else ("met" if met else "MISSED")
        return f"  {label:<32}{value:>10}   {target:<9}{verdict}"

    lines = [
        "",
        row("", "result", "target"),
        row("accepted sign-ups/s", f"{rate:.1f}", f"≥ {TARGET_RATE:.0f}", rate >= TARGET_RATE),
        row("submit→routed p50", f"{percentile(latencies, 0.5):.3f} s"),
        row("submit→routed p95", f"{p95:.3f} s", f"≤ {TARGET_P95:.0f} s", p95 <= TARGET_P95),
        row("submit→routed max", f"{max(latencies, default=math.nan):.3f} s"),
        row("floor (bare insert view) req/s", f"{floor_rate:.1f}"),
        row("sign-ups/s ÷ floor req/s", f"{rate / floor_rate:.3f}"),
        "",
        f"  burst: {len(burst.results)} POSTs in {burst.seconds:.2f} s: {accepted} accepted, "
        f"{rejected} rejected (4xx), {errors} errors (5xx or no answer); "
        f"statuses {dict(sorted(statuses.items()))}",
        f"    POST response time p50 {percentile(posts, 0.5):.0f} ms, "
        f"p95 {percentile(posts, 0.95):.0f} ms, max {posts[-1]:.0f} ms",
        f"    {len(latencies)} routed; all routed {_seconds(outcome.routed_after)} and all "
        f"emails sent {_seconds(outcome.sent_after)} after the last response",
        f"    {outcome.connections} PostgreSQL connections opened meanwhile "
        f"({outcome.connections / len(burst.results):.1f} per sign-up)",
        f"  floor: {len(floor.results)} POSTs in {floor.seconds:.2f} s, "
        f"{floor.count(204)} answered 204",
        "",
        "  CPU ms per request     " + "".join(f"{group:>10}" for group in GROUPS),
    ]
    sent = len(burst.results) if outcome.sent_after is not None else 0
    for label, cpu, count in (
        ("sign-up, until emailed", outcome.cpu_until_sent, sent),
        ("sign-up, burst only", burst.cpu, len(burst.results)),
        ("floor", floor.cpu, len(floor.results)),
    ):
        if count:
            lines.append(
                f"    {label:<22}" + "".join(f"{cpu[g] * 1000 / count:10.2f}" for g in GROUPS)
            )
    lines.append(
        "  cores busy during the burst: "
        + ", ".join(f"{group} {burst.cpu[group] / burst.seconds:.2f}" for group in GROUPS)
        + f" (of {os.cpu_count()})"
    )
    if burst.cpu["other"] / burst.seconds > 0.2:
        lines.append(
            "  NOTE: other programs kept the CPUs busy during the burst; the figures are low."
        )
    print("\n".join(lines))


def run(args: argparse.Namespace, servers: list[Server]) -> Outcome:
    port = free_port()
    servers.extend(workers_start(args))
    servers.append(gunicorn_start(args, port))
    wait_until_serving(servers[-1], port)

    floor_post = post(port, "/bench/floor/", "payload=" + "x" * 64)
    fire(port, [floor_post] * 300, args.concurrency, servers)
    floor = fire(port, [floor_post] * args.floor_requests, args.concurrency, servers)

    warmed = _signups_from_now()
    fire(port, signup_requests(port, 0, args.warmup), args.concurrency, servers)
    if wait_until(warmed, time.perf_counter(), 60, company_notified_at__isnull=False) is None:
        raise RuntimeError(f"the warm-up sign-ups were not handled in time; see {LOGS}")

    requests = signup_requests(port, args.warmup, args.signups)
    rows = _signups_from_now()
    sessions = _sessions()
    before = CpuSnapshot.take(servers, BENCH_DATABASE)
    burst = fire(port, requests, args.concurrency, servers)
    end = time.perf_counter()
    routed_after = wait_until(rows, end, args.timeout, routed_at__isnull=False)
    sent_after = wait_until(
        rows,
        end,
        args.timeout,
        coordinator_notified_at__isnull=False,
        company_notified_at__isnull=False,
    )
    return Outcome(
        floor=floor,
        burst=burst,
        latencies=routing_latencies(rows),
        routed_after=routed_after,
        sent_after=sent_after,
        cpu_until_sent=before.seconds_since(servers),
        connections=_sessions() - sessions,
    )


def main() -> None:
    args = parse_args()
    threads = f" × {args.threads} threads" if args.worker_class == "gthread" else ""
    print(
        f"Sign-up benchmark: {args.signups} sign-ups at concurrency {args.concurrency} "
        f"(after {args.warmup} for warm-up); floor: {args.floor_requests} POSTs\n"
        f"  gunicorn {args.worker_class}, {args.workers} workers{threads}; Celery prefork, "
        f"routing concurrency {args.celery_concurrency}, mail worker concurrency "
        f"{args.mail_concurrency or 'none (shared)'}; CONN_MAX_AGE={os.environ['CONN_MAX_AGE']}; "
        f"{os.cpu_count()} CPUs\n"
        f"  SIGNUP_RATE_LIMIT={settings.SIGNUP_RATE_LIMIT} (all POSTs come from one address); "
        f"email to memory; database {BENCH_DATABASE}; Redis {settings.CELERY_BROKER_URL} and "
        f"the next; logs in {LOGS.relative_to(ROOT)}/"
    )
    database_recreate()
    redis_flush()
    servers: list[Server] = []
    try:
        outcome = run(args, servers)
    finally:
        for server in reversed(servers):
            server.stop()
        redis_flush()
        if not args.keep_db:
            common.database_drop(BENCH_DATABASE)
    report(outcome)


if __name__ == "__main__":
    main()
