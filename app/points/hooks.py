"""Things that happen when points are earned, decoupled from the code that credits them.

Two kinds of subscribers, both run inside the crediting transaction, so a failure in any of them undoes
the credit too. Subscribers register at import time of their feature package.
- `on_credit`: every positive ledger entry, whatever credited it (scan, referral bonus, complaint reward,
  refund, …), called by post_entry itself, so no crediting path can forget it (the level recalculation).
- `on_scan_credited`: a credited scan (validity extension, referral bonus), called by the scan credit.
"""
_credit_subscribers = []
_scan_subscribers = []


def on_credit(func):
    """Decorator: func(entry, now) runs inside the transaction of every positive ledger entry, after it
    is written; it decides by `entry.kind` whether the credit concerns it."""
    _credit_subscribers.append(func)
    return func


def credited(entry, now):
    for func in _credit_subscribers:
        func(entry, now)


def on_scan_credited(func):
    """Decorator: func(member_id, scan, now) runs inside the crediting transaction."""
    _scan_subscribers.append(func)
    return func


def scan_credited(member_id, scan, now):
    for func in _scan_subscribers:
        func(member_id, scan, now)
