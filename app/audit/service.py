"""Recording and reading the audit log.

A use case records its own change, inside its own transaction, whoever called it:

    with transaction():
        gift = get_gift(gift_id)
        with audit.change("gift.update", gift, AUDIT_FIELDS):
            for name, value in changes.items():
                setattr(gift, name, value)

The actor and the door (api, console, cli, job) come from `app.audit.context`, never from arguments.
"""
from contextlib import contextmanager

from ..db import transaction, utcnow
from ..extensions import db
from .context import Actor, current_actor
from .masking import masked
from .models import AuditEvent


def snapshot(obj, fields) -> dict:
    """The named attributes of a model row, for `before`/`after` (masked when recorded)."""
    return {name: getattr(obj, name) for name in fields}


def record(action, *, target_type=None, target_id=None, before=None, after=None, note=None, actor=None,
           now=None) -> AuditEvent:
    """Append an audit event in the current unit of work (so it commits or rolls back with the change).

    `actor` defaults to the current one (`context.current_actor()`); pass an Actor only where the door
    cannot know it yet (a failed sign-in names who tried in `note`). Only the fields that changed are
    kept from before/after, masked.
    """
    actor = _as_actor(actor)
    before, after = _changed(before, after)
    with transaction():
        event = AuditEvent(actor_kind=actor.kind,
                           actor_id=actor.id if actor.kind == "staff" else None,
                           actor_member_id=actor.id if actor.kind == "member" else None,
                           actor_name=(actor.name or "-")[:64], source=actor.source, action=action,
                           target_type=target_type, target_id=str(target_id) if target_id is not None else None,
                           before=masked(before), after=masked(after), note=(note or None) and note[:200],
                           ip=actor.ip, created_at=now or utcnow())
        db.session.add(event)
    return event


class Change:
    """What `change()` yields: set `note` (or `target_id` for a new row) before the block ends."""

    def __init__(self, note=None, target_id=None):
        self.note, self.target_id = note, target_id


@contextmanager
def change(action, obj, fields=(), *, target_type=None, note=None, target_id=None):
    """Record `action` on `obj` with the named fields before and after the block (one audit event).

    `obj` may be None for a row the block creates: set `change.target_id` (or leave it None).
    """
    before = snapshot(obj, fields) if obj is not None and fields else None
    state = Change(note, target_id if target_id is not None else getattr(obj, "id", None))
    yield state
    if obj is not None:
        db.session.flush()
    after = snapshot(obj, fields) if obj is not None and fields else None
    record(action, target_type=target_type or _target_type(obj), target_id=state.target_id, before=before,
           after=after, note=state.note)


def _target_type(obj):
    return getattr(obj, "__audit_type__", None) or (obj.__tablename__.rstrip("s") if obj is not None else None)


def _as_actor(actor) -> Actor:
    if actor is None:
        return current_actor()
    if isinstance(actor, Actor):
        return actor
    # A StaffUser given directly (older callers): it acts through the current door.
    door = current_actor()
    return Actor("staff", actor.id, actor.username, door.source, door.ip)


def _changed(before, after):
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
