"""What the HTTP benchmarks share: servers, a load generator and CPU accounting from /proc.

bench/signup.py and bench/catalogue.py start gunicorn (and, for the sign-ups, Celery) with
`start_process`, fire pre-encoded HTTP/1.1 requests with `fire` (a fixed list) or `fire_for` (a
list cycled for a number of seconds), and charge the CPU time of every process to a group with
`CpuSnapshot`. The benches that make a database of their own (recreated each run) create,
migrate and drop it with `database_create`, `manage` and `database_drop`, and build their
gunicorn and Celery command lines with `gunicorn_command` and `celery_worker_command`.
Nothing here imports Django at import time: each bench sets up its own settings first.

The load generator is a minimal HTTP/1.1 client on asyncio streams, with every request encoded
beforehand, so that it takes little of the CPUs it shares with the servers (about 0.1 ms per
request; httpx in 16 threads took 0.8 ms and lowered the sign-up floor by a fifth).
"""

import asyncio
import itertools
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "bench"
HOST = "127.0.0.1"
GROUPS = ("gunicorn", "celery", "postgres", "redis", "bench", "other")


# --- the servers -------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen

    def stop(self) -> None:
        """SIGTERM (gunicorn and Celery shut down gracefully), else SIGKILL its process group."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_process(name: str, command: list[str], log_name: str = "") -> Server:
    """`command` in its own process group, output to var/bench/<log_name or name>.log."""
    LOGS.mkdir(parents=True, exist_ok=True)
    with (LOGS / f"{log_name or name}.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C reaches only this script
        )
    return Server(name, process)


def gunicorn_command(
    port: int, *, worker_class: str = "gthread", workers: int = 2, threads: int = 4
) -> list[str]:
    """gunicorn serving the project's WSGI app; by default as the benches run it (2 × 4)."""
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "techportal.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--worker-class={worker_class}",
        f"--workers={workers}",
        f"--threads={threads if worker_class == 'gthread' else 1}",
        "--worker-tmp-dir=/dev/shm",
    ]


def gunicorn_start(
    *, port: int, worker_class: str, workers: int, threads: int, log_name: str = ""
) -> Server:
    """gunicorn (DJANGO_SETTINGS_MODULE from our environment), output to var/bench/."""
    command = gunicorn_command(port, worker_class=worker_class, workers=workers, threads=threads)
    return start_process("gunicorn", command, log_name=log_name)


def celery_worker_command(*, concurrency: int, queues: list[str], hostname: str) -> list[str]:
    """A prefork Celery worker of the project on `queues`, without mingle and gossip."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "techportal",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        f"--queues={','.join(queues)}",
        "--loglevel=WARNING",
        f"--hostname={hostname}",
        "--without-mingle",
        "--without-gossip",
    ]


def wait_until_serving(server: Server, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early; see {LOGS / server.name}.log")
        try:
            httpx.get(f"http://{HOST}:{port}/health/", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s")


# --- a database of the bench's own -------------------------------------------------------------


def connect(dbname: str, *, autocommit: bool = False) -> psycopg.Connection:
    """A connection to `dbname` on the server (and as the user) of the Django settings."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=dbname,
        autocommit=autocommit,
    )


def database_create(name: str) -> None:
    """The database `name`, dropped first if it is there: empty, not yet migrated."""
    with connect("postgres", autocommit=True) as maintenance:
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.execute(f'CREATE DATABASE "{name}"')


def database_drop(name: str) -> None:
    """Closes Django's connection, then drops the database `name`."""
    from django.db import connection

    connection.close()
    with connect("postgres", autocommit=True) as maintenance:
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*command: str) -> None:
    """`manage.py <command> -v 0` in a process of its own, with our DJANGO_SETTINGS_MODULE."""
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, check=True
    )


# --- CPU time per process group, from /proc ----------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> Iterator[tuple[int, int, str, int]]:
    """(pid, parent pid, command line, CPU ticks) of every process.

    PostgreSQL's postmaster also gets the CPU time of the backends that ended: a connection
    that opens and closes between two snapshots would otherwise go unseen.
    """
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            command = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])
        if Path(command.split(" ", 1)[0]).name == "postgres":  # the postmaster
            ticks += int(fields[13]) + int(fields[14])
        yield int(entry.name), int(fields[1]), command, ticks


def _machine_busy_ticks() -> int:
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n")[0].split()[1:9]
    )
    return user + nice + system + irq + softirq + steal


