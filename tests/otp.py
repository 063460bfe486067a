"""Second-factor helpers: a test that logs a staff user in also passes their second factor."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


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
