"""Request plumbing shared by every API route: request ids, media types and body limits."""
import logging
import re
import uuid

from flask import g, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def accepts(*mimetypes, max_bytes=None):
    """Declare the body media types a view takes (default JSON) and, for uploads, a larger body limit."""

    def decorator(view):
        view._accepts = set(mimetypes)
        if max_bytes is not None:
            view._max_bytes = max_bytes
        return view

    return decorator


def _view():
    from flask import current_app

    return current_app.view_functions.get(request.endpoint) if request.endpoint else None


def _assign_request_id():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _guard_body():
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    view = _view()
    limit = getattr(view, "_max_bytes", None)
    if limit:
        request.max_content_length = limit
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    if request.content_length and request.content_length > (request.max_content_length or float("inf")):
        raise RequestEntityTooLarge()
    if not has_body or not request.path.startswith("/api/"):
        return  # the console (/admin) posts HTML forms; its own guard checks them (app/admin/guard.py)
    allowed = getattr(view, "_accepts", None) or {"application/json"}
    if request.mimetype not in allowed:
        raise UnsupportedMediaType()


def _find_nul(value, path=""):
    """The key path of the first string holding a NUL character, or None."""
    if isinstance(value, str):
        return path or "_body" if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for key, item in items:
        found = ("\x00" in str(key) and (path or "_body")) or _find_nul(item, key if not path else f"{path}.{key}")
        if found:
            return found
    return None


def _refuse_nul():
    """PostgreSQL cannot store NUL in text, and no real input carries one: refuse it up front, in any field of
    the query string, a form or a JSON body, instead of letting the database fail later."""
    if not request.path.startswith("/api/"):
        return
    sources = [request.args.to_dict(flat=False)]
    if request.mimetype == "application/json":
        sources.append(request.get_json(silent=True))
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        sources.append(request.form.to_dict(flat=False))
    for source in sources:
        where = _find_nul(source)
        if where:
            from flask_babel import lazy_gettext as _l

            from .errors import ValidationFailed

            raise ValidationFailed({where.split(".")[0]: [str(_l("Control characters are not allowed."))]})


def _tag_response(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        from flask import has_request_context

        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_body_guard(app):
    """Registered after authentication, so an anonymous caller learns nothing from body checks."""
    app.before_request(_guard_body)
    app.before_request(_refuse_nul)


def init_app(app):
    app.before_request(_assign_request_id)
    app.after_request(_tag_response)
    handler = logging.StreamHandler()
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    app_logger = logging.getLogger("app")
    if not app_logger.handlers:
        app_logger.addHandler(handler)
        app_logger.setLevel(logging.INFO)
