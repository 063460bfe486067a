"""`manage.py loaddemo`: load the Dutch demo data and print the demo logins."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.demo import demo_events_load
from matching.demo import demo_signups_load
from offers.demo import demo_offers_load
from offers.services.search_words import search_words_rebuild
from organisations.demo import CREATED, SKIPPED, UNCHANGED, UPDATED, DemoReport, demo_load

LABELS = {
    "regions": "regio's",
    "postcode_ranges": "postcodegebieden",
    "companies": "bedrijven",
    "schools": "schoollocaties",
    "contacts": "contactpersonen",
    "users": "gebruikers",
    "coordinators": "coördinatoren",
    "postcode_areas": "PC4-gebieden",
    "signups": "aanmeldingen",
    "offers": "aanbod",
    "matches": "matches",
    "organisers": "organisatoren",
    "events": "evenementen",
    "timeslots": "tijdvakken",
    "workshops": "workshops",
    "registrations": "inschrijvingen",
}
OUTCOMES = {
    CREATED: "nieuw",
    UPDATED: "bijgewerkt",
    UNCHANGED: "ongewijzigd",
    SKIPPED: "overgeslagen",
}


class Command(BaseCommand):
    help = (
        "Laadt Nederlandse demodata (regio's, bedrijven, scholen, coördinatoren, aanmeldingen, "
        "aanbod) en toont de demo-logins. Opnieuw draaien verandert niets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Zet het wachtwoord van alle demo-accounts terug naar het demowachtwoord.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ook laden als DEBUG uit staat. Maakt accounts met een openbaar wachtwoord!",
        )

    def handle(self, *args, reset_passwords: bool, force: bool, verbosity: int, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "loaddemo maakt accounts (ook een superuser) met een openbaar wachtwoord en draait "
                "daarom alleen met DEBUG aan. Weet je het zeker, gebruik dan --force."
            )
        started = time.perf_counter()
        report = demo_load(reset_passwords=reset_passwords)
        demo_signups_load(report)
        demo_offers_load(report)
        demo_events_load(report, reset_passwords=reset_passwords)
        search_words_rebuild()  # the "Bedoelde u …?" vocabulary, otherwise rebuilt hourly
        seconds = f"{time.perf_counter() - started:.2f}".replace(".", ",")

        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Let op: {warning}"))
        if verbosity == 0:
            return
        self.stdout.write(self._summary(report, seconds))
        self.stdout.write(self._logins(report))

    def _summary(self, report: DemoReport, seconds: str) -> str:
        verdict = (
            "niets veranderd"
            if report.total(CREATED) + report.total(UPDATED) == 0
            else f"{report.total(CREATED)} nieuw, {report.total(UPDATED)} bijgewerkt"
        )
        lines = [self.style.SUCCESS(f"Demodata geladen in {seconds} s: {verdict}.")]
        for kind, label in LABELS.items():
            counts = report.counts.get(kind)
            if not counts:
                continue
            parts = ", ".join(
                f"{counts[outcome]} {word}" for outcome, word in OUTCOMES.items() if counts[outcome]
            )
            lines.append(f"  {label:<18} {counts.total():>3}  ({parts})")
        return "\n".join(lines)

    def _logins(self, report: DemoReport) -> str:
        lines = [
            "",
            self.style.MIGRATE_HEADING(
                f"Demo-logins voor /beheer/ — wachtwoord voor allemaal: {report.password}"
            ),
        ]
        width = max(len(login.username) for login in report.logins)
        for login in report.logins:
            lines.append(f"  {login.username:<{width}}  {report.password}   {login.description}")
        if report.passwords_reset:
            lines.append("Alle demowachtwoorden zijn teruggezet.")
        else:
            lines.append(
                "Wachtwoorden worden alleen bij het aanmaken gezet; een gewijzigd blijft staan.\n"
                "Terugzetten naar het demowachtwoord: manage.py loaddemo --reset-passwords"
            )
        return "\n".join(lines)
