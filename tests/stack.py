"""The real parts of Techportal as subprocesses, for integration tests.

A private `redis-server`, the site under gunicorn and Celery workers, each started in its own
session so that a test can SIGKILL one of them whole (a worker with its pool children) and the
fixtures can always clean up. All of them use the test database.
"""

import contextlib
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import psycopg
import redis
from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
# Django's file-based email backend writes each message followed by this line.
EMAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database)."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    return (
        f"postgres://{user}:{password}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )


def wait_for(
    condition: Callable[[], T | None],
    *,
    what: str,
    timeout: float = 20.0,
    services: Iterable["Service"] = (),
) -> T:
    """Poll `condition` every 0.1 s until it returns something true, and return that.

    Fails at once when one of `services` has exited, and after `timeout` seconds otherwise; the
    message ends with the last lines of the services' logs.
    """
    services = list(services)
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        for service in services:
            if not service.running:
                raise AssertionError(
                    f"{service.name} exited with code {service.process.returncode} while "
                    f"waiting for {what}\n{service.tail()}"
                )
        if time.monotonic() > deadline:
            logs = "\n".join(service.tail() for service in services)
            raise AssertionError(f"waited {timeout} s for {what}\n{logs}")
        time.sleep(0.1)


@dataclass
class Service:
    """One subprocess, the leader of its own process group, with its output in a log file."""

    name: str
    process: subprocess.Popen
    log: Path
    # Set once the test stops or kills it on purpose: `wait_for` only minds unexpected exits.
    stopped: bool = False

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def terminate(self) -> None:
        """Ask the leader to shut down (SIGTERM): a worker finishes its tasks, Redis saves."""
        self.stopped = True
        if self.running:
            self.process.terminate()

    def stop(self, timeout: float = 20.0) -> None:
        """Terminate, wait, then SIGKILL whatever is left of the group."""
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a crash or the OOM killer would."""
        self.stopped = True
        with contextlib.suppress(ProcessLookupError):  # the group is already gone
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ({self.log}) ---\n" + "\n".join(text.splitlines()[-lines:])


def spawn(name: str, args: list[str], *, env: dict[str, str], log: Path) -> Service:
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Service(name, process, log)


def start_worker(
    hostname: str, *, env: dict[str, str], log: Path, beat_schedule: Path | None = None
) -> Service:
    """`celery worker` on the broker in env["REDIS_URL"]; with embedded beat if given a schedule.

    Not yet ready when this returns: see `wait_for_worker`.
    """
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "techportal",
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "--loglevel=INFO",
        f"--hostname={hostname}",
        "--without-mingle",
        "--without-gossip",
    ]
    if beat_schedule is not None:
        args += ["--beat", f"--schedule={beat_schedule}"]
    return spawn(hostname, args, env=env, log=log)


def wait_for_worker(app: Celery, worker: Service, timeout: float = 30.0) -> None:
    """Until the worker answers a ping over `app`'s broker."""


    def answers() -> list:
        try:
            return app.control.ping(destination=[worker.name], timeout=0.5)
        except (ConnectionError, redis.exceptions.ConnectionError):
            app.close()  # a connection from before a Redis restart: the next try opens anew
            return []

    wait_for(
        answers,
        what=f"Celery worker {worker.name} to answer a ping",
        timeout=timeout,
        services=[worker],
    )


