"""The console's navigation: every page of the issue, in order. An entry whose page is not served yet
(its feature's console views are not merged) shows disabled, never as a placeholder page."""
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    path: str
    label: object
    group: object


NAV = [
    NavEntry("admin.dashboard", "/admin/", _l("Dashboard"), _l("Overview")),
    NavEntry("admin.members", "/admin/members", _l("Members"), _l("Member service")),
    NavEntry("admin.complaints", "/admin/complaints", _l("Complaints"), _l("Member service")),
    NavEntry("admin.gifts", "/admin/gifts", _l("Gifts"), _l("Points mall")),
    NavEntry("admin.redemptions", "/admin/redemptions", _l("Redemptions"), _l("Points mall")),
    NavEntry("admin.products", "/admin/products", _l("Products"), _l("Codes")),
    NavEntry("admin.code_batches", "/admin/code-batches", _l("Code batches"), _l("Codes")),
    NavEntry("admin.rules", "/admin/rules", _l("Earning rules"), _l("Codes")),
    NavEntry("admin.retailers", "/admin/retailers", _l("Retailers"), _l("Field")),
    NavEntry("admin.visits", "/admin/visits", _l("Visit plans"), _l("Field")),
    NavEntry("admin.promo_items", "/admin/promo-items", _l("Promo items"), _l("Field")),
    NavEntry("admin.activities", "/admin/activities", _l("Activities"), _l("Field")),
    NavEntry("admin.stats", "/admin/stats", _l("Statistics reports"), _l("Statistics")),
    NavEntry("admin.staff", "/admin/staff", _l("Staff accounts"), _l("System")),
    NavEntry("admin.audit", "/admin/audit", _l("Audit log"), _l("System")),
    NavEntry("admin.tasks_list", "/admin/tasks", _l("My background tasks"), _l("System")),
]


def nav_items():
    """(entry, url or None, active) for the layout; url None while the page is not served."""
    from flask import request

    served = current_app.view_functions
    items = []
    for entry in NAV:
        url = url_for(entry.endpoint) if entry.endpoint in served else None
        active = request.endpoint == entry.endpoint or (
            request.endpoint or "").startswith(entry.endpoint + "_")
        items.append((entry, url, active))
    return items
