import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from techportal.celery import app as celery_app

from .factories import CoordinatorFactory, PostcodeRangeFactory, RegionFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


# --- a shared cast: two regions, their coordinators, the national desk and an outsider ---------


@pytest.fixture
def region_a(db):
    region = RegionFactory(name="Amsterdam", slug="amsterdam")
    PostcodeRangeFactory(region=region, start=1000, end=1109)
    return region


@pytest.fixture
def region_b(db):
    region = RegionFactory(name="Utrecht", slug="utrecht")
    PostcodeRangeFactory(region=region, start=3500, end=3585)
    return region


@pytest.fixture
def coordinator_a(region_a):
    return CoordinatorFactory(user__username="coordinator-a", regions=[region_a])


@pytest.fixture
def coordinator_b(region_b):
    return CoordinatorFactory(user__username="coordinator-b", regions=[region_b])


@pytest.fixture
def national_desk(db):
    return CoordinatorFactory(user__username="landelijke-desk", is_national_desk=True)


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


# --- a real Celery worker, for integration tests --------------------------------------------


def _wait_for_worker(name: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early with code {process.returncode}")
        if celery_app.control.ping(destination=[name], timeout=0.5):
            return
    raise RuntimeError(f"Celery worker {name} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the test database and the test Redis database.

    Tests that use it must see committed data: mark them `django_db(transaction=True)`.
    """
    with django_db_blocker.unblock():
        db = connection.settings_dict
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "techportal.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
    }
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "techportal",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "--loglevel=INFO",
                f"--hostname={name}",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_worker(name, process)
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
