"""Request plumbing shared by every route: request ids, `nosniff`, media types and body limits."""
import json
import logging
import re
import uuid

from flask import g, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def accepts(*mimetypes, max_bytes=None):
    """Declare the body media types a view takes (default JSON) and, for uploads, a larger body limit
    (bytes, or a function of no arguments returning them, read per request)."""

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
    limit = limit() if callable(limit) else limit  # a limit may come from the configuration
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


# NUL (PostgreSQL cannot store it in text) and lone UTF-16 surrogates (JSON's "\ud800" escapes: valid JSON
# syntax, but no Unicode text, so neither the database nor a password hash can take them).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _find_unstorable(value):
    """The key path of the first string (key or value) holding unstorable text, or None.

    Walks with a stack, not recursion: a body nested a thousand levels deep must not exhaust Python's stack."""
    stack = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return path or "_body"
            continue
        if isinstance(item, dict):
            children = item.items()
        elif isinstance(item, list):
            children = ((str(i), v) for i, v in enumerate(item))
        else:
            continue
        for key, child in children:
            if _UNSTORABLE.search(str(key)):
                return path or "_body"
            stack.append((key if not path else f"{path}.{key}", child))
    return None


def _json_body():
    """The parsed JSON body, None when there is none. Parsed once, here, for every API call: a body that is not
    JSON is refused up front, including the ValueErrors the decoder raises outside JSONDecodeError (an integer
    literal past Python's 4 300-digit limit) and the RecursionError of a body nested past the stack, which the
    schemas' own parsing would let through as a 500."""
    data = request.get_data(cache=True)
    if not data.strip():
        return None
    from flask_babel import gettext

    from .errors import ApiError

    try:
        return json.loads(data)
    except RecursionError:
        raise ApiError(gettext("The request body is nested too deeply."), code="MALFORMED_JSON") from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError and the integer-digits limit alike
        raise ApiError(gettext("The request body is not valid JSON."), code="MALFORMED_JSON") from None


def _refuse_unstorable_text():
    """Refuse NUL and lone surrogates up front, in any field of the query string, a form or a JSON body, with a
    422 naming the field, instead of letting the database or a hash fail later with a 500."""
    if not request.path.startswith("/api/"):
        return
    sources = [request.args.to_dict(flat=False)]
    if request.mimetype == "application/json":
        sources.append(_json_body())
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        sources.append(request.form.to_dict(flat=False))
    for source in sources:
        where = _find_unstorable(source)
        if where:
            from flask_babel import gettext

            from .errors import ValidationFailed

            raise ValidationFailed({where.split(".")[0]: [gettext("Control characters are not allowed.")]})


def _tag_response(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    # Every answer (JSON, files, errors): a browser must never guess a type other than the one declared.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        from flask import has_request_context

        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_body_guard(app):
    """Registered after authentication, so an anonymous caller learns nothing from body checks."""
    app.before_request(_guard_body)
    app.before_request(_refuse_unstorable_text)


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
