"""`manage.py avg_export <email> [--output file]`: everything about one person as JSON."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from techportal.privacy.export import dumps, person_export
from techportal.privacy.person import person_find


def valid_email(value: str) -> str:
    email = value.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(
            f"'{value}' is geen geldig e-mailadres (bijvoorbeeld naam@voorbeeld.nl)."
        ) from None
    return email


class Command(BaseCommand):
    help = (
        "Exporteer alle persoonsgegevens bij een e-mailadres (contactpersoon of docent) als JSON, "
        "met doel, grondslag en bewaartermijn uit het register (AVG inzage/overdraagbaarheid)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="het e-mailadres van de persoon")
        parser.add_argument(
            "--output", "-o", type=Path, help="schrijf naar dit bestand in plaats van stdout"
        )

    def handle(self, *args, email: str, output: Path | None, **options) -> None:
        person = person_find(valid_email(email))
        text = dumps(person_export(person)) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Kan {output} niet schrijven: {error.strerror}.") from None
        found = sum(count for _label, count in person.summary())
        self.stderr.write(f"{found} rijen geschreven naar {output}.")
