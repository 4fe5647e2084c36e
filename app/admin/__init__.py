"""The admin console (管理端): server-rendered pages under /admin that call the same services as the API.

Adding a feature's pages (gifts, code batches, retailers, ...):
- a module `app/admin/<feature>.py` with views on `bp` (`@bp.get("/gifts")` def `gifts` → endpoint
  `admin.gifts`), imported in init_app, and its entry in nav.py;
  templates in templates/admin/<feature>/ extending admin/base.html;
- lists: a `ListSpec` registered in listing.py gives filters, sort, pages, ?export=csv|xlsx and the
  background export; actions: `perform(...)`/`audited(...)` from actions.py (service call + audit record,
  one unit of work); forms are FlaskForms (CSRF), and the guard checks CSRF on every unsafe method anyway;
- long work (a large code batch, a retailer import): a task kind in the feature's own tasks.py (registered
  with app/tasks/service.py, listed in features.TASK_KINDS), `submit(...)`, and a redirect to
  `admin.tasks_detail`, whose page polls the progress; the worker process (`flask worker`) runs it.
Access is decided by path in guard.py (every /admin path needs a console session; writes need an admin).
"""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app):
    from . import (guard, pages, signin, dashboard, market_alerts, members, staff, audit,  # noqa: F401
                   tasks, products, rules, batches)  # (views on bp)
    from . import gifts, redemptions, complaints, appeals  # noqa: F401  (the points mall and member service)
    from . import retailers, visits, promo, requisitions, activities  # noqa: F401  (field marketing)
    from . import stats_market, stats_members, stats_points  # noqa: F401  (statistics, 统计分析)

    guard.init_app(app)
    pages.init_app(app)
    app.register_blueprint(bp)