class RedisServer:
    """A private redis-server in `directory`; it can be stopped and started again as it was."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.service: Service | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--logfile",
            "",
        ]
        self.service = spawn("redis", args, env=dict(os.environ), log=self.directory / "redis.log")
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            wait_for(self._answers(client), what="Redis to answer", services=[self.service])
        finally:
            client.close()

    def stop(self) -> None:
        """A clean shutdown: Redis writes its append-only file and a restart finds its data."""
        if self.service is not None:
            self.service.stop()
            self.service = None

    @staticmethod
    def _answers(client: redis.Redis) -> Callable[[], bool]:
        def ping() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        return ping


class Stack:
    """A private copy of the site on the test database: Redis, gunicorn and Celery workers.

    The web server runs `techportal.settings.test`. Workers run `techportal.settings.base`,
    because the test settings always keep emails in memory, and here the test has to read what
    a worker in another process sent: `EMAIL_URL=filemail://…` makes it write them to files.
    The sweep runs every second and requeues sign-ups left `received` for 2 s.
    """

    SWEEP_INTERVAL = 1
    REQUEUE_AFTER = 2

    def __init__(self, directory: Path, *, database_url: str) -> None:
        self.directory = directory
        self.mail_dir = directory / "mail"
        self.mail_dir.mkdir()
        redis_dir = directory / "redis"
        redis_dir.mkdir()
        self.redis = RedisServer(redis_dir)
        self.web_port = free_port()
        self.url = f"http://127.0.0.1:{self.web_port}"
        self.env = os.environ | {
            "TECHPORTAL_ENV_FILE": os.devnull,  # never a developer's .env
            "DEBUG": "0",
            "SECRET_KEY": "stack-test-secret-key",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.url,
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis.url(0),
            "CACHE_URL": self.redis.url(1),
            # django-environ drops the path's first "/": an absolute path needs a fourth one.
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "SIGNUP_SWEEP_INTERVAL": str(self.SWEEP_INTERVAL),
            "SIGNUP_REQUEUE_AFTER": str(self.REQUEUE_AFTER),
            "SIGNUP_RATE_LIMIT": "10000/m",
        }
        self.web: Service | None = None
        self.workers: list[Service] = []
        self._beats: dict[str, bool] = {}  # which workers run beat, to restart them alike
        self._control = Celery("stack-control", broker=self.redis.url(0), set_as_current=False)

    # --- the parts ----------------------------------------------------------------------------

    def start(self) -> None:
        """Redis and the web server; workers are started one by one with `start_worker`."""
        self.redis.start()
        self.web = spawn(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "techportal.wsgi",
                f"--bind=127.0.0.1:{self.web_port}",
                "--workers=1",
                "--graceful-timeout=5",
                "--access-logfile=-",
                "--no-control-socket",  # else every gunicorn shares ~/.gunicorn/gunicorn.ctl
            ],
            env=self.env | {"DJANGO_SETTINGS_MODULE": "techportal.settings.test"},
            log=self.directory / "gunicorn.log",
        )
        wait_for(self._web_answers, what="gunicorn to answer", services=[self.web])

    def start_worker(self, *, beat: bool = False) -> Service:
        hostname = f"stack-{uuid.uuid4().hex[:8]}@localhost"
        worker = start_worker(
            hostname,
            env=self.env | {"DJANGO_SETTINGS_MODULE": "techportal.settings.base"},
            log=self.directory / f"worker-{len(self.workers) + 1}.log",
            beat_schedule=self.directory / f"beat-{hostname}" if beat else None,
        )
        self.workers.append(worker)
        self._beats[worker.name] = beat
        wait_for_worker(self._control, worker)
        return worker

    def stop(self) -> None:
        """Workers and web server together, then Redis; safe whatever state the test left."""
        parts = [*self.workers, *([self.web] if self.web else [])]
        try:
            for part in parts:  # all at once: each takes a second or so to shut down
                part.terminate()
            for part in parts:
                part.stop()
        finally:
            self.redis.stop()
            self._control.close()

    @property
    def services(self) -> list[Service]:
        """The parts that should be running now."""
        parts = [*self.workers, self.web, self.redis.service]
        return [part for part in parts if part is not None and not part.stopped]

    def wait_for(
        self,
        condition: Callable[[], T | None],
        *,
        what: str,
        timeout: float = 20.0,
        supervised: bool = False,
    ) -> T:
        """`wait_for`, failing early if a part of the stack dies, with its logs on failure.

        `supervised`: a worker that exits is started again, as systemd or Kubernetes would in
        production. kombu's Redis transport can exit the worker when Redis goes away in the
        middle of an acknowledgement ('NoneType' object has no attribute 'hostname'); what
        matters then is that the restarted worker and the sweep lose nothing.
        """
        if not supervised:
            return wait_for(condition, what=what, timeout=timeout, services=self.services)

        def restarted_then(condition=condition) -> T | None:
            for worker in [w for w in self.workers if not w.stopped and not w.running]:
                worker.stopped = True
                self.start_worker(beat=self._beats.pop(worker.name, False))
            return condition()

        others = [part for part in self.services if part not in self.workers]
        return wait_for(restarted_then, what=what, timeout=timeout, services=others)

    # --- what a test looks at -----------------------------------------------------------------

    def http(self) -> httpx.Client:
        """A client for the web server; it keeps cookies, as a browser does."""
        return httpx.Client(base_url=self.url, timeout=10.0)

    def emails_to(self, address: str) -> list[Message]:
        """Every message the workers have sent to `address` so far."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for raw in path.read_bytes().split(EMAIL_SEPARATOR):
                if not raw.strip():
                    continue
                message = email.message_from_bytes(raw)
                recipients = getaddresses(message.get_all("To", []))
                if any(addr.lower() == address.lower() for _name, addr in recipients):
                    found.append(message)
        return found

    def _web_answers(self) -> bool:
        try:
            httpx.get(f"{self.url}/", timeout=1.0)
        except httpx.TransportError:
            return False
        return True


class PostgresCluster:
    """A throwaway PostgreSQL cluster that a test may stop and start again (about a second).

    `initdb` into a folder of its own, `pg_ctl` on a free port, trust authentication for the
    `postgres` superuser on 127.0.0.1 only, fsync off (the data is thrown away). PostgreSQL
    refuses to run as root: as root, the cluster belongs to the `postgres` system user, as
    scripts/services.sh does it, in a folder under the system's temporary directory (pytest's
    own is closed to other users).
    """

    DATABASE = "techportal"

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="techportal-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        bin_dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
        self.bin = bin_dirs[-1] if bin_dirs else Path(shutil.which("pg_ctl") or "pg_ctl").parent
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.DATABASE}"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, cwd="/", check=True, capture_output=True)

    def create(self, *, copy_of: str) -> None:
        """initdb, start, and a database `techportal` holding a copy of the database `copy_of`."""
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start()
        with psycopg.connect(self.url().rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.DATABASE}"')
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", copy_of],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url()],
            input=dump.stdout,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )
        log = str(self.directory / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        """As an administrator stops it: open connections are ended, new ones refused."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)
