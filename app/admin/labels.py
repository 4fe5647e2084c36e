"""Display labels for stored codes (statuses, profile choices), translated."""
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

STATUS_LABELS = {"active": _l("Active"), "locked": _l("Locked"), "queued": _l("Queued"), "running": _l("Running"),
                 "done": _l("Done"), "failed": _l("Failed"),
                 "retired": _l("Retired"), "voided": _l("Voided")}
# Task kinds a feature registers (app/tasks/service.py) get their label here.
TASK_KIND_LABELS = {"list_export": _l("List export"), "code_batch": _l("Code batch generation"),
                    "retailer_import": _l("Retailer import"), "code_import": _l("Code import"),
                    "code_export": _l("Codes CSV export")}
ROLE_LABELS = {"admin": _l("Administrator"), "manager": _l("Manager (read-only)"), "staff": _l("Field staff")}

CHOICE_LABELS = {
    "flue_cured": _l("Flue-cured"), "blended": _l("Blended"), "slim": _l("Slim"), "mid_slim": _l("Mid-slim"),
    "short": _l("Short"), "capsule": _l("Capsule"), "cigar": _l("Cigar"),
    "low": _l("Low"), "mid": _l("Mid"), "mid_high": _l("Mid-high"), "high": _l("High"),
    "enterprise": _l("Enterprise employee"), "public_sector": _l("Public sector"),
    "self_employed": _l("Self-employed"), "worker": _l("Worker"), "farmer": _l("Farmer"),
    "freelance": _l("Freelance"), "retired": _l("Retired"), "other": _l("Other"),
    "lt3k": _l("Under ¥3,000"), "3k_6k": _l("¥3,000–6,000"), "6k_10k": _l("¥6,000–10,000"),
    "10k_20k": _l("¥10,000–20,000"), "gt20k": _l("Over ¥20,000"),
}

LEDGER_KIND_LABELS = {
    "scan": _l("Scan"), "redeem": _l("Redemption"), "refund": _l("Refund"), "complaint_reward": _l("Complaint reward"),
    "referral_bonus": _l("Referral bonus"), "campaign_bonus": _l("Campaign bonus"), "expire": _l("Expiry"),
    "adjust": _l("Adjustment"),
}


def options(pairs):
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def choices(codes, blank=False):
    return options(([("", "—")] if blank else []) + [(code, CHOICE_LABELS.get(code, code)) for code in codes])


ANY_STATUS = (("", _l("Any status")), ("active", _l("Active")), ("locked", _l("Locked")))
