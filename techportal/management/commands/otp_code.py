"""`manage.py otp_code <username>`: the current authenticator code of a (demo) account."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Toont de code van nu uit de authenticator-app van een account, om zonder telefoon in "
        "/beheer/ te komen (voor de demo-logins van loaddemo). Alleen met DEBUG aan."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="gebruikersnaam, bijvoorbeeld beheerder")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError(
                "otp_code toont de tweede factor van een account en draait daarom alleen met "
                "DEBUG aan (lokale ontwikkeling)."
            )
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Geen account met gebruikersnaam {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(
                f"{username} heeft geen authenticator-app. `manage.py loaddemo` geeft de "
                "demo-logins er een; anders stelt /beheer/ er na het wachtwoord een in."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        code = f"{totp.token():0{device.digits}d}"
        seconds = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(code)
        self.stderr.write(f"(nog {seconds} s geldig; daarna geeft dit commando de volgende)")
