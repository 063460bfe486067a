"""The dashboard's filter (GET): a region the user may see, and a period or a preset."""

import datetime
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from organisations.models import Region

from .figures import Period, Scope

EARLIEST = datetime.date(2000, 1, 1)
LONGEST = datetime.timedelta(days=366 * 10)


class Preset:
    LAST_TWELVE_MONTHS = "12-maanden"
    SCHOOL_YEAR = "schooljaar"
    LAST_SCHOOL_YEAR = "vorig-schooljaar"
    CALENDAR_YEAR = "kalenderjaar"

    CHOICES = (
        (LAST_TWELVE_MONTHS, _("Laatste 12 maanden")),
        (SCHOOL_YEAR, _("Dit schooljaar")),
        (LAST_SCHOOL_YEAR, _("Vorig schooljaar")),
        (CALENDAR_YEAR, _("Dit kalenderjaar")),
    )

    @classmethod
    def period(cls, preset: str, today: datetime.date) -> Period:
        if preset == cls.SCHOOL_YEAR:
            return Period.school_year(today)
        if preset == cls.LAST_SCHOOL_YEAR:
            return Period.school_year(today, years_back=1)
        if preset == cls.CALENDAR_YEAR:
            return Period.calendar_year(today)
        return Period.last_twelve_months(today)


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ImpactFilter(forms.Form):
    """Without dates or a preset: the last twelve months, in every region the user may see."""

    regio = forms.ModelChoiceField(
        label=_("Regio"),
        queryset=Region.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Kies een van uw regio's uit de lijst.")},
    )
    periode = forms.ChoiceField(
        label=_("Periode"),
        choices=(("", _("Zelf kiezen (van – tot en met)")), *Preset.CHOICES),
        required=False,
        error_messages={"invalid_choice": _("Kies een van de periodes uit de lijst.")},
    )
    van = forms.DateField(
        label=_("Van"),
        required=False,
        widget=_date_input(),
        error_messages={"invalid": _("Vul een geldige datum in, zoals 2025-08-01.")},
    )
    tot = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=_date_input(),
        error_messages={"invalid": _("Vul een geldige datum in, zoals 2026-07-31.")},
    )

    def __init__(
        self, data, *, regions: QuerySet[Region] | None, today: datetime.date, **kwargs
    ) -> None:
        super().__init__(data, **kwargs)
        self.visible_regions = regions
        self.today = today
        field = cast(forms.ModelChoiceField, self.fields["regio"])
        field.queryset = (Region.objects.all() if regions is None else regions).order_by("name")
        field.empty_label = str(_("Alle regio's") if regions is None else _("Al mijn regio's"))

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        if self.errors:
            return cleaned
        start, end, preset = cleaned.get("van"), cleaned.get("tot"), cleaned.get("periode")
        if preset or (start is None and end is None):
            period = Preset.period(preset or Preset.LAST_TWELVE_MONTHS, self.today)
        elif start is None or end is None:
            missing = "van" if start is None else "tot"
            self.add_error(missing, _("Vul beide datums in, of kies een periode."))
            return cleaned
        else:
            period = Period(start, end)
        self._check(period)
        cleaned["period"] = period
        return cleaned

    def _check(self, period: Period) -> None:
        if period.start > period.end:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        elif period.end - period.start > LONGEST:
            self.add_error("tot", _("Kies een periode van hoogstens tien jaar."))
        elif period.start < EARLIEST or period.end.year > self.today.year + 1:
            self.add_error(
                "van",
                _("Kies een periode tussen 2000 en eind volgend jaar."),
            )

    def scope(self) -> Scope:
        """The period and regions to show; only for a valid form."""
        region = self.cleaned_data["regio"]
        regions = [region] if region else self.visible_regions
        return Scope.of(self.cleaned_data["period"], regions)

    def query(self, **changes) -> str:
        """The query string of this (valid) filter with a fixed period, for links and CSVs."""
        region = self.cleaned_data["regio"]
        period: Period = self.cleaned_data["period"]
        params = {
            "regio": region.pk if region else "",
            "van": period.start.isoformat(),
            "tot": period.end.isoformat(),
            **changes,
        }
        return urlencode({key: value for key, value in params.items() if value != ""})

    def preset_links(self) -> list[tuple[str, str]]:
        """(label, query string) of each preset, keeping the chosen region."""
        region = self.cleaned_data.get("regio") if self.is_valid() else None
        links = []
        for value, label in Preset.CHOICES:
            params = {"periode": value, **({"regio": region.pk} if region else {})}
            links.append((str(label), urlencode(params)))
        return links
