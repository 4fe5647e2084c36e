"""Who is acting, and through which door: the actor an audit record names.

Services never take the actor as an argument: each door says who acts once, and every use case it calls
records under that name.

- API requests: the bearer token's caller (`g.caller`), source `api`.
- Console requests: the signed-in staff user (`g.staff`), source `console`.
- CLI commands, jobs and background tasks: `with acting_as(Actor.system("job"))`, or the staff user who
  started a task, replayed by the worker with the source of the door that started it.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass

from flask import g, has_request_context, request

SOURCES = ("api", "console", "cli", "job")
ACTOR_KINDS = ("staff", "member", "system", "anonymous")


@dataclass(frozen=True)
class Actor:
    kind: str  # staff, member, system (CLI, jobs), anonymous (a failed sign-in, a sign-up)
    id: int | None
    name: str
    source: str
    ip: str | None = None

    @classmethod
    def system(cls, source: str, name: str | None = None) -> "Actor":
        return cls("system", None, name or source, source)

    @classmethod
    def staff(cls, user, source: str, ip=None) -> "Actor":
        return cls("staff", user.id, user.username, source, ip)

    def as_dict(self) -> dict:
        """JSON-safe, so a queued task can carry its starter to the worker."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Actor":
        return cls(**{k: data.get(k) for k in ("kind", "id", "name", "source", "ip")})


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(actor: Actor):
    """Every audit record written inside names `actor` (CLI commands, jobs, tasks, tests)."""
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    """The actor set by `acting_as`, else the one of the current request, else the CLI."""
    actor = _actor.get()
    if actor is not None:
        return actor
    if has_request_context():
        return _request_actor()
    return Actor.system("cli")


def _request_actor() -> Actor:
    ip = request.remote_addr
    if request.path == "/admin" or request.path.startswith("/admin/"):
        staff = g.get("staff")
        if staff is not None:
            return Actor.staff(staff, "console", ip)
        return Actor("anonymous", None, "-", "console", ip)
    caller = g.get("caller")
    if caller is None:
        return Actor("anonymous", None, "-", "api", ip)
    if caller.kind == "member":
        return Actor("member", caller.id, f"member:{caller.id}", "api", ip)
    name = g.get("caller_name")
    if name is None:
        from ..auth.models import StaffUser
        from ..extensions import db

        staff = db.session.get(StaffUser, caller.id)
        name = g.caller_name = staff.username if staff else f"staff:{caller.id}"
    return Actor("staff", caller.id, name, "api", ip)
