"""The second factor for /beheer/: an authenticator app (TOTP) and ten one-time backup codes.

Staff log in with their password and then, in the same session, with a code (views in
techportal/otp_views.py, wired into the admin by techportal/admin_site.py). django-otp keeps
the devices and throttles wrong codes: after n wrong codes in a row the next try must wait
2^(n-1) seconds.
"""

import math
import re
from base64 import b32encode

import segno
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator-app"
BACKUP_DEVICE_NAME = "Reservecodes"
TOTP_CODE = re.compile(r"\d{6}")


class SecondFactorRefused(Exception):
    """A code was not accepted; the message (Dutch) says why."""


def second_factor_pending(user) -> bool:
    """Whether `user` is staff that passed the password but not yet the second factor."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's OTPMiddleware
    return not (is_verified and is_verified())


def second_factor_enrolled(user: AbstractBaseUser) -> bool:
    return any(
        model.objects.devices_for_user(user, confirmed=True).exists()
        for model in (TOTPDevice, StaticDevice)
    )


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def second_factor_check(*, user: AbstractBaseUser, code: str) -> Device:
    """The confirmed device of `user` that accepts `code`, which it then will not take again.

    Six digits are a code from the app; anything else is tried as a backup code (so a
    mistyped backup code never counts against the app, and the other way round).
    """
    code = _normalise(code)
    model = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    refusal = gettext(
        "Deze code klopt niet. Controleer of de tijd op je telefoon goed staat en probeer het "
        "opnieuw, of gebruik een van je reservecodes."
    )
    # Commit a failure's throttling count before saying no: raising inside would undo it.
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, details = device.verify_is_allowed()
            if not allowed:
                refusal = _throttled(details)
                break
            if device.verify_token(code):
                return device
    raise SecondFactorRefused(refusal)


def _throttled(details: dict | None) -> str:
    locked_until = (details or {}).get("locked_until")
    seconds = (
        max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    )
    return gettext(
        "Te veel onjuiste codes achter elkaar. Wacht %(seconds)s seconden en probeer het dan "
        "opnieuw."
    ) % {"seconds": seconds}


# --- enrolment ----------------------------------------------------------------------------------


def totp_device_pending(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator app `user` is setting up (unconfirmed), created on the first visit.

    The same one on every visit, so a QR code scanned before a reload stays valid.
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: an inline <svg>, without style attributes."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", svgclass="otp-qr", title=gettext("QR-code")
    )


def second_factor_enrol(*, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app being set up with a code it shows; returns fresh backup codes.

    Raises SecondFactorRefused when the code is wrong (or throttled).
    """
    code = _normalise(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        accepted = allowed and TOTP_CODE.fullmatch(code) and device.verify_token(code)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return backup_codes_replace(user=device.user)
    if not allowed:
        raise SecondFactorRefused(_throttled(details))
    raise SecondFactorRefused(
        gettext(
            "Deze code klopt niet. Typ de 6 cijfers die de app nu toont; staat de tijd op je "
            "telefoon goed?"
        )
    )


@transaction.atomic
def backup_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    """Ten new one-time backup codes for `user`; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


# --- forms --------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, check, **kwargs):
        """`check(code)` returns what the code unlocks, or raises SecondFactorRefused."""
        super().__init__(*args, **kwargs)
        self._check = check
        self.result = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        try:
            self.result = self._check(code)
        except SecondFactorRefused as refused:
            raise forms.ValidationError(str(refused), code="refused") from None
        return code
