"""Benchmark, not a test: the offer catalogue on national-scale data, against gunicorn.

    make bench-catalogue                       (about 4 minutes once the data exists)
    .venv/bin/python bench/catalogue.py --help (shorter cells, other server configurations)
    .venv/bin/python bench/catalogue.py --explain (also EXPLAIN (ANALYZE, BUFFERS) per mix)

The data (bench/catalogue_data.py: 200,000 offers, 100,000 organisations, ~4,000 PC4 centres,
33 regions) lives in its own database, `techportal_bench_catalogue`, and is kept between runs;
it is generated (about half a minute) only when missing or out of date, or with --regenerate.
The Redis databases of the bench (bench/catalogue_settings.py) are emptied before every cold
pass and after the run.

Three mixes of realistic searches, each a fixed list of URLs drawn with a fixed seed:

1. text + level + distance: one or two words of the data's vocabulary (common words more
   often), one level, the postcode of one of the data's schools, within 10, 25 or 50 km;
2. filters only: one to three of soort / niveau / wereld / regio, one value each;
3. page 50: no filters, `page=50`.

Each mix is served by the full page (/aanbod/) and by a bare view (/bench/catalogue/) that runs
the same `catalogue_search()` under the same middleware and gunicorn, but renders a minimal
template (bench/views.py): full ÷ bare req/s is what the page costs beyond its queries.

For each mix:
- cold: the cache is emptied, then the first --cold-urls URLs are requested once each at
  concurrency 4 (full view; then emptied again for the bare view). Facet counts are computed,
  not read from Redis — unless a URL occurs twice (mix 3 is one URL: one request).
- steady: after one unmeasured pass over the whole list, the list over and over for --seconds
  at concurrency 4 and 16, full and bare views alternating; the facet counts come from the
  cache (the catalogue version does not change: nothing writes offers meanwhile). The targets
  apply to these rows: full ÷ bare ≥ 0.5, and the full page's p95 ≤ 50 ms at concurrency 4.

Warm-up requests go first (both views, URLs of every mix), so that imports, template
compilation and new database connections stay out of the figures. The CPU table, from /proc,
shows per request what gunicorn, PostgreSQL (the bench database's backends and the background
processes), Redis and this script (`bench`, the load generator) used; `other` is the rest of
the machine, which must be near zero for trustworthy figures: the two CPUs are shared.
"""

import argparse
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.catalogue_settings"
django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import catalogue_data  # noqa: E402
from bench.catalogue_settings import BENCH_DATABASE  # noqa: E402
from bench.common import (  # noqa: E402
    LOGS,
    Phase,
    Server,
    fire,
    fire_for,
    free_port,
    get,
    gunicorn_start,
    percentile,
    wait_until_serving,
)
from offers.search import CatalogueQuery, catalogue_search  # noqa: E402
from techportal.choices import World  # noqa: E402

TARGET_RATIO = 0.5  # full page req/s ÷ bare view req/s
TARGET_P95_MS = 50.0  # full page, steady state, concurrency 4
COLD_CONCURRENCY = 4
GROUPS = ("gunicorn", "postgres", "redis", "bench", "other")  # no Celery in this bench
FULL, BARE = "/aanbod/", "/bench/catalogue/"
MIXES = ("text + level + distance", "filters only", "page 50")
DISTANCES_KM = (10, 25, 50)
KINDS = tuple(catalogue_data.KIND_WEIGHTS)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="per steady-state cell")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--urls", type=int, default=200, help="URLs per mix (mix 3 has one)")
    parser.add_argument(
        "--cold-urls", type=int, default=40, help="the first N URLs of each mix, cold cache"
    )
    parser.add_argument("--seed", type=int, default=42, help="of the URL lists")
    parser.add_argument("--warmup", type=int, default=60, help="requests per view and mix")
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--regenerate", action="store_true", help="generate the data anew")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS) the slowest statements of each mix, to var/bench/",
    )
    return parser.parse_args()


# --- the URL lists -------------------------------------------------------------------------------


def _school_postcodes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT postcode FROM organisations_organisation "
            "WHERE kind = 'school' AND postcode <> '' ORDER BY id"
        )
        return [postcode for (postcode,) in cursor.fetchall()]


def _region_slugs() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM organisations_region ORDER BY slug")
        return [slug for (slug,) in cursor.fetchall()]


def _search_words(rng: random.Random) -> str:
    """One or two words of one world, common words more often (as people search)."""
    world = rng.choices(catalogue_data.WORLDS, catalogue_data.WORLD_WEIGHTS)[0]
    words = catalogue_data.WORLD_WORDS[world]
    weights = catalogue_data._zipf_weights(len(words))
    first, second = rng.choices(words, weights, k=2)
    return first if rng.random() < 0.7 or first == second else f"{first} {second}"


def _level(rng: random.Random) -> str:
    """A level, as often as offers have it."""
    combinations, weights = zip(*catalogue_data.LEVEL_COMBINATIONS, strict=True)
    return rng.choice(rng.choices(combinations, weights)[0])


