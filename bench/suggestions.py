"""Benchmark: match suggestions at national scale, the query and the admin page around it.

Runs on the catalogue benchmark's data (bench/catalogue_data.py: 200,000 offers, 90,000
companies, 10,000 school locations, 4,088 PC4 centres), generated once and kept. On top of it
this bench adds, once and idempotently, what suggestions read and the catalogue does not:
- worlds of technique for about half of the school locations (the rest name none), and
- 50,000 matches over the last three years in every status, between published offers and
  schools that share a level, so "when did this school last have a match" has work to do.

Then it measures, in this process against PostgreSQL (no HTTP server, no cache):
1. `schools_for_offer` for a sample of published offers (the sign-up's and the offer's page),
2. `offers_for_school` for a sample of school locations (the school's page), and
3. the whole /beheer/ change page of an offer and of a school (Django's test client, logged in
   as a superuser): everything a coordinator waits for, suggestions included,
and prints p50 / p95 / max per measure, with the number of candidates within reach.

    make bench-suggestions            # or: python bench/suggestions.py --samples 300
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.catalogue_settings"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench import catalogue_data  # noqa: E402
from bench.catalogue_settings import BENCH_DATABASE  # noqa: E402
from matching.suggestions import offers_for_school, schools_for_offer  # noqa: E402
from offers.models import Offer  # noqa: E402
from organisations.models import Organisation  # noqa: E402

MATCHES = 50_000

# Half the schools name one or two worlds; a hash of the id picks them, so reruns agree.
_SCHOOL_WORLDS_SQL = """
UPDATE organisations_organisation AS school
SET worlds = CASE WHEN school.id % 2 = 0 THEN ARRAY[
        (ARRAY['mens_gezondheid', 'voeding_natuur', 'energie_water_veiligheid',
               'wonen_werken_verkeer', 'ontwerp_productie_wereldhandel',
               'digitaal_media_entertainment', 'hitech_science'])[1 + school.id % 7]]::varchar[]
    ELSE '{}' END
WHERE school.kind = 'school'
"""

# Matches between random published offers and random schools, created over three years; the
# status spread is roughly what a running programme has. (random() is volatile: per row.)
_MATCHES_SQL = """
INSERT INTO matching_match (
    offer_id, school_id, teacher_name, teacher_email, status, pupils, date, created_at,
    updated_at, company_evaluation, teacher_evaluation, cancelled_by, cancel_reason,
    notified_status)
SELECT picked.offer_id, picked.school_id, '', '', picked.status,
    CASE WHEN picked.status IN ('carried_out', 'closed') THEN 10 + floor(random() * 20)::int END,
    CASE WHEN picked.status IN ('carried_out', 'closed') THEN picked.created::date END,
    picked.created, picked.created, '', '', '',
    CASE WHEN picked.status = 'cancelled' THEN 'Bench' ELSE '' END, ''
FROM (
    SELECT offers.ids[1 + floor(random() * cardinality(offers.ids))::int] AS offer_id,
        schools.ids[1 + floor(random() * cardinality(schools.ids))::int] AS school_id,
        (ARRAY['proposed', 'confirmed', 'carried_out', 'closed', 'closed', 'cancelled'])
            [1 + floor(random() * 6)::int] AS status,
        now() - random() * interval '3 years' AS created
    FROM generate_series(1, %(count)s),
        (SELECT array_agg(id) AS ids FROM offers_offer WHERE status = 'published') AS offers,
        (SELECT array_agg(id) AS ids FROM organisations_organisation WHERE kind = 'school')
            AS schools
) AS picked
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=200, help="offers and schools timed")
    parser.add_argument("--pages", type=int, default=40, help="admin pages of each kind timed")
    parser.add_argument("--seed", type=int, default=20261121)
    return parser.parse_args()


def enrich() -> str:
    """Worlds for schools and the matches, once: a rerun finds them and does nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM matching_match")
        existing = cursor.fetchone()[0]
        if existing >= MATCHES:
            return f"{existing:,} matches kept"
        started = time.perf_counter()
        cursor.execute(_SCHOOL_WORLDS_SQL)
        cursor.execute("DELETE FROM matching_match")
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(_MATCHES_SQL, {"count": MATCHES})
        cursor.execute("ANALYZE matching_match")
        cursor.execute("ANALYZE organisations_organisation")
        cursor.execute("SELECT count(*) FROM matching_match")
        made = cursor.fetchone()[0]
    return f"{made:,} matches made in {time.perf_counter() - started:.0f} s"


def timed(function, items) -> tuple[list[float], list[int]]:
    """Milliseconds per call, and the number of results each call returned."""
    times, sizes = [], []
    for item in items:
        started = time.perf_counter()
        result = function(item)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(result) if hasattr(result, "__len__") else 0)
    return times, sizes


def line(label: str, times: list[float], extra: str = "") -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return (
        f"  {label:<44} n={len(times):<4} p50 {statistics.median(times):6.1f} ms   "
        f"p95 {p95:6.1f} ms   max {times[-1]:6.1f} ms{extra}"
    )


def admin_client() -> Client:
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    # /beheer/ wants the second factor: mark the session as verified with a device of its own.
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def page_times(client: Client, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    data = catalogue_data.catalogue_data_ensure()
    enriched = enrich()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(args.seed)  # noqa: S311 -- a reproducible sample, nothing secret
    offer_ids = list(
        Offer.objects.filter(status=Offer.Status.PUBLISHED).values_list("pk", flat=True)
    )
    school_ids = list(
        Organisation.objects.filter(kind=Organisation.Kind.SCHOOL).values_list("pk", flat=True)
    )
    offers = list(Offer.objects.filter(pk__in=rng.sample(offer_ids, args.samples)))
    schools = list(Organisation.objects.filter(pk__in=rng.sample(school_ids, args.samples)))
    print(
        f"Suggestion benchmark on {BENCH_DATABASE}: {data.summary()}\n"
        f"  {enriched}; reach {settings.MATCH_SUGGESTION_MAX_KM} km "
        f"(online {settings.MATCH_SUGGESTION_ONLINE_MAX_KM} km); {os.cpu_count()} CPUs; "
        f"seed {args.seed}"
    )
    schools_for_offer(offers[0])  # connect, warm the plan cache
    times, sizes = timed(schools_for_offer, offers)
    print(line("schools for an offer (query + rows)", times, f"   empty {sizes.count(0)}"))
    times, sizes = timed(offers_for_school, schools)
    print(line("offers for a school (query + rows)", times, f"   empty {sizes.count(0)}"))

    client = admin_client()
    offer_urls = [f"/beheer/offers/offer/{offer.pk}/change/" for offer in offers[: args.pages]]
    school_urls = [
        f"/beheer/organisations/organisation/{school.pk}/change/"
        for school in schools[: args.pages]
    ]
    page_times(client, offer_urls[:2])  # templates compiled, session read
    print(line("/beheer/ offer page with 10 schools", page_times(client, offer_urls)))
    print(line("/beheer/ school page with 10 offers", page_times(client, school_urls)))
    print(f"  whole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
