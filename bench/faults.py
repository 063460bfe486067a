"""Fault test, not a benchmark: no sign-up is lost, routed twice or emailed twice while parts fail.

    make faults                             (1,000 sign-ups over a minute, about 3 minutes)
    .venv/bin/python bench/faults.py --help (other sizes and fault rates)

Every run starts from scratch on data of its own (bench/faults_settings.py): it recreates the
database `techportal_faults` (migrated, with the demo regions and coordinators) and starts a
redis-server of its own on a free port (append-only, as production runs it), gunicorn
(gthread, 2 × 4), a Celery worker (prefork, 4 children, routing and mail queues) and Celery
beat with the project's schedule, whose sign-up sweep runs every 2 s here. It then

1. submits 1,000 valid sign-ups of new companies at a steady pace over about a minute, from
   at most 8 connections at once (a POST that fails is sent again with the same form token,
   as a person would press the button again; the token makes that safe);
2. meanwhile SIGKILLs a random worker child every ~3 s, SIGKILLs the whole worker (the main
   process and its children) once, and stops Redis for a few seconds once. Like a supervisor
   (systemd, Kubernetes), this script starts the worker again whenever it is gone;
3. waits (bounded) until every accepted sign-up is routed and both of its emails went out,
   then counts from the database and the email files: lost sign-ups (accepted, but not stored
   or never routed), sign-ups routed twice (more than one `routed` event), and duplicate
   emails (the same recipient, subject and sign-up reference more than once);
4. runs a second, short phase for the database: gunicorn on a throwaway PostgreSQL cluster
   (a copy of this run's database) that is stopped for a few seconds under steady requests
   and started again: every page must answer the Dutch 503 page (never a 500), /health/ 503,
   and the same web processes must serve 200 again once PostgreSQL is back.

It exits non-zero when anything was lost, routed twice or emailed twice, or when the database
phase saw a 500 or no recovery. Logs are in var/faults/. Afterwards it stops what it started
and drops its database (unless --keep-db).
"""

import argparse
import asyncio
import email
import email.header
import os
import re
import shutil
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stack import RedisServer, Service, free_port  # noqa: E402

