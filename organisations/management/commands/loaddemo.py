"""`manage.py loaddemo`: load the Dutch demo data and print the demo logins."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    "otp_devices": "authenticator-apps",
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
        demo_second_factor_load(report)
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
        lines.append(
            "Na het wachtwoord vraagt /beheer/ een code (tweestapsverificatie). Elke demo-login\n"
            "heeft een authenticator-app in de database; de code van nu toont:\n"
            "  manage.py otp_code <gebruikersnaam>   (alleen met DEBUG aan)"
        )
        if report.passwords_reset:
            lines.append("Alle demowachtwoorden zijn teruggezet.")
        else:
            lines.append(
                "Wachtwoorden worden alleen bij het aanmaken gezet; een gewijzigd blijft staan.\n"
                "Terugzetten naar het demowachtwoord: manage.py loaddemo --reset-passwords"
            )
        return "\n".join(lines)


DEMO_DEVICE_NAME = "Demo-app (manage.py otp_code)"


def demo_second_factor_load(report: DemoReport) -> None:
    """A confirmed authenticator app for each demo login that has none, so a developer without
    a phone passes the second factor with `manage.py otp_code <username>`."""
    users = get_user_model().objects.filter(
        username__in=[login.username for login in report.logins], is_staff=True
    )
    with_device = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    missing = [user for user in users if user.pk not in with_device]
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name=DEMO_DEVICE_NAME, confirmed=True) for user in missing
    )
    for _user in missing:
        report.tally("otp_devices", CREATED)
    for _user_id in with_device:
        report.tally("otp_devices", UNCHANGED)
