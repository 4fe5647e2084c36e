"""Console actions: one service call and its audit record in one unit of work, then a message.

    return perform("member.lock", target=("member", member_id), load=lambda: get_member(member_id),
                   fields=MEMBER_AUDIT_FIELDS, call=lambda: service.lock_member(member_id, reason),
                   note=reason, done=_l("Member locked."), back=url)

A business error from the service (an ApiError) rolls everything back and is shown to the admin.
"""
from flask import flash, redirect

from ..audit import service as audit
from ..db import transaction
from ..errors import ApiError


def record_action(action, *, target_type=None, target_id=None, before=None, after=None, note=None):
    """Record an action of the signed-in admin (in the current unit of work, if any)."""
    return audit.record(action, target_type=target_type, target_id=target_id, before=before, after=after,
                        note=note)


def audited(action, *, target, call, load=None, fields=(), note=None):
    """Run `call()` and record it, before/after snapshots of `load()` included, atomically."""
    target_type, target_id = target
    with transaction():
        before = audit.snapshot(load(), fields) if load else None
        result = call()
        after = audit.snapshot(load(), fields) if load else None
        if target_id is None and result is not None:
            target_id = getattr(result, "id", None)
        record_action(action, target_type=target_type, target_id=target_id, before=before, after=after, note=note)
    return result


def perform(action, *, target, call, back, done, load=None, fields=(), note=None):
    """`audited` for a form post: flash the outcome and redirect to `back`."""
    return answer(lambda: audited(action, target=target, call=call, load=load, fields=fields, note=note),
                  back=back, done=done)


def answer(call, *, back, done):
    """A form post calling a service that records its own audit event: flash the outcome, redirect to `back`."""
    try:
        call()
    except ApiError as error:
        flash_error(error)
    else:
        flash(done, "success")
    return redirect(back)


def flash_error(error: ApiError):
    flash(str(error.message), "error")
    for messages in (error.fields or {}).values():
        for message in messages:
            flash(str(message), "error")
