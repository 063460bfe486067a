"""`manage.py import_duo FILE`: create or update school locations from a DUO open-data CSV."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organisations.duo import DuoImportError, import_school_locations
from techportal.choices import Level


class Command(BaseCommand):
    help = "Importeert schoollocaties uit een CSV-bestand van DUO (open onderwijsdata)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Het CSV-bestand van DUO, gescheiden door puntkomma's.")
        parser.add_argument(
            "--encoding",
            default="auto",
            help="Tekencodering van het bestand (standaard: UTF-8 als dat klopt, anders Latin-1).",
        )
        parser.add_argument(
            "--level",
            "--niveau",
            dest="level",
            choices=Level.values,
            help="Onderwijsniveau voor rijen zonder ONDERWIJSSTRUCTUUR, zoals po voor "
            "basisscholen.",
        )

    def handle(self, *args, **options):
        try:
            report = import_school_locations(
                options["file"], encoding=options["encoding"], level=options["level"]
            )
        except DuoImportError as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(
            _(
                "Aangemaakt: %(created)d, bijgewerkt: %(updated)d, ongewijzigd: %(unchanged)d, "
                "afgewezen: %(rejected)d."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": len(report.rejected),
            }
        )
        for rejected in report.rejected:
            self.stdout.write(
                self.style.WARNING(
                    _("Regel %(line)d: %(reason)s")
                    % {"line": rejected.line, "reason": rejected.reason}
                )
            )
