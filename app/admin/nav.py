"""The console's navigation: every page of the issue, in order, each a link to its page."""
from dataclasses import dataclass

from flask import request, url_for
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
    NavEntry("admin.appeals", "/admin/identity-appeals", _l("Identity appeals"), _l("Member service")),
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
    """(entry, url, active) for the layout."""
    items = []
    for entry in NAV:
        active = request.endpoint == entry.endpoint or (request.endpoint or "").startswith(entry.endpoint + "_")
        items.append((entry, url_for(entry.endpoint), active))
    return items
