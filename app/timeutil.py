"""Business time: stored in UTC, reckoned and shown in Asia/Shanghai."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .db import utcnow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_now(now: datetime | None = None) -> datetime:
    return (now or utcnow()).astimezone(LOCAL_TZ)


def local_today(now: datetime | None = None) -> date:
    return local_now(now).date()
