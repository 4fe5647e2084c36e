"""Rate limits a route decorator cannot key: on the signed-in caller (known only after authentication) or on
an outcome (failed guesses). Counted in Flask-Limiter's storage: Redis when REDIS_URL is set, so a limit holds
across workers and hosts; memory:// otherwise."""
import time

from flask_babel import lazy_gettext as _l
from limits import parse

from .errors import ApiError
from .extensions import limiter


class RateLimited(ApiError):
    status, code, message = 429, "RATE_LIMITED", _l("Too many requests; try again later.")


def _refuse(error, item, identifiers):
    reset_at, _remaining = limiter.limiter.get_window_stats(item, *identifiers)
    raise error(headers={"Retry-After": str(max(1, int(reset_at - time.time()) + 1))})


def take(limit_value, *identifiers, error=RateLimited):
    """Count one use against `limit_value` ("5 per day") for these identifiers; raise `error` (with Retry-After)
    when the budget is spent. Counting and testing are one atomic step in the storage."""
    if not limiter.enabled:
        return
    item = parse(limit_value)
    if not limiter.limiter.hit(item, *identifiers):
        _refuse(error, item, identifiers)


def refuse_if_spent(limit_value, *identifiers, error=RateLimited):
    """Raise `error` if the budget is already spent, counting nothing (pair with `count` on failure)."""
    if not limiter.enabled:
        return
    item = parse(limit_value)
    if not limiter.limiter.test(item, *identifiers):
        _refuse(error, item, identifiers)


def count(limit_value, *identifiers):
    if limiter.enabled:
        limiter.limiter.hit(parse(limit_value), *identifiers)