def text_level_distance(rng: random.Random, count: int, postcodes: list[str]) -> list[str]:
    return [
        urlencode(
            {
                "q": _search_words(rng),
                "niveau": _level(rng),
                "postcode": rng.choice(postcodes),
                "afstand": rng.choice(DISTANCES_KM),
            }
        )
        for _ in range(count)
    ]


def filters_only(rng: random.Random, count: int, regions: list[str]) -> list[str]:
    options = {
        "soort": lambda: rng.choice(KINDS),
        "niveau": lambda: _level(rng),
        "wereld": lambda: rng.choice([world.value for world in World]),
        "regio": lambda: rng.choice(regions),
    }
    urls = []
    for _ in range(count):
        facets = rng.sample(list(options), rng.randint(1, 3))
        urls.append(urlencode([(facet, options[facet]()) for facet in options if facet in facets]))
    return urls


def url_lists(count: int, seed: int) -> dict[str, list[str]]:
    """Query strings per mix, the same for every run with the same seed and data."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible URLs, nothing secret
    return {
        MIXES[0]: text_level_distance(rng, count, _school_postcodes()),
        MIXES[1]: filters_only(rng, count, _region_slugs()),
        MIXES[2]: ["page=50"],
    }


# --- measuring -----------------------------------------------------------------------------------


def cache_flush() -> None:
    redis.Redis.from_url(settings.CACHES["default"]["LOCATION"]).flushdb()


@dataclass
class Cell:
    mix: str
    concurrency: int
    cold: bool
    phases: dict[str, Phase] = field(default_factory=dict)  # by view: FULL, BARE


def _requests(port: int, view: str, query_strings: list[str]) -> list[bytes]:
    return [get(port, f"{view}?{query_string}") for query_string in query_strings]


def warm_up(port: int, lists: dict[str, list[str]], count: int, servers: list[Server]) -> None:
    for view in (FULL, BARE):
        for query_strings in lists.values():
            requests = _requests(port, view, query_strings[:count])
            fire(port, requests * (count // len(requests) or 1), 4, servers, BENCH_DATABASE)


def measure(args: argparse.Namespace, port: int, servers: list[Server]) -> list[Cell]:
    lists = url_lists(args.urls, args.seed)
    warm_up(port, lists, args.warmup, servers)
    cells = []
    for mix, query_strings in lists.items():
        cold = Cell(mix, COLD_CONCURRENCY, cold=True)
        for view in (FULL, BARE):
            cache_flush()
            requests = _requests(port, view, query_strings[: args.cold_urls])
            cold.phases[view] = fire(port, requests, COLD_CONCURRENCY, servers, BENCH_DATABASE)
        cells.append(cold)
        print(f"  {mix}: cold pass done", flush=True)
        # One unmeasured pass over the whole list fills the facet cache, so that both views'
        # steady cells read it (without it the full view, measured first, pays for the fills).
        fire(port, _requests(port, BARE, query_strings), COLD_CONCURRENCY, servers, BENCH_DATABASE)
        for concurrency in args.concurrency:
            steady = Cell(mix, concurrency, cold=False)
            for view in (FULL, BARE):
                requests = _requests(port, view, query_strings)
                steady.phases[view] = fire_for(
                    port, requests, concurrency, args.seconds, servers, BENCH_DATABASE
                )
            cells.append(steady)
            print(f"  {mix}: concurrency {concurrency} done", flush=True)
    return cells


# --- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    requests: int
    rate: float
    p50_ms: float
    p95_ms: float
    errors: int  # not 200, or no answer

    @classmethod
    def of(cls, phase: Phase) -> "Figures":
        times = sorted(result.seconds * 1000 for result in phase.results)
        return cls(
            requests=len(times),
            rate=len(times) / phase.seconds,
            p50_ms=percentile(times, 0.5),
            p95_ms=percentile(times, 0.95),
            errors=sum(result.status != 200 for result in phase.results),
        )

    def columns(self) -> str:
        return f"{self.rate:8.1f}{self.p50_ms:7.1f}{self.p95_ms:7.1f}{self.errors:5d}"


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(cells: list[Cell], args: argparse.Namespace, load_before: str) -> bool:
    """Print the tables; True when every target is met."""
    head = f"{'req/s':>8}{'p50':>7}{'p95':>7}{'err':>5}"
    lines = [
        "",
        f"  {'':<24}{'':>5}{'':>8}  {'full ' + FULL:<27}  {'bare ' + BARE:<27}",
        f"  {'mix':<24}{'conc':>5}{'pass':>8}  {head}  {head}  {'full/bare':>9}",
    ]
    verdicts: list[tuple[str, bool]] = []
    for cell in cells:
        full, bare = Figures.of(cell.phases[FULL]), Figures.of(cell.phases[BARE])
        ratio = full.rate / bare.rate if bare.rate else float("nan")
        label = "cold" if cell.cold else "steady"
        lines.append(
            f"  {cell.mix:<24}{cell.concurrency:5d}{label:>8}  {full.columns()}  "
            f"{bare.columns()}  {ratio:9.2f}"
        )
        if cell.cold:
            continue
        verdicts.append(
            (f"{cell.mix}, concurrency {cell.concurrency}: full/bare {ratio:.2f} ≥ {TARGET_RATIO}",
             ratio >= TARGET_RATIO)
        )  # fmt: skip
        if cell.concurrency == 4:
            verdicts.append(
                (f"{cell.mix}, concurrency 4: full p95 {full.p95_ms:.1f} ms ≤ {TARGET_P95_MS:.0f}",
                 full.p95_ms <= TARGET_P95_MS)
            )  # fmt: skip
        if full.errors or bare.errors:
            verdicts.append((f"{cell.mix}, concurrency {cell.concurrency}: no errors", False))
    lines += [
        "",
        f"  times in ms; cold: the first {args.cold_urls} URLs once, empty cache (facets counted);",
        f"  steady: all {args.urls} over and over for {args.seconds:.0f} s, facet counts in Redis",
        "",
        "  targets (steady state):",
        *(f"    {'met   ' if met else 'MISSED'}  {text}" for text, met in verdicts),
        "",
        "  CPU ms per request         " + "".join(f"{group:>10}" for group in GROUPS),
    ]
    busiest_other = 0.0
    for cell in cells:
        for view, phase in cell.phases.items():
            label = f"{cell.mix[:12]:<12} {cell.concurrency:>2} {'cold' if cell.cold else ''}"
            view_name = "full" if view == FULL else "bare"
            per_request = [phase.cpu[g] * 1000 / max(1, len(phase.results)) for g in GROUPS]
            lines.append(
                f"    {label:<21}{view_name:<5}" + "".join(f"{v:10.2f}" for v in per_request)
            )
            busiest_other = max(busiest_other, phase.cpu["other"] / phase.seconds)
    lines.append(
        f"  load average before {load_before}, after {_loadavg()} ({os.cpu_count()} CPUs); "
        f"`other` kept up to {busiest_other:.2f} cores busy"
    )
    if busiest_other > 0.2:
        lines.append("  NOTE: other programs used the CPUs meanwhile; the figures are low.")
    print("\n".join(lines))
    return all(met for _text, met in verdicts)


# --- EXPLAIN -------------------------------------------------------------------------------------


def explain(lists: dict[str, list[str]], out: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) the two slowest statements of one URL per mix, cold cache.

    The URL is the mix's median by total statement time among its first 20.
    """
    from django.http import QueryDict

    sections = []
    for mix, query_strings in lists.items():
        timed = []
        for query_string in query_strings[:20]:
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                catalogue_search(CatalogueQuery.from_params(QueryDict(query_string)))
                seconds = time.perf_counter() - started
            timed.append((seconds, query_string, list(captured.captured_queries)))
        timed.sort(key=lambda item: item[0])
        seconds, query_string, queries = timed[len(timed) // 2]
        sections.append(f"=== {mix}: ?{query_string}  ({seconds * 1000:.0f} ms in-process)")
        slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:2]
        for query in slowest:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            sections.append(f"--- {float(query['time']) * 1000:.0f} ms\n{query['sql']}\n\n{plan}\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(sections))
    cache.clear()
    print(f"  EXPLAIN output in {out.relative_to(ROOT)}")


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    threads = f" × {args.threads} threads" if args.worker_class == "gthread" else ""
    started = time.perf_counter()
    data = catalogue_data.catalogue_data_ensure(regenerate=args.regenerate)
    connection.close()
    print(
        f"Catalogue benchmark on {BENCH_DATABASE}: {data.summary()}\n"
        f"  gunicorn {args.worker_class}, {args.workers} workers{threads}; "
        f"CONN_MAX_AGE={os.environ['CONN_MAX_AGE']}; {os.cpu_count()} CPUs; "
        f"{args.urls} URLs per mix (seed {args.seed}), {args.seconds:.0f} s per steady cell, "
        f"concurrency {', '.join(map(str, args.concurrency))}; Redis "
        f"{settings.CACHES['default']['LOCATION']}; logs in {LOGS.relative_to(ROOT)}/"
    )
    if args.explain:
        explain(url_lists(args.urls, args.seed), LOGS / "catalogue-explain.txt")
    load_before = _loadavg()
    port = free_port()
    servers = [
        gunicorn_start(
            port=port,
            worker_class=args.worker_class,
            workers=args.workers,
            threads=args.threads,
            log_name="gunicorn-catalogue",
        )
    ]
    try:
        wait_until_serving(servers[0], port)
        cells = measure(args, port, servers)
    finally:
        for server in servers:
            server.stop()
        cache_flush()
    met = report(cells, args, load_before)
    statuses = Counter(
        result.status
        for cell in cells
        for phase in cell.phases.values()
        for result in phase.results
    )
    print(
        f"  statuses {dict(sorted(statuses.items()))}; whole run "
        f"{time.perf_counter() - started:.0f} s; {'all targets met' if met else 'targets MISSED'}"
    )


if __name__ == "__main__":
    main()