FAULTS = ROOT / "var" / "faults"
MAIL_DIR = FAULTS / "mail"
REDIS_PORT = free_port()
os.environ["FAULTS_REDIS_PORT"] = str(REDIS_PORT)
os.environ["FAULTS_MAIL_DIR"] = str(MAIL_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.faults_settings"

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db.models import Count, Max  # noqa: E402

from bench import common  # noqa: E402
from bench.chaos import (  # noqa: E402
    HOST,
    Chaos,
    SupervisedWorker,
    answers,
    beat_spawn,
    chaos,
    gunicorn_spawn,
    log,
    wait_until,
)
from bench.faults_database import DatabasePhase, database_phase  # noqa: E402
from bench.faults_settings import FAULTS_DATABASE  # noqa: E402
from bench.signup_form import signup_fields  # noqa: E402
from matching.models import SignUp, SignUpEvent  # noqa: E402
from organisations.demo import REGIONS  # noqa: E402
from techportal.celery import app as celery_app  # noqa: E402

REFERENCE = re.compile(r"TP-\d{4}-\d{5}")
OUTSIDE_PC4 = (2011, 4811, 5611, 6511, 9711)  # outside every demo region: the national desk


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--signups", type=int, default=1000)
    parser.add_argument("--window", type=float, default=60.0, help="seconds to submit them in")
    parser.add_argument("--concurrency", type=int, default=8, help="connections at most")
    parser.add_argument("--worker-concurrency", type=int, default=4, help="prefork children")
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds between kills")
    parser.add_argument("--redis-down", type=float, default=5.0, help="seconds Redis is down")
    parser.add_argument("--timeout", type=float, default=180.0, help="to wait after submitting")
    parser.add_argument("--database-down", type=float, default=6.0, help="seconds, phase 2")
    parser.add_argument("--skip-database-phase", action="store_true")
    parser.add_argument("--keep-db", action="store_true", help=f"leave {FAULTS_DATABASE} behind")
    return parser.parse_args()


# --- the database ------------------------------------------------------------------------------


def database_recreate() -> None:
    common.database_create(FAULTS_DATABASE)
    common.manage("migrate", "--no-input")
    common.manage("loaddemo", "--force")


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


# --- the sign-ups ------------------------------------------------------------------------------


def _pc4s() -> list[list[int]]:
    regional = [[pc4 for start, end in r.ranges for pc4 in range(start, end + 1)] for r in REGIONS]
    return [*regional, list(OUTSIDE_PC4)]


def pc4_for(n: int) -> int:
    areas = _pc4s()
    pc4s = areas[n % len(areas)]
    return pc4s[n // len(areas) % len(pc4s)]


@dataclass
class Submitted:
    token: str
    attempts: list[int] = field(default_factory=list)  # statuses; 0: no answer
    accepted: bool = False
    at: float = 0.0  # wall clock of the accepted answer


async def _submit_all(args: argparse.Namespace, port: int, first: int) -> list[Submitted]:
    base = f"http://{HOST}:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=15) as client:
        form = await client.get("/aanmelden/")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        if found is None:
            raise RuntimeError(f"no CSRF token in GET /aanmelden/ ({form.status_code})")
        csrf = found[1]
        gate = asyncio.Semaphore(args.concurrency)
        started = time.monotonic()
        pace = args.window / args.signups

        async def one(i: int) -> Submitted:
            await asyncio.sleep(max(0.0, started + i * pace - time.monotonic()))
            submitted = Submitted(str(uuid.uuid4()))
            n = first + i
            body = [("csrfmiddlewaretoken", csrf), ("form_token", submitted.token)]
            body += signup_fields(n, pc4=pc4_for(n))
            async with gate:
                for _attempt in range(5):
                    try:
                        response = await client.post("/aanmelden/", data=dict_list(body))
                        status = response.status_code
                        location = response.headers.get("location", "")
                    except httpx.TransportError:
                        status, location = 0, ""
                    submitted.attempts.append(status)
                    if status == 302 and "/aanmelden/bedankt/" in location:
                        submitted.accepted, submitted.at = True, time.time()
                        break
                    if 400 <= status < 500:
                        break  # refused: sending it again will not help
                    await asyncio.sleep(1.0)
            return submitted

        return await asyncio.gather(*(one(i) for i in range(args.signups)))


def dict_list(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """httpx takes repeated fields as a list per name."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


# --- counting ----------------------------------------------------------------------------------


@dataclass
class Tally:
    accepted: int
    not_accepted: int
    retried: int
    stored: int
    routed: int
    lost: int
    stored_not_accepted: int
    routed_twice: int
    emails_total: int
    emails_expected: int
    emails_missing: int
    duplicate_emails: int
    requeued_by_sweep: int  # sign-ups
    requeued_events: int  # more than sign-ups: one noted twice in its history
    last_routed_after: float  # seconds after the last accepted submit
    latencies: list[float]


def emails_sent() -> Counter[tuple[str, str, str]]:
    """(recipient, subject, sign-up reference) of every message in the mail folder."""
    sent: Counter[tuple[str, str, str]] = Counter()
    separator = b"\n" + b"-" * 79 + b"\n"
    for path in MAIL_DIR.glob("*.log"):
        for raw in path.read_bytes().split(separator):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw)
            header = email.header.make_header(email.header.decode_header(message["Subject"]))
            subject = " ".join(str(header).split())  # unfolded
            found = REFERENCE.search(subject)
            for recipient in message.get_all("To", []):
                sent[(recipient.lower(), subject, found[0] if found else "")] += 1
    return sent


def count(submitted: list[Submitted]) -> Tally:
    accepted = [s.token for s in submitted if s.accepted]
    tokens = [s.token for s in submitted]
    rows = SignUp.objects.filter(submission_token__in=tokens)
    by_token = {str(t): (ref, routed) for t, ref, routed in rows.values_list(
        "submission_token", "reference", "routed_at"
    )}  # fmt: skip
    references = {ref for ref, _routed in by_token.values()}
    routed_twice = (
        SignUpEvent.objects.filter(signup__in=rows, kind=SignUpEvent.Kind.ROUTED)
        .values("signup")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    requeued = SignUpEvent.objects.filter(signup__in=rows, kind=SignUpEvent.Kind.REQUEUED)
    sent = emails_sent()
    ours = {key: n for key, n in sent.items() if key[2] in references}
    per_reference = Counter(key[2] for key in ours)  # distinct (recipient, subject) per sign-up
    routed = [token for token in accepted if by_token.get(token, (None, None))[1] is not None]
    last_accept = max((s.at for s in submitted if s.accepted), default=time.time())
    last_routed = rows.aggregate(last=Max("routed_at"))["last"]
    latencies = sorted(
        (routed_at - received_at).total_seconds()
        for received_at, routed_at in rows.filter(routed_at__isnull=False).values_list(
            "received_at", "routed_at"
        )
    )
    return Tally(
        accepted=len(accepted),
        not_accepted=len(submitted) - len(accepted),
        retried=sum(len(s.attempts) > 1 for s in submitted),
        stored=sum(token in by_token for token in accepted),
        routed=len(routed),
        lost=len(accepted) - len(routed),
        stored_not_accepted=sum(s.token in by_token for s in submitted if not s.accepted),
        routed_twice=routed_twice,
        emails_total=sum(ours.values()),
        emails_expected=2 * len(by_token),
        emails_missing=sum(max(0, 2 - per_reference[ref]) for ref in references),
        duplicate_emails=sum(n - 1 for n in ours.values()),
        requeued_by_sweep=requeued.values("signup").distinct().count(),
        requeued_events=requeued.count(),
        last_routed_after=(last_routed.timestamp() - last_accept) if last_routed else float("nan"),
        latencies=latencies,
    )


def all_handled(tokens: list[str]) -> bool:
    return not (
        SignUp.objects.filter(submission_token__in=tokens)
        .exclude(
            routed_at__isnull=False,
            coordinator_notified_at__isnull=False,
            company_notified_at__isnull=False,
        )
        .exists()
        or SignUp.objects.filter(submission_token__in=tokens).count() < len(tokens)
    )


# --- the report --------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    return values[max(0, int(len(values) * fraction + 0.999999) - 1)]


def _tally(statuses: Counter) -> str:
    return ", ".join(f"{path} {status}×{n}" for (path, status), n in sorted(statuses.items()))


def report(
    args: argparse.Namespace,
    counted: Tally,
    record: Chaos,
    worker: SupervisedWorker,
    seconds: float,
    database: DatabasePhase | None,
) -> bool:
    def row(label: str, value: object, must_be_zero: bool = False) -> str:
        verdict = ("ok" if value == 0 else "FAILED") if must_be_zero else ""
        return f"  {label:<44}{value!s:>10}   {verdict}"

    lines = [
        "",
        row("sign-ups submitted", args.signups),
        row("accepted (302 to the thank-you page)", counted.accepted),
        row("  of which after pressing again", counted.retried),
        row("not accepted (even after pressing again)", counted.not_accepted, True),
        row("stored (accepted)", counted.stored),
        row("routed (accepted)", counted.routed),
        row("lost (accepted, not stored or not routed)", counted.lost, True),
        row("routed twice", counted.routed_twice, True),
        row("emails sent, total", counted.emails_total),
        row("emails expected (2 per stored sign-up)", counted.emails_expected),
        row("emails missing", counted.emails_missing, True),
        row("duplicate emails", counted.duplicate_emails, True),
        row("stored although not accepted", counted.stored_not_accepted),
        row("sign-ups requeued by the sweep", counted.requeued_by_sweep),
        row(
            "  'requeued' noted twice in a history",
            counted.requeued_events - counted.requeued_by_sweep,
        ),
        row("last submit → last routed", f"{counted.last_routed_after:.1f} s"),
        row("submit → routed p50", f"{percentile(counted.latencies, 0.5):.2f} s"),
        row("submit → routed p95", f"{percentile(counted.latencies, 0.95):.2f} s"),
        row("submit → routed max", f"{max(counted.latencies, default=float('nan')):.2f} s"),
        row("whole run (setup to report)", f"{seconds:.0f} s"),
        "",
        f"  faults: {record.child_kills} worker children SIGKILLed, the whole worker "
        f"{record.whole_kills}×, worker started again {worker.restarts}×, Redis down "
        f"{(record.redis_up_at or 0) - (record.redis_down_at or 0):.1f} s",
        *(f"    {line}" for line in record.timeline),
    ]
    ok = not (
        counted.lost
        or counted.routed_twice
        or counted.duplicate_emails
        or counted.emails_missing
        or counted.not_accepted
    )
    if database is not None:
        lines += [
            "",
            "  PostgreSQL stopped under steady requests (own throwaway cluster, same gunicorn):",
            *(f"    {phase:<7}{_tally(c)}" for phase, c in database.statuses.items()),
            f"    /health/ while down: {dict(database.health_down)}",
            f"    503 pages without the Dutch text: {database.not_dutch}; answers with a "
            f"traceback: {database.tracebacks}",
            "    first 200 after PostgreSQL started: "
            + (
                f"{database.recovered_after:.2f} s"
                if database.recovered_after is not None
                else "NEVER"
            )
            + f"; same gunicorn workers throughout: {database.same_workers}",
            f"    logged: {database.logged_errors} ERROR lines for {database.served_503} 503 "
            f"answers, {database.logged_tracebacks} tracebacks",
            f"    verdict: {'ok' if database.ok else 'FAILED'}",
        ]
        ok = ok and database.ok
    lines += ["", f"  {'PASSED' if ok else 'FAILED'}"]
    print("\n".join(lines))
    return ok


# --- the run -----------------------------------------------------------------------------------


def run(args: argparse.Namespace, redis: RedisServer, started: float) -> bool:
    servers: list[Service] = []
    worker = SupervisedWorker(
        concurrency=args.worker_concurrency,
        queues=[settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_MAIL_QUEUE],
        logs=FAULTS,
    )
    try:
        port = free_port()
        web = gunicorn_spawn(port, logs=FAULTS)
        servers.append(web)
        beat = beat_spawn(logs=FAULTS)
        servers.append(beat)
        worker.start()
        wait_until(
            lambda: answers(f"http://{HOST}:{port}/health/"),
            what="gunicorn",
            timeout=60,
            services=[web],
        )
        wait_until(
            lambda: celery_app.control.ping(timeout=0.5),
            what="the worker",
            timeout=60,
        )
        log(
            f"submitting {args.signups} sign-ups over {args.window:.0f} s; faults start "
            f"(logs in {FAULTS.relative_to(ROOT)}/)"
        )
        record = Chaos()
        done = threading.Event()
        window_started = time.monotonic()
        chaos_thread = threading.Thread(
            target=chaos,
            kwargs={
                "worker": worker,
                "redis": redis,
                "window": args.window,
                "kill_every": args.kill_every,
                "redis_down": args.redis_down,
                "done": done,
                "record": record,
            },
        )
        chaos_thread.start()
        try:
            submitted = asyncio.run(_submit_all(args, port, first=0))
        finally:
            done.set()
            chaos_thread.join()
        accepted = [s.token for s in submitted if s.accepted]
        log(f"submitted in {time.monotonic() - window_started:.1f} s; waiting for the worker")
        try:
            waited = wait_until(
                lambda: all_handled(accepted), what="every sign-up", timeout=args.timeout
            )
            log(f"every sign-up routed and emailed {waited:.1f} s after the last submit")
        except RuntimeError as error:
            log(f"NOT DONE: {error}")
        # A late duplicate (a task given out twice) would show up now.
        time.sleep(3 * float(os.environ["SIGNUP_SWEEP_INTERVAL"]))
        counted = count(submitted)
        if beat.running:
            beat.stop()
        worker.stop()
        web.stop()
        database = None
        if not args.skip_database_phase:
            database = database_phase(copy_of=database_url(), down=args.database_down, logs=FAULTS)
        return report(args, counted, record, worker, time.monotonic() - started, database)
    finally:
        worker.stop()
        for server in reversed(servers):
            server.stop()


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    print(
        f"Fault test: {args.signups} sign-ups over {args.window:.0f} s at concurrency "
        f"{args.concurrency}; a worker child SIGKILLed every ~{args.kill_every:.0f} s, the "
        f"whole worker once, Redis down {args.redis_down:.0f} s once; then PostgreSQL down "
        f"{args.database_down:.0f} s\n"
        f"  gunicorn gthread 2 × 4; Celery prefork ×{args.worker_concurrency} (routing and "
        f"mail) with beat; sweep every {os.environ['SIGNUP_SWEEP_INTERVAL']} s, requeue after "
        f"{os.environ['SIGNUP_REQUEUE_AFTER']} s (emails "
        f"{os.environ['SIGNUP_EMAIL_REQUEUE_AFTER']} s); database {FAULTS_DATABASE}; own Redis on "
        f":{REDIS_PORT}; emails to {MAIL_DIR.relative_to(ROOT)}/; {os.cpu_count()} CPUs",
        flush=True,
    )
    shutil.rmtree(FAULTS, ignore_errors=True)
    (FAULTS / "redis").mkdir(parents=True)
    MAIL_DIR.mkdir()
    redis = RedisServer(FAULTS / "redis")
    redis.port = REDIS_PORT  # the one the settings name
    redis.start()
    try:
        database_recreate()
        ok = run(args, redis, started)
    finally:
        redis.stop()
        if not args.keep_db:
            common.database_drop(FAULTS_DATABASE)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
