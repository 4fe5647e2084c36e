"""schemathesis against the app's own OpenAPI document, in-process: no input makes any operation answer
5xx, every answer matches the schema the document declares for it, and what the document calls valid is
not refused for a rule it does not state."""
import itertools
import re
import os

import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from app.auth.tokens import issue_token
from app.db import transaction

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Valid inputs must be answered as documented; invalid ones (wrong types, missing fields) must be refused
# in the envelope, never with a 5xx.
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def _token_for(path, people):
    """A fresh token of the role the operation is for (logout and password changes end old ones)."""
    if path.startswith("/api/v1/admin/"):
        kind = {"staff_id": people["admin"].id}
    elif path.startswith("/api/v1/staff/"):
        kind = {"staff_id": people["staff"].id}
    else:
        kind = {"member_id": people["member"].id}
    with transaction():
        token, _ = issue_token(**kind)
    return token


def test_no_operation_answers_5xx_or_off_schema(app, member, staff, admin):
    app.config["RATELIMIT_ENABLED"] = False
    people = {"member": member, "staff": staff, "admin": admin}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation, mode in itertools.product(operations, MODES):
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def exercise(case):
            headers = {"Authorization": f"Bearer {_token_for(operation.path, people)}"}
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        exercise()


# --- the document is not looser than the validation ---------------------------------------------------------
# Input the document calls valid must not be refused (400/422) for a rule the document could state. What it
# cannot state is listed here, each with why; any other refused field is a schema validation mismatch.
POSITIVE_EXAMPLES = int(os.environ.get("FUZZ_POSITIVE_EXAMPLES", "4"))


def _roles_for(path):
    """The tokens that reach the operation's validation: members for the member side (a member token is
    refused before validation on the staff and admin sides), staff and admins for those (some admin routes
    are open to staff, and admins use the staff routes)."""
    return ["staff", "admin"] if path.startswith(("/api/v1/admin/", "/api/v1/staff/")) else ["member"]

# Valid only if the database (or a server-side secret) agrees: a shape is documented, existence is data.
DATA_FIELDS = {
    "region_code", "profile.region_code",  # a GB/T 2260 code in force (the list of codes is data)
    "sku",            # a product that exists
    "product_id", "[].product_id", "retailer_id", "staff_id",  # rows that exist
    "referral_code",  # a member's referral code
    "sms_code",       # the code sent by SMS; required while PHONE_VERIFICATION is on (its description says so)
    "id_number",      # the pattern gives the shape; the check digit, the region and adulthood are data
    "old_password",   # the caller's current password
    "file",           # an upload's content (its encoding, its CSV header)
}
# Rules between fields of one body, stated in the fields' descriptions (OpenAPI 3.0 has no way to require
# one field because of another's value).
CROSS_FIELD = {
    ("GET /api/v1/admin/stats/indicators/history", "from"),  # 1 to 157 weeks, `from` first
    ("POST /api/v1/admin/retailers", "lat"), ("POST /api/v1/admin/retailers", "lon"),  # both or neither
    ("PATCH /api/v1/admin/retailers/{retailer_id}", "lat"), ("PATCH /api/v1/admin/retailers/{retailer_id}", "lon"),
    ("POST /api/v1/admin/activities", "ends_on"),  # not before starts_on
    ("POST /api/v1/admin/earning-rules", "value"),  # kind `add` takes whole points
    ("PATCH /api/v1/admin/earning-rules/{rule_id}", "value"),
    ("POST /api/v1/members", "password"),  # must not contain the phone number
    ("POST /api/v1/me/password", "new_password"),  # must not contain the member's phone number
    *(("POST /api/v1/redemptions", f"delivery.{name}") for name in ("name", "phone", "address")),  # by post
    # the nested profile and the flat field given with two different values
    *(("PATCH /api/v1/me", name) for name in ("region_code", "preferred_category", "price_tier", "income_band",
                                              "occupation")),
}
# Refusals without a field, for what the request's content or the server's state decides.
DATA_CODES = {
    "BAD_FILE", "BAD_IMAGE", "IMPORT_REJECTED", "NOTHING_IMPORTED",  # an upload's content
    "CODE_MALFORMED",  # a pack code's check character
    "IDEMPOTENCY_KEY_REUSED",  # the generated key was already used by another generated request
}
NESTED = re.compile(r"^([a-z_]+): ")


def _refused_fields(error):
    """The fields a 400/422 names, nested ones as `delivery.phone` and list items as `[].product_id`."""
    for field, messages in (error.get("fields") or {}).items():
        base = "[]" if field.isdigit() else field
        inner = {match[1] for message in messages if isinstance(message, str) and (match := NESTED.match(message))}
        yield from (f"{base}.{name}" for name in inner) if inner else [base]


def _unstated_refusals(operation, response):
    if response.status_code not in (400, 422):
        return []
    error = response.json()["error"]
    key = f"{operation.method.upper()} {operation.path}"
    if not error.get("fields"):
        return [] if error["code"] in DATA_CODES else [(key, error["code"])]
    return [(key, field) for field in _refused_fields(error)
            if field not in DATA_FIELDS and (key, field) not in CROSS_FIELD]


def test_valid_input_by_the_document_is_taken_by_every_role(app, member, staff, admin):
    app.config["RATELIMIT_ENABLED"] = False
    people = {"member": member, "staff": staff, "admin": admin}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    mismatches = set()

    pairs = [(operation, role) for operation in (result.ok() for result in schema.get_all_operations())
             for role in _roles_for(operation.path)]
    for operation, role in pairs:
        @settings(max_examples=POSITIVE_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def exercise(case):
            kind = {"member_id": member.id} if role == "member" else {"staff_id": people[role].id}
            with transaction():
                token, _ = issue_token(**kind)
            mismatches.update(_unstated_refusals(operation, case.call(headers={"Authorization": f"Bearer {token}"})))

        exercise()
    assert not mismatches, sorted(mismatches)
