"""`manage.py import_pc4 FILE`: load PC4 centres (GeoNames NL.txt or a CSV) for distances."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.pc4 import pc4_file_read, postcode_areas_import, read_text

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = (
        "Leest de middelpunten van PC4-gebieden uit een GeoNames-postcodebestand voor Nederland "
        "(NL.txt, tab-gescheiden) of een CSV met de kolommen pc4, latitude en longitude, en "
        "slaat ze op. Bij fouten wordt niets opgeslagen, tenzij --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Het bestand, bijvoorbeeld NL.txt.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Sla onleesbare regels over in plaats van niets op te slaan.",
        )

    def handle(self, *args, file: Path, skip_invalid: bool, verbosity: int, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Kan {file} niet lezen: {error.strerror}.") from None
        parsed = pc4_file_read(read_text(data))
        if parsed.errors:
            listed = "\n".join(f"  {error}" for error in parsed.errors[:SHOWN_ERRORS])
            more = len(parsed.errors) - SHOWN_ERRORS
            if more > 0:
                listed += f"\n  … en nog {more} fouten"
            if not skip_invalid or not parsed.centres:
                raise CommandError(
                    f"{file} bevat {len(parsed.errors)} onleesbare regels; er is niets "
                    f"opgeslagen.\n{listed}"
                )
            self.stderr.write(self.style.WARNING(f"Overgeslagen:\n{listed}"))
        if not parsed.centres:
            raise CommandError(f"{file} bevat geen PC4-gebieden; er is niets opgeslagen.")
        result = postcode_areas_import(centres=parsed.centres.values())
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(parsed.centres)} PC4-gebieden uit {parsed.rows} regels: "
                    f"{result.created} nieuw, {result.updated} bijgewerkt; "
                    f"{result.offers_moved} aanbiedingen kregen een nieuw middelpunt."
                )
            )
