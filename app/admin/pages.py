"""What every console page shares: template filters (times in Asia/Shanghai), the layout's context,
and errors shown as HTML pages instead of the API's JSON envelope."""
from flask import current_app, g, render_template, request
from flask_babel import format_date, format_datetime, get_locale, gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..i18n import catalog_name
from ..errors import ApiError, handle_api_error, handle_http_exception
from ..members.models import mask_phone
from .listing import list_url
from .nav import nav_items


def localtime(value, fmt="yyyy-MM-dd HH:mm"):
    return format_datetime(value, fmt) if value else ""


def localdate(value):
    return format_date(value, "yyyy-MM-dd") if value else ""


def current_language():
    """The configured language in use ("zh_CN" or "en")."""
    code = catalog_name(get_locale())
    return code if code in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def _console_context():
    if not request.path.startswith("/admin"):
        return {}
    return {"staff": g.get("staff"), "nav_items": nav_items, "locale": current_language(),
            "languages": current_app.config["LANGUAGES"]}


def _in_console():
    return request.path == "/admin" or request.path.startswith("/admin/")


def _error_page(status, title, message):
    return render_template("admin/error.html", status=status, title=title, message=message), status


def html_http_error(error):
    if not _in_console():
        return handle_http_exception(error)
    if isinstance(error, CSRFError):
        return _error_page(400, _("Form expired"), _("The form was missing its security token or it has "
                                                     "expired. Go back, reload the page and try again."))
    if isinstance(error, RateLimitExceeded):
        return _error_page(429, _("Too many attempts"), _("Too many attempts; wait a few minutes and try again."))
    status = error.code or 500
    if status >= 500:
        return handle_http_exception(error)
    titles = {403: _("Not allowed"), 404: _("Page not found"), 405: _("Not allowed")}
    return _error_page(status, titles.get(status, error.name), error.description if status not in titles else "")


def html_api_error(error: ApiError):
    if not _in_console():
        return handle_api_error(error)
    return _error_page(error.status, _("Not allowed") if error.status == 403 else _("Something is wrong"),
                       str(error.message))


# Console pages load nothing from elsewhere and are never framed; they hold personal data, so no caching.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _secure_headers(response):
    if _in_console():
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
    return response


def init_app(app):
    app.after_request(_secure_headers)
    app.add_template_filter(localtime)
    app.add_template_filter(localdate)
    app.add_template_filter(mask_phone)
    app.add_template_global(list_url)
    app.context_processor(_console_context)
    # Registered after app/errors.py: these replace its handlers and hand everything outside /admin back.
    app.register_error_handler(HTTPException, html_http_error)
    app.register_error_handler(ApiError, html_api_error)
