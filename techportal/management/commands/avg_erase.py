"""`manage.py avg_erase <email> [--yes]`: erase everything about one person (AVG art. 17)."""

from django.core.management.base import BaseCommand, CommandError

from techportal.privacy.erasure import person_erase
from techportal.privacy.person import person_find

from .avg_export import valid_email


class Command(BaseCommand):
    help = (
        "Wis alle persoonsgegevens bij een e-mailadres (contactpersoon of docent): verwijdert wat "
        "kan, anonimiseert wat meetelt in de cijfers. Vraagt om bevestiging, tenzij --yes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="het e-mailadres van de persoon")
        parser.add_argument(
            "--yes", action="store_true", help="niet om bevestiging vragen (voor scripts)"
        )

    def handle(self, *args, email: str, yes: bool, **options) -> None:
        person = person_find(valid_email(email))
        for label, count in person.summary():
            self.stdout.write(f"  {label}: {count}")
        if not person.found:
            self.stdout.write(f"Over {person.email} staat niets in Techportal.")
            return
        if not yes and not self._confirmed(person.email):
            raise CommandError("Niets gewist.")
        report = person_erase(email=person.email)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.email} gewist: {sum(report.deleted.values())} rijen verwijderd, "
                f"{sum(report.anonymised.values())} geanonimiseerd, "
                f"{sum(report.scrubbed.values())} teksten opgeschoond."
            )
        )
        for label, count in sorted((report.deleted + report.anonymised).items()):
            self.stdout.write(f"  {label}: {count}")
        if report.staff_accounts:
            self.stdout.write(
                self.style.WARNING(
                    "Dit adres hoort ook bij een beheeraccount; dat is niet gewijzigd."
                )
            )

    def _confirmed(self, email: str) -> bool:
        try:
            answer = input(f"Alles over {email} definitief wissen? Typ 'ja': ")
        except EOFError:  # no terminal: never erase without --yes
            return False
        return answer.strip().lower() == "ja"
