"""Things that happen when points are earned, decoupled from the code that credits them.

The scan credit calls `scan_credited(...)` inside its own transaction; subscribers (level upgrade,
validity extension, referral bonus) do their writes in that same transaction, so a failure in any of
them undoes the credit too. Subscribers register at import time of their feature package.
"""
_scan_subscribers = []


def on_scan_credited(func):
    """Decorator: func(member_id, scan, now) runs inside the crediting transaction."""
    _scan_subscribers.append(func)
    return func


def scan_credited(member_id, scan, now):
    for func in _scan_subscribers:
        func(member_id, scan, now)
