import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_health_is_green_when_database_broker_and_a_worker_are_up(client, celery_worker):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"] and body["workers"]["ok"]
    assert body["workers"]["detail"] == "a worker answered"
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_health_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["workers"] == {"ok": False, "ms": 0.0, "detail": "broker down"}


def test_health_is_503_when_no_worker_answers(client, settings, celery_worker):
    # The real Redis, but a database no worker consumes from.
    settings.CELERY_BROKER_URL = settings.REDIS_URL.rsplit("/", 1)[0] + "/14"

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["ok"] is True
    assert body["workers"]["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_health_is_503_when_the_database_is_unreachable(client):
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens on port 1
    try:
        response = client.get("/health/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {
        "ok": False,
        "ms": body["database"]["ms"],
        "detail": "OperationalError",
    }
    assert body["broker"]["ok"] is True


def test_health_answers_only_to_get_and_head(client):
    assert client.post("/health/").status_code == 405
