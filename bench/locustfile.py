"""The load test's traffic: teachers browsing the catalogue and events, companies signing up.

Driven by bench/load.py (`make load`), which starts the site on data of its own and writes
the choices to draw from (LOAD_CONFIG: search words, filter values, postcodes) from that data.
Runnable on its own against any site with that file:

    LOAD_CONFIG=var/load/config.json .venv/bin/locust -f bench/locustfile.py --host URL

Teachers (four in five users) open the home page, search and filter /aanbod/ (text, kind,
level, world, region, postcode within a distance, further pages), open offers from the
results, look at events and the impact page, with a few seconds' thought between clicks.
Companies open /aanmelden/ and post a valid form with the page's CSRF token and its hidden
submission token, then see the thank-you page. Each request is named by its page, not its
URL, so that the statistics come per page.
"""

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.signup_form import signup_fields

CONFIG = json.loads(Path(os.environ.get("LOAD_CONFIG", "var/load/config.json")).read_text())
OFFER_LINK = re.compile(r'href="/aanbod/(\d+)/"')
EVENT_LINK = re.compile(r'href="/evenementen/([\w-]+)/"')
HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"')
# Each company a new one, also across locust processes: KvK numbers 7xxxxxxx from a random start.
RNG = random.Random()  # noqa: S311 -- made-up traffic, nothing secret
COMPANY_NUMBERS = itertools.count(RNG.randrange(0, 9_000_000, 100_000))


def pick(values: list, k: int = 1) -> list:
    return RNG.sample(values, min(k, len(values)))


class Teacher(HttpUser):
    """Searches the catalogue the way teachers do: a word or two, a filter, a page further."""

    weight = 4
    wait_time = between(1, 5)

    def on_start(self) -> None:
        self.offers: list[str] = []
        self.events: list[str] = []

    def _catalogue(self, params: list[tuple[str, str]], name: str) -> None:
        with self.client.get("/aanbod/", params=params, name=name, catch_response=True) as page:
            if page.status_code == 200:
                self.offers = OFFER_LINK.findall(page.text) or self.offers
                page.success()

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(2)
    def catalogue(self) -> None:
        self._catalogue([], "/aanbod/")

    @task(4)
    def search(self) -> None:
        words = " ".join(pick(CONFIG["words"], RNG.choice((1, 1, 2))))
        self._catalogue([("q", words)], "/aanbod/?q=…")

    @task(4)
    def filter(self) -> None:
        params = [("niveau", level) for level in pick(CONFIG["levels"], RNG.randint(1, 2))]
        params += [("soort", kind) for kind in pick(CONFIG["kinds"])]
        if RNG.random() < 0.5:
            params += [("wereld", world) for world in pick(CONFIG["worlds"])]
        if RNG.random() < 0.3:
            params += [("regio", region) for region in pick(CONFIG["regions"])]
        self._catalogue(params, "/aanbod/?soort&niveau…")

    @task(3)
    def near_school(self) -> None:
        params = [
            ("postcode", RNG.choice(CONFIG["postcodes"])),
            ("afstand", str(RNG.choice(CONFIG["distances"]))),
            ("niveau", RNG.choice(CONFIG["levels"])),
        ]
        self._catalogue(params, "/aanbod/?postcode&afstand")

    @task(2)
    def next_page(self) -> None:
        params = [
            ("niveau", RNG.choice(CONFIG["levels"])),
            ("page", RNG.randint(2, CONFIG["pages"])),
        ]
        self._catalogue(params, "/aanbod/?page=n")

    @task(6)
    def offer(self) -> None:
        if not self.offers:
            self.catalogue()
        if self.offers:
            self.client.get(f"/aanbod/{RNG.choice(self.offers)}/", name="/aanbod/[id]/")

    @task(2)
    def events_list(self) -> None:
        page = self.client.get("/evenementen/", name="/evenementen/")
        self.events = EVENT_LINK.findall(page.text) or self.events

    @task(2)
    def event(self) -> None:
        if not self.events:
            self.events_list()
        if self.events:
            slug = RNG.choice(self.events)
            self.client.get(f"/evenementen/{slug}/", name="/evenementen/[slug]/")

    @task(1)
    def impact(self) -> None:
        self.client.get("/impact/", name="/impact/")


class Company(HttpUser):
    """Opens the aanmeldformulier, fills it in (that takes a while) and sends it."""

    weight = 1
    wait_time = between(5, 15)

    @task
    def sign_up(self) -> None:
        form = self.client.get("/aanmelden/", name="/aanmelden/")
        hidden = dict(HIDDEN.findall(form.text))
        if set(hidden) != {"csrfmiddlewaretoken", "form_token"}:
            return  # the GET has failed and is counted as such
        n = next(COMPANY_NUMBERS)
        data = list(hidden.items()) + signup_fields(
            n, pc4=RNG.choice(CONFIG["signup_pc4s"]), kvk_base=70_000_000
        )
        with self.client.post(
            "/aanmelden/",
            data=data,
            name="/aanmelden/ POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/aanmelden/bedankt/" not in location:
                response.failure(f"not accepted: {response.status_code}")
                return
            response.success()
        self.client.get(location, name="/aanmelden/bedankt/[token]/")
