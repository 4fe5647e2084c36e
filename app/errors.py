"""One error envelope for every 4xx and 5xx (API.md):

    {"error": {"code": "...", "message": "...", "fields": {...}, <named details>}}
"""
import logging

from flask import g, jsonify, request
from flask_babel import gettext, lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from marshmallow import INCLUDE, Schema, fields
from werkzeug.exceptions import HTTPException

from .extensions import db
from .schema_fields import LineErrorSchema

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A business or request error with a stable code. Subclass per code or raise directly."""

    status = 400
    code = "BAD_REQUEST"
    message = _l("The request could not be processed.")

    def __init__(self, message=None, *, code=None, status=None, fields=None, headers=None, **details):
        super().__init__(code or self.code)
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = fields
        self.headers = headers or {}
        self.details = details

    def payload(self):
        body = {"code": self.code, "message": str(self.message)}
        if self.fields is not None:
            body["fields"] = {k: [str(m) for m in v] for k, v in self.fields.items()}
        body.update(self.details)
        return {"error": body}


class NotFound(ApiError):
    status, code, message = 404, "NOT_FOUND", _l("Not found.")


class Conflict(ApiError):
    status, code, message = 409, "CONFLICT", _l("The request conflicts with the current state.")


class Forbidden(ApiError):
    status, code, message = 403, "FORBIDDEN", _l("You are not allowed to do this.")


class Unauthenticated(ApiError):
    status, code, message = 401, "UNAUTHENTICATED", _l("Sign in first: the token is missing, expired or revoked.")


class ValidationFailed(ApiError):
    """422 with per-field messages, the shape marshmallow errors are turned into."""

    status, code, message = 422, "VALIDATION_ERROR", _l("Some fields are invalid.")

    def __init__(self, fields, message=None, code=None, **details):
        super().__init__(message, code=code, fields=fields, **details)


class ErrorBodySchema(Schema):
    class Meta:
        unknown = INCLUDE  # named details (`by_you`, `distance_m`, ...) sit beside code and message

    code = fields.String(required=True, metadata={"example": "VALIDATION_ERROR"})
    message = fields.String(required=True)
    # Named details, each on the codes that carry it (so a generated client has them typed):
    by_you = fields.Boolean(metadata={"description": "CODE_ALREADY_USED: the caller scanned it before"})
    reason = fields.String(metadata={"enum": ["voided", "not_yet_valid", "expired"],
                                     "description": "CODE_NOT_ACTIVE: why the code earns nothing now"})
    distance_m = fields.Integer(metadata={"description": "TOO_FAR: metres from the store"})
    radius_m = fields.Integer(metadata={"description": "TOO_FAR: the check-in radius"})
    visit_id = fields.Integer(metadata={"description": "VISIT_OPEN: the visit to check out of first"})
    imported = fields.Integer(metadata={"description": "Imports: rows that went in"})
    errors = fields.List(fields.Nested(LineErrorSchema), metadata={"description": "Imports: refused lines"})
    duplicates = fields.List(fields.Nested(LineErrorSchema),
                             metadata={"description": "NOTHING_IMPORTED: codes already known"})
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "422: every bad field, each with its messages"})


class ErrorSchema(Schema):
    """The error envelope; named details (`by_you`, `distance_m`) may appear inside `error`."""

    error = fields.Nested(ErrorBodySchema, required=True)


_HTTP_CODES = {
    400: ("BAD_REQUEST", _l("The request is malformed.")),
    401: ("UNAUTHENTICATED", _l("Sign in first: the token is missing, expired or revoked.")),
    403: ("FORBIDDEN", _l("You are not allowed to do this.")),
    404: ("NOT_FOUND", _l("Not found.")),
    405: ("METHOD_NOT_ALLOWED", _l("This method is not allowed here.")),
    409: ("CONFLICT", _l("The request conflicts with the current state.")),
    413: ("PAYLOAD_TOO_LARGE", _l("The request body is too large.")),
    415: ("UNSUPPORTED_MEDIA_TYPE", _l("This content type is not supported here.")),
    422: ("VALIDATION_ERROR", _l("Some fields are invalid.")),
    429: ("RATE_LIMITED", _l("Too many requests; try again later.")),
}


def _flatten_messages(messages):
    """webargs gives {"json": {"phone": [...]}}; the envelope wants {"phone": [...]}."""
    flat = {}
    for location, errors in (messages or {}).items():
        if isinstance(errors, dict):
            for name, msgs in errors.items():
                flat[name] = _as_list(msgs)
        else:
            flat[location if location not in ("json", "form", "query") else "_body"] = _as_list(errors)
    return flat


def _as_list(msgs):
    from .validation_messages import translate

    if isinstance(msgs, dict):  # nested schema errors
        return [f"{k}: {'; '.join(_as_list(v))}" for k, v in msgs.items()]
    if isinstance(msgs, (list, tuple)):
        out = []
        for m in msgs:
            out.extend(_as_list(m) if isinstance(m, (dict, list, tuple)) else [translate(str(m))])
        return out
    return [translate(str(msgs))]


def envelope(status, code, message, fields=None, headers=None, **details):
    body = {"code": code, "message": str(message)}
    if fields is not None:
        body["fields"] = fields
    body.update(details)
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_api_error(error: ApiError):
    response = jsonify(error.payload())
    response.status_code = error.status
    response.headers.update(error.headers)
    if error.status == 401:
        response.headers.setdefault("WWW-Authenticate", "Bearer")
    return response


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if status >= 500:
        return handle_unexpected(error)
    code, message = _HTTP_CODES.get(status, ("HTTP_ERROR", error.description or error.name))
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 422:
        return envelope(422, code, message, fields=_flatten_messages(data.get("messages")), headers=headers)
    if status == 400 and data.get("messages"):
        message = gettext("The request body is not valid JSON.")
        code = "MALFORMED_JSON"
    if isinstance(error, RateLimitExceeded):
        headers.setdefault("Retry-After", str(_retry_after_seconds(error)))
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return envelope(status, code, message, headers=headers)


def _retry_after_seconds(error):
    # The window length is an upper bound; Flask-Limiter's header injection narrows it to the reset time.
    return int(error.limit.limit.get_expiry())


def handle_unexpected(error):
    db.session.rollback()
    log.exception("unhandled error (request id %s) on %s %s", g.get("request_id"), request.method, request.path)
    return envelope(500, "INTERNAL_ERROR", gettext("Something went wrong on our side (request %(id)s).",
                                                   id=g.get("request_id", "-")))


def init_app(app):
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
