"""Registrations racing for the last places, against the real PostgreSQL.

Twenty threads, each with its own database connection, register a class of 25 pupils into one
slot with room for 125 at the same moment. The slot's row lock lets them in one at a time, so
the order of the ids (assigned inside the lock) is the order of arrival.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.core import mail
from django.db import connection
from django.db.models import Sum

from events import queries
from events.models import Registration
from events.services.registrations import registration_cancel, registration_create
from techportal.choices import Level

CLASSES = 20
PUPILS = 25


def confirmed_pupils(slot) -> int:
    confirmed = Registration.objects.filter(slot=slot, status=Registration.Status.CONFIRMED)
    return confirmed.aggregate(total=Sum("pupils"))["total"] or 0


def register_at_once(slot, school, start: threading.Barrier, number: int) -> Registration:
    try:
        start.wait(timeout=30)
        registration, _created = registration_create(
            event=slot.event,
            slot=slot,
            school=school,
            teacher_name=f"Docent {number}",
            teacher_email=f"docent{number}@school.example.nl",
            group=f"groep {6 + number % 3}",
            level=Level.PO,
            pupils=PUPILS,
            submission_token=uuid.uuid4(),
        )
        return registration
    finally:
        connection.close()  # each thread had its own connection


def test_twenty_parallel_registrations_fill_five_places_and_queue_the_rest_in_order(
    transactional_db, slot, school
):
    assert slot.capacity == 5 * PUPILS
    start = threading.Barrier(CLASSES)
    done = threading.Event()
    seen_totals: list[int] = []

    def watch() -> None:  # the confirmed total, read again and again while the race runs
        try:
            while not done.is_set():
                seen_totals.append(confirmed_pupils(slot))
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=CLASSES) as pool:
            futures = [
                pool.submit(register_at_once, slot, school, start, number)
                for number in range(CLASSES)
            ]
            results = [future.result(timeout=60) for future in futures]
    finally:
        done.set()
        watcher.join()

    assert len({r.pk for r in results}) == CLASSES
    by_arrival = sorted(results, key=lambda r: r.pk)
    confirmed = [r for r in by_arrival if r.status == Registration.Status.CONFIRMED]
    waiting = [r for r in by_arrival if r.status == Registration.Status.WAITLISTED]
    assert len(confirmed) == 5
    assert len(waiting) == 15
    assert confirmed == by_arrival[:5]  # the first five to arrive got the places
    assert list(queries.waitlist(slot)) == waiting  # and the rest wait in arrival order
    assert [queries.waitlist_position(r) for r in waiting] == list(range(1, 16))
    assert max(seen_totals, default=0) <= slot.capacity
    assert confirmed_pupils(slot) == slot.capacity
    assert len(mail.outbox) == CLASSES  # each teacher heard once: confirmed or waiting

    promoted = registration_cancel(registration=confirmed[2])

    assert promoted == [waiting[0]]
    assert confirmed_pupils(slot) == slot.capacity
    assert list(queries.waitlist(slot)) == waiting[1:]


def test_parallel_cancellations_promote_each_waiting_class_once(transactional_db, slot, school):
    start = threading.Barrier(CLASSES)
    with ThreadPoolExecutor(max_workers=CLASSES) as pool:
        futures = [
            pool.submit(register_at_once, slot, school, start, number) for number in range(CLASSES)
        ]
        results = sorted((f.result(timeout=60) for f in futures), key=lambda r: r.pk)
    confirmed, waiting = results[:5], results[5:]

    def cancel(registration: Registration) -> list[Registration]:
        try:
            return registration_cancel(registration=registration)
        finally:
            connection.close()

    # Every confirmed class cancels at once, and each of them twice.
    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(cancel, confirmed * 2))

    promoted = [r.pk for outcome in outcomes for r in outcome]
    assert sorted(promoted) == [r.pk for r in waiting[:5]]  # each one promoted exactly once
    assert confirmed_pupils(slot) == slot.capacity
    assert list(queries.waitlist(slot)) == waiting[5:]
