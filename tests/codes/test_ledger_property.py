"""Property: whatever members scan, re-scan, fake or spend, balance == Σ ledger ≥ 0 for every member."""
from hypothesis import HealthCheck, given, settings, strategies as st

from app.codes import batches
from app.codes.service import scan_code
from app.db import transaction
from app.errors import ApiError
from app.extensions import db
from app.members.models import Member
from app.points.service import InsufficientPoints, ledger_sum, post_entry

from ..factories import create_member
from .conftest import forged

CODES_PER_EXAMPLE = 12

operations = st.lists(st.one_of(
    st.tuples(st.just("scan"), st.integers(0, 2), st.integers(0, CODES_PER_EXAMPLE - 1)),
    st.tuples(st.just("spend"), st.integers(0, 2), st.integers(1, 4)),
    st.tuples(st.just("typo"), st.integers(0, 2), st.integers(0, CODES_PER_EXAMPLE - 1)),
    st.tuples(st.just("forged"), st.integers(0, 2), st.integers(0, CODES_PER_EXAMPLE - 1)),
), max_size=25)
REFUSED = {"typo": "CODE_MALFORMED", "forged": "CODE_INVALID"}


def _typo(code):
    """The last character changed: the check character no longer fits."""
    compact = code.replace("-", "")
    return compact[:-1] + ("2" if compact[-1] != "2" else "3")



@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_random_scan_sequences_keep_balance_equal_to_ledger_sum(app, product, ops):
    app.config.update(SCAN_DAILY_CAP=10**6, SCAN_INVALID_LIMIT="1000000 per hour",
                      SCAN_INVALID_LIMIT_PER_IP="1000000 per hour")
    members = [create_member().id for _ in range(3)]
    batch = batches.create_generated(sku=product.sku, count=CODES_PER_EXAMPLE)
    codes = list(batches.generated_codes(batch))
    expected, used = dict.fromkeys(members, 0), set()
    for op, who, arg in ops:
        member_id = members[who]
        if op == "scan":
            try:
                scan_code(member_id, codes[arg])
                assert arg not in used
                used.add(arg)
                expected[member_id] += 1
            except ApiError as error:
                assert error.code == "CODE_ALREADY_USED" and arg in used
        elif op == "spend":
            try:
                with transaction():
                    post_entry(member_id, -arg, "redeem", note="property test")
                expected[member_id] -= arg
            except InsufficientPoints:
                assert expected[member_id] < arg
        else:
            fake = (_typo if op == "typo" else forged)(codes[arg])
            try:
                scan_code(member_id, fake)
                raise AssertionError("a fake was credited")
            except ApiError as error:
                assert error.code == REFUSED[op]
        for m in members:
            balance = db.session.get(Member, m, populate_existing=True).points_balance
            assert balance == ledger_sum(m) == expected[m] >= 0
