"""schemathesis against the app's own OpenAPI document, in-process: no input makes any operation answer
5xx, and every answer matches the schema the document declares for it."""
import itertools
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
