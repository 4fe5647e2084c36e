"""ISO weeks ('2026-W47') and the periods built from them (month, quarter, year).

A week belongs to the month, quarter and year of its Thursday, the same rule that gives ISO weeks their year,
so each week falls in exactly one period of each kind."""
import re
from datetime import date, timedelta

from ..observations.service import WEEK_LABEL as _WEEK, iso_week, week_bounds
from ..schema_fields import MAX_DATE, MIN_DATE
from ..timeutil import local_today

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$", re.ASCII)


def _year(text: str) -> int:
    """A year a caller may name: 2000–2099, the range of the dates they may give (schema_fields.Date), so the
    weeks around it (t−3 for the indicators, the next Monday) stay inside Python's calendar."""
    year = int(text)
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise ValueError(text)
    return year


def _monday(label: str) -> date:
    match = _WEEK.match(label or "")
    if not match:
        raise ValueError(label)
    return date.fromisocalendar(int(match[1]), int(match[2]), 1)


def parse_week(label: str) -> date:
    """Monday of an ISO week label of 2000–2099; ValueError when it is not one (2026-W54, 2026-47, 0001-W01...)."""
    return week_bounds(label)[0]


def shift_week(label: str, weeks: int) -> str:
    # Not parse_week: t−3 of 2000-W01 is a 1999 week, which is fine to name here.
    return iso_week(_monday(label) + timedelta(weeks=weeks))


def weeks_between(first: str, last: str) -> list[str]:
    """Every ISO week from first to last, both included (empty when last comes before first)."""
    start, end = parse_week(first), parse_week(last)
    return [iso_week(start + timedelta(weeks=n)) for n in range((end - start).days // 7 + 1)]


def previous_week(now=None) -> str:
    """The last complete week in Asia/Shanghai: the one the Monday job computes."""
    return iso_week(local_today(now) - timedelta(days=7))


def weeks_of_period(period: str) -> list[str]:
    """ISO weeks of a period written `2026` (year), `2026-Q4` (quarter) or `2026-11` (month)."""
    match = _PERIOD.match(period or "")
    if not match or (match[2] and not 1 <= int(match[2]) <= 12):
        raise ValueError(period)
    year = _year(match[1])
    if match[2]:
        months = {int(match[2])}
    elif match[3]:
        first = 3 * int(match[3]) - 2
        months = {first, first + 1, first + 2}
    else:
        months = set(range(1, 13))
    weeks, monday = [], date.fromisocalendar(year, 1, 1) - timedelta(weeks=1)
    while monday <= date(year, 12, 31):
        thursday = monday + timedelta(days=3)
        if thursday.year == year and thursday.month in months:
            weeks.append(iso_week(monday))
        monday += timedelta(weeks=1)
    return weeks
