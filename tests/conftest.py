import os
import uuid

import pytest
from django.conf import settings
from django.db import connection

from organisations.services import coordinator_group_ensure
from techportal.celery import app as celery_app

from .factories import (
    CompanyFactory,
    CoordinatorFactory,
    PostcodeRangeFactory,
    RegionFactory,
    UserFactory,
)
from .otp import VerifiedClient
from .stack import database_url, start_worker, wait_for_worker


@pytest.fixture
def client():
    """Django's test client; logging a staff user in also passes their second factor."""
    return VerifiedClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's superuser client, with the second factor passed as well."""
    client = VerifiedClient()
    client.force_login(admin_user)
    return client

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


@pytest.fixture
def company_a(region_a):
    return CompanyFactory(name="Amsterdamse Windtechniek", postcode="1011AB")


@pytest.fixture
def company_b(region_b):
    return CompanyFactory(
        name="Utrechtse Zonnepanelen", postcode="3511AB", city="Utrecht", kvk_number="33333333"
    )


def login_as_coordinator(client, coordinator):
    """Log in with exactly the permissions the real "Coördinatoren" group gives."""
    coordinator.user.groups.add(coordinator_group_ensure())
    client.force_login(coordinator.user)
    return client


@pytest.fixture
def coordinator_a_client(client, coordinator_a):
    return login_as_coordinator(client, coordinator_a)


@pytest.fixture
def national_desk_client(client, national_desk):
    return login_as_coordinator(client, national_desk)


# --- a real Celery worker, for integration tests --------------------------------------------


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the test database and the test Redis database.

    Tests that use it must see committed data: mark them `django_db(transaction=True)`.
    """
    with django_db_blocker.unblock():
        db_url = database_url(connection.settings_dict)
    worker = start_worker(
        f"test-{uuid.uuid4().hex[:8]}@localhost",
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "techportal.settings.test",
            "DATABASE_URL": db_url,
            "REDIS_URL": settings.REDIS_URL,
        },
        log=tmp_path_factory.mktemp("celery") / "worker.log",
    )
    try:
        wait_for_worker(celery_app, worker)
        yield worker.name
    finally:
        worker.stop()


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks run in the test process, unless the test has a real worker (`celery_worker`).

    Queued work is then done where the test can see it (with on-commit callbacks executed),
    and nothing lingers in the test broker for a worker to pick up later.
    """
    if any("worker" in name for name in request.fixturenames):
        yield
        return
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_eager_propagates = False
