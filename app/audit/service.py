"""Recording and reading the audit log."""
from sqlalchemy import select

from ..db import transaction, utcnow
from ..extensions import db
from .masking import masked
from .models import AuditEvent


def snapshot(obj, fields) -> dict:
    """The named attributes of a model row, for `before`/`after` (masked when recorded)."""
    return {name: getattr(obj, name) for name in fields}


def record(*, actor, action, target_type=None, target_id=None, before=None, after=None, note=None, ip=None,
           now=None) -> AuditEvent:
    """Append an audit event in the current unit of work (so it commits or rolls back with the change).

    `actor` is the StaffUser acting, or None with `note` naming who tried (a failed sign-in).
    Only the fields that changed are kept from before/after, masked.
    """
    before, after = _changed(before, after)
    with transaction():
        event = AuditEvent(actor_id=actor.id if actor else None, actor_name=actor.username if actor else "-",
                           action=action, target_type=target_type,
                           target_id=str(target_id) if target_id is not None else None,
                           before=masked(before), after=masked(after), note=(note or None) and note[:200],
                           ip=ip, created_at=now or utcnow())
        db.session.add(event)
    return event


def _changed(before, after):
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def events_query():
    return select(AuditEvent)
