"""The parts of the fault test that fail: a supervised Celery worker and the chaos that kills.

Used by bench/faults.py; no Django here, the processes get their settings from the
environment (DJANGO_SETTINGS_MODULE and what that module reads).
"""

import os
import random
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.common import celery_worker_command, gunicorn_command
from tests.stack import RedisServer, Service, spawn

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
RNG = random.Random()  # noqa: S311 -- which process dies when, nothing secret


def log(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {message}", flush=True)


# --- processes ---------------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(ROOT)} | extra


def children_of(pid: int) -> set[int]:
    """The pids of a process's children, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def gunicorn_spawn(port: int, *, logs: Path, name: str = "gunicorn", **env: str) -> Service:
    """gunicorn as bench-signup runs it (gthread, 2 × 4), with DJANGO_SETTINGS_MODULE ours."""
    return spawn(
        name,
        [*gunicorn_command(port), "--graceful-timeout=5", "--no-control-socket"],
        env=_env(**env),
        log=logs / f"{name}.log",
    )


def wait_until(
    condition: Callable[[], object], *, what: str, timeout: float, services: list[Service] = ()
) -> float:
    """Seconds until `condition()` is true; raises after `timeout` or when a service died."""
    started = time.monotonic()
    while not condition():
        for service in services:
            if not service.running:
                raise RuntimeError(f"{service.name} exited; see {service.log}")
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.TransportError:
        return False
    return True


def beat_spawn(*, logs: Path) -> Service:
    """Celery beat with the project's schedule (CELERY_BEAT_SCHEDULE)."""
    return spawn(
        "celery-beat",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "techportal",
            "beat",
            f"--schedule={logs / 'beat-schedule'}",
            "--loglevel=WARNING",
        ],
        env=_env(),
        log=logs / "celery-beat.log",
    )


class SupervisedWorker:
    """A Celery worker that is started again whenever it is gone, as a supervisor would."""

    def __init__(self, *, concurrency: int, queues: list[str], logs: Path) -> None:
        self.concurrency = concurrency
        self.queues = queues
        self.logs = logs
        self.incarnation = 0
        self.service: Service | None = None
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        self.incarnation += 1
        self.service = spawn(
            f"celery-{self.incarnation}",
            celery_worker_command(
                concurrency=self.concurrency,
                queues=self.queues,
                hostname=f"faults-{uuid.uuid4().hex[:8]}@localhost",
            ),
            env=_env(),
            log=self.logs / f"celery-{self.incarnation}.log",
        )

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            with self._lock:
                if self.service is not None and not self.service.running:
                    self.restarts += 1
                    log(f"supervisor: the worker is gone; starting it again (#{self.restarts})")
                    self._spawn()

    def children(self) -> list[int]:
        return sorted(children_of(self.service.process.pid)) if self.service else []

    def kill_child(self) -> int | None:
        children = self.children()
        if not children:
            return None
        victim = RNG.choice(children)
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return victim

    def kill_whole(self) -> None:
        """SIGKILL the main process and its children at once (a crash, the OOM killer)."""
        with self._lock:
            if self.service is not None:
                self.service.kill()
                self.service.stopped = False  # the supervisor is to notice it

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
        with self._lock:
            if self.service is not None:
                self.service.stop()


# --- the faults --------------------------------------------------------------------------------


@dataclass
class Chaos:
    child_kills: int = 0
    whole_kills: int = 0
    redis_down_at: float | None = None  # seconds after the start of the window
    redis_up_at: float | None = None
    timeline: list[str] = field(default_factory=list)


def chaos(
    *,
    worker: SupervisedWorker,
    redis: RedisServer,
    window: float,
    kill_every: float,
    redis_down: float,
    done: threading.Event,
    record: Chaos,
) -> None:
    """For `window` seconds (or until `done`): SIGKILL a worker child every ~`kill_every` s,
    the whole worker once (at 35 %), stop Redis for `redis_down` s once (at 60 %)."""
    started = time.monotonic()
    whole_at, redis_at = 0.35 * window, 0.6 * window
    next_kill = RNG.uniform(0.5, 1.5) * kill_every

    def elapsed() -> float:
        return time.monotonic() - started

    while not done.is_set() and elapsed() < window:
        if not record.whole_kills and elapsed() >= whole_at:
            worker.kill_whole()
            record.whole_kills += 1
            record.timeline.append(f"{elapsed():5.1f} s  SIGKILL the whole worker")
        if record.redis_down_at is None and elapsed() >= redis_at:
            record.redis_down_at = elapsed()
            redis.stop()
            record.timeline.append(f"{elapsed():5.1f} s  Redis stopped")
            time.sleep(redis_down)
            redis.start()
            record.redis_up_at = elapsed()
            record.timeline.append(f"{elapsed():5.1f} s  Redis started again")
        if elapsed() >= next_kill:
            victim = worker.kill_child()
            if victim is not None:
                record.child_kills += 1
            next_kill += RNG.uniform(0.5, 1.5) * kill_every
        time.sleep(0.05)