@dataclass(frozen=True)
class CpuSnapshot:
    ticks: dict[int, tuple[str, int]]  # pid → (group, CPU ticks so far)
    machine: int
    database: str  # PostgreSQL backends of other databases count as `other`

    @classmethod
    def take(cls, servers: list["Server"], database: str) -> "CpuSnapshot":
        """Our servers and their children, our database's PostgreSQL processes, Redis, us."""
        rows = list(_processes())
        parent = {pid: ppid for pid, ppid, _command, _ticks in rows}
        roots = {server.process.pid: server.name for server in servers} | {os.getpid(): "bench"}

        def group_of(pid: int, command: str) -> str | None:
            if command.startswith("postgres:"):
                # A client backend names its database; the background processes serve all.
                is_backend = "(" in command
                return "postgres" if not is_backend or f" {database} " in command else None
            if Path(command.split(" ", 1)[0]).name == "postgres":
                return "postgres"
            if command.startswith("redis-server"):
                return "redis"
            while pid > 1:
                if pid in roots:
                    return roots[pid]
                pid = parent.get(pid, 1)
            return None

        ticks = {}
        for pid, _ppid, command, used in rows:
            group = group_of(pid, command)
            if group is not None:
                ticks[pid] = (group, used)
        return cls(ticks, _machine_busy_ticks(), database)

    def seconds_since(self, servers: list["Server"]) -> dict[str, float]:
        """CPU seconds per group since this snapshot; `other` is the rest of the machine."""
        now = CpuSnapshot.take(servers, self.database)
        used: Counter[str] = Counter()
        for pid, (group, ticks) in now.ticks.items():
            used[group] += ticks - self.ticks.get(pid, (group, 0))[1]
        used["other"] = max(0, now.machine - self.machine - sum(used.values()))
        return {group: used[group] / TICKS for group in GROUPS}


# --- the load generator ------------------------------------------------------------------------


@dataclass
class Result:
    status: int  # 0: no answer (connection error)
    location: str
    seconds: float


@dataclass
class Phase:
    results: list[Result]
    seconds: float
    cpu: dict[str, float]  # CPU seconds per group

    def count(self, status: int) -> int:
        return sum(result.status == status for result in self.results)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, str, bool]:
    """Status, Location and whether the connection stays open; the body is read and dropped."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    headers = {}
    for line in head[1:]:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    keep_alive = headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif status not in (204, 304):  # no length (Django does not chunk): the body runs to EOF
        await reader.read()
        keep_alive = False
    return status, headers.get("location", ""), keep_alive


async def _fire(
    port: int, requests: list[bytes], concurrency: int, seconds: float | None = None
) -> list[Result]:
    """Each request once; or, with `seconds`, the list over and over until that time is up."""
    if seconds is None:
        deadline = None
        results = [Result(0, "", 0.0)] * len(requests)
        todo: Iterator[tuple[int, bytes]] = iter(enumerate(requests))
    else:
        deadline = time.perf_counter() + seconds
        results = []
        todo = enumerate(itertools.cycle(requests))
    # `todo` is shared: each connection takes the next request.

    async def one_connection() -> None:
        writer = None
        for index, raw in todo:
            if deadline is not None and time.perf_counter() >= deadline:
                break
            started = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(raw)
                status, location, keep_alive = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                status, location, keep_alive = 0, "", False
            result = Result(status, location, time.perf_counter() - started)
            if deadline is None:
                results[index] = result
            else:
                results.append(result)
            if not keep_alive and writer is not None:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(one_connection() for _ in range(concurrency)))
    return results


def fire(
    port: int, requests: list[bytes], concurrency: int, servers: list[Server], database: str
) -> Phase:
    """Every request once, over `concurrency` keep-alive connections."""
    before = CpuSnapshot.take(servers, database)
    started = time.perf_counter()
    results = asyncio.run(_fire(port, requests, concurrency))
    seconds = time.perf_counter() - started
    return Phase(results, seconds, before.seconds_since(servers))


def fire_for(
    port: int,
    requests: list[bytes],
    concurrency: int,
    seconds: float,
    servers: list[Server],
    database: str,
) -> Phase:
    """The requests in turn, over and over, for `seconds` (each connection ends its last one)."""
    before = CpuSnapshot.take(servers, database)
    started = time.perf_counter()
    results = asyncio.run(_fire(port, requests, concurrency, seconds))
    elapsed = time.perf_counter() - started
    return Phase(results, elapsed, before.seconds_since(servers))


def get(port: int, path: str) -> bytes:
    """A GET of `path` (with its query string), as a browser without cookies sends it."""
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/html\r\n\r\n".encode()


def post(port: int, path: str, body: str, cookie: str = "") -> bytes:
    data = body.encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(data)}\r\n"
    )
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    return head.encode() + b"\r\n" + data


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of them at or below it."""
    if not values:
        return math.nan
    return values[max(0, math.ceil(fraction * len(values)) - 1)]
