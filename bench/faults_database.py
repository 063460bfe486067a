"""The fault test's database phase: PostgreSQL stopped and started under a running site.

bench/faults.py runs it after the sign-ups, on a throwaway cluster of its own
(tests/stack.PostgresCluster) holding a copy of the run's database, so that stopping it
disturbs nothing else. Every page that needs the database must answer the Dutch 503 page
(never a 500 or a stack trace), /health/ 503, and the same gunicorn workers must serve 200
again once PostgreSQL is back. tests/techportal/test_database_down.py checks the same in the
suite, on a smaller scale.
"""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.chaos import HOST, answers, children_of, gunicorn_spawn, log, wait_until
from tests.stack import PostgresCluster, free_port

DUTCH_503 = "Techportal is even niet bereikbaar"


@dataclass
class DatabasePhase:
    # phase ("before", "down", "after") → (path, status) → count; status 0: no answer
    statuses: dict[str, Counter] = field(default_factory=dict)
    not_dutch: int = 0  # 503 pages without the Dutch text
    tracebacks: int = 0  # answers with a stack trace in them
    health_down: Counter = field(default_factory=Counter)
    recovered_after: float | None = None  # seconds from PostgreSQL started to the first 200
    same_workers: bool = False
    logged_errors: int = 0
    logged_tracebacks: int = 0
    served_503: int = 0

    @property
    def ok(self) -> bool:
        return (
            self.recovered_after is not None
            and self.same_workers
            and not self.not_dutch
            and not self.tracebacks
            and not self.logged_tracebacks
            and all(
                status in (200, 302, 503) for c in self.statuses.values() for _path, status in c
            )
            and any(status == 503 for _path, status in self.statuses.get("down", Counter()))
            and 503 in self.health_down
            and self.logged_errors == self.served_503
        )


def database_phase(*, copy_of: str, down: float, logs: Path) -> DatabasePhase:
    """gunicorn on a throwaway cluster with a copy of the database `copy_of`; stop it, start it.

    Four clients browse all the while: three the catalogue, the events and the impact page, one
    /beheer/ with a session cookie (its session is looked up in the database).
    """
    result = DatabasePhase()
    cluster = PostgresCluster()
    web = None
    try:
        cluster.create(copy_of=copy_of)
        port = free_port()
        web = gunicorn_spawn(
            port, logs=logs, name="gunicorn-database-phase", FAULTS_DATABASE_URL=cluster.url()
        )
        wait_until(
            lambda: answers(f"http://{HOST}:{port}/"),
            what="gunicorn",
            timeout=60,
            services=[web],
        )
        workers = children_of(web.process.pid)
        paths = ["/aanbod/", "/aanbod/?q=lassen&niveau=havo", "/evenementen/", "/impact/"]
        state = {"phase": "before"}
        stop = threading.Event()
        started_again: list[float] = []

        recording = threading.Lock()

        def record(phase: str, path: str, page: httpx.Response | None) -> None:
            status = page.status_code if page is not None else 0
            with recording:
                result.statuses.setdefault(phase, Counter())[(path, status)] += 1
                if page is None:
                    return
                if status == 503:
                    result.served_503 += 1
                    result.not_dutch += DUTCH_503 not in page.text
                result.tracebacks += "Traceback" in page.text
                first_after = phase == "after" and result.recovered_after is None
                if status == 200 and first_after and started_again:
                    result.recovered_after = time.monotonic() - started_again[0]

        def browse(k: int) -> None:
            with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=10) as client:
                if k == 0:
                    client.cookies.set("sessionid", "x" * 32)
                i = k
                while not stop.is_set():
                    path = "/beheer/" if k == 0 else paths[i % len(paths)]
                    i += 1
                    phase = state["phase"]
                    try:
                        record(phase, path, client.get(path))
                    except httpx.TransportError:
                        record(phase, path, None)
                    time.sleep(0.05)

        threads = [threading.Thread(target=browse, args=(k,)) for k in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        state["phase"] = "down"
        cluster.stop()
        log(f"database phase: PostgreSQL stopped for {down:.0f} s")
        deadline = time.monotonic() + down
        while time.monotonic() < deadline:
            health = httpx.get(f"http://{HOST}:{port}/health/", timeout=10)
            result.health_down[health.status_code] += 1
            time.sleep(0.5)
        cluster.start()
        started_again.append(time.monotonic())
        state["phase"] = "after"
        log("database phase: PostgreSQL started again")
        time.sleep(4)
        stop.set()
        for thread in threads:
            thread.join()
        result.same_workers = web.running and children_of(web.process.pid) == workers
    finally:
        if web is not None:
            web.stop(timeout=10)
        cluster.destroy()
    text = (logs / "gunicorn-database-phase.log").read_text(errors="replace")
    result.logged_errors = text.count("Database unavailable, answered 503")
    result.logged_tracebacks = text.count("Traceback")
    return result
