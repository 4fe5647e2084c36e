"""Fraud limits on scanning that are not the daily cap: invalid codes per member and per IP.

Counted in Flask-Limiter's storage (Redis when REDIS_URL is set, so the limit holds across workers and
hosts; memory:// otherwise). A member or an address that sent too many codes that are not real is
refused every scan, good or bad, until its window passes: guessing stops paying at once.
"""
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse

from ..errors import ApiError
from ..extensions import limiter


class TooManyInvalid(ApiError):
    status, code = 429, "TOO_MANY_INVALID"
    message = _l("Too many invalid codes; scanning is paused for a while.")


def _budgets(member_id, client_ip):
    """(limit, kind, key) for the member and, when known, the address."""
    config = current_app.config
    budgets = [(parse(config["SCAN_INVALID_LIMIT"]), "member", str(member_id))]
    if client_ip:
        budgets.append((parse(config["SCAN_INVALID_LIMIT_PER_IP"]), "ip", client_ip))
    return budgets


def check(member_id, client_ip):
    """Raise TooManyInvalid if this member or this address is over its invalid-code budget."""
    if not limiter.enabled:
        return
    strategy = limiter.limiter
    for item, kind, key in _budgets(member_id, client_ip):
        if not strategy.test(item, "scan-invalid", kind, key):
            reset_at, _remaining = strategy.get_window_stats(item, "scan-invalid", kind, key)
            retry = max(1, int(reset_at - time.time()) + 1)
            raise TooManyInvalid(headers={"Retry-After": str(retry)})


def record_invalid(member_id, client_ip):
    if not limiter.enabled:
        return
    strategy = limiter.limiter
    for item, kind, key in _budgets(member_id, client_ip):
        strategy.hit(item, "scan-invalid", kind, key)
