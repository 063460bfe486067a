"""Second-factor helpers: a test that logs a staff user in also passes their second factor.

Tests of the login itself post the real forms: `password_login` then `code_login`.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
LOGIN = "/beheer/login/"
VERIFY = "/beheer/tweestapsverificatie/"
ENROL = "/beheer/tweestapsverificatie/instellen/"
BACKUP_CODES = "/beheer/tweestapsverificatie/reservecodes/"


def verify_second_factor(client: Client, user) -> TOTPDevice:
    """Mark the client's session as verified with a confirmed TOTP device of `user`."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


class VerifiedClient(Client):
    """Django's test client, whose `force_login` of a staff user includes the second factor.

    Tests of the second factor itself use a plain `django.test.Client`.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if user.is_staff:
            verify_second_factor(self, user)


def current_code(device: TOTPDevice) -> str:
    """The code the authenticator app of `device` shows right now."""
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{token:0{device.digits}d}"


def password_login(client: Client, username: str, password: str = PASSWORD, next_path=None):
    """Post the /beheer/ login form (through django-axes, as a browser would)."""
    url = LOGIN if next_path is None else f"{LOGIN}?next={next_path}"
    return client.post(url, {"username": username, "password": password})


def code_login(client: Client, code: str, next_path: str = "/beheer/"):
    return client.post(f"{VERIFY}?next={next_path}", {"code": code})
