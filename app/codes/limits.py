"""Fraud limits on scanning that are not the daily cap: invalid codes per member and per IP.

Counted in Flask-Limiter's storage (Redis when REDIS_URL is set, so the limit holds across workers and
hosts; memory:// otherwise). A member or an address that sent too many codes that are not real is
refused every scan, good or bad, until its window passes: guessing stops paying at once.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import ApiError
from .. import throttle


class TooManyInvalid(ApiError):
    status, code = 429, "TOO_MANY_INVALID"
    message = _l("Too many invalid codes; scanning is paused for a while.")


def _budgets(member_id, client_ip):
    """(limit, kind, key) for the member and, when known, the address."""
    config = current_app.config
    budgets = [(config["SCAN_INVALID_LIMIT"], "member", str(member_id))]
    if client_ip:
        budgets.append((config["SCAN_INVALID_LIMIT_PER_IP"], "ip", client_ip))
    return budgets


def check(member_id, client_ip):
    """Raise TooManyInvalid if this member or this address is over its invalid-code budget."""
    for limit_value, kind, key in _budgets(member_id, client_ip):
        throttle.refuse_if_spent(limit_value, "scan-invalid", kind, key, error=TooManyInvalid)


def record_invalid(member_id, client_ip):
    for limit_value, kind, key in _budgets(member_id, client_ip):
        throttle.count(limit_value, "scan-invalid", kind, key)
