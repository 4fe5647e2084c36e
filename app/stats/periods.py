"""Bucketing local dates into days, ISO weeks or months for the time series of the statistics."""
from datetime import date, timedelta

from ..observations.service import iso_week

GRANULARITIES = ("day", "week", "month")


def bucket(day: date, granularity: str) -> str:
    if granularity == "day":
        return day.isoformat()
    if granularity == "week":
        return iso_week(day)
    return f"{day.year}-{day.month:02d}"


def buckets(start: date, end: date, granularity: str) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of every bucket that meets [start, end], clipped to it, in order."""
    out, day = [], start
    while day <= end:
        if granularity == "day":
            last = day
        elif granularity == "week":
            last = day + timedelta(days=6 - day.weekday())
        else:
            last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        last = min(last, end)
        out.append((bucket(day, granularity), day, last))
        day = last + timedelta(days=1)
    return out
