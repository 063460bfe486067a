"""Working days in the Netherlands: Monday to Friday, without the national public holidays."""

from datetime import date, datetime, timedelta
from functools import cache

import holidays


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def subtract_working_days(moment: datetime, days: int) -> datetime:
    """The moment `days` working days before `moment`, at the same time of day.

    A sign-up routed before the result has waited at least `days` full working days.
    """
    result = moment
    remaining = days
    while remaining > 0:
        result -= timedelta(days=1)
        if is_working_day(result.date()):
            remaining -= 1
    return result
