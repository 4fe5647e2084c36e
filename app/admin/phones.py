"""Phone numbers in the console are masked everywhere (138****8000), as in the API. An admin who must call
someone asks for the full number with a POST from the detail page: it is shown in that one answer (console pages
are never cached, see pages.py) and the audit log keeps who saw whose number. The guard refuses the POST to
read-only managers."""
from flask import render_template

from .actions import record_action


def show_phone(action, *, target, phone, whose, back):
    """The page with the full `phone` of `whose`, after recording `action` on `target` (the admin is the actor)."""
    target_type, target_id = target
    record_action(action, target_type=target_type, target_id=target_id)  # its own committed unit of work
    return render_template("admin/phone_shown.html", phone=phone, whose=whose, back=back)
