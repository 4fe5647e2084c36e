"""The admin console (管理端): server-rendered pages under /admin that call the same services as the API.

Pages live in one module per feature (members.py, staff.py, ...) on the `admin` blueprint; templates in
templates/admin/<feature>/. app/admin/guard.py protects every /admin path.
"""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app):
    from . import guard, pages, signin, dashboard, members, staff, audit, tasks  # noqa: F401  (views on bp)

    guard.init_app(app)
    pages.init_app(app)
    app.register_blueprint(bp)
