"""Reactions to credits, in the crediting transaction (app/points/hooks.py).

Every credit of an earning kind (scan, referral bonus, campaign bonus, complaint reward: levels.EARNING_KINDS)
recalculates the member's level, whichever path posted it. A credited scan then, in this order: an expired
membership refuses the credit (the whole scan rolls back with MEMBERSHIP_EXPIRED) before the scan renews
anything; then validity and referral.
"""
from ..members.service import get_member
from ..points.hooks import on_credit, on_scan_credited
from . import levels, referral, validity


@on_credit
def recalculate_level(entry, now):
    if entry.kind in levels.EARNING_KINDS:
        levels.recalculate(entry.member_id, now)


@on_scan_credited
def refuse_expired_membership(member_id, scan, now):
    validity.require_valid(get_member(member_id), now)


@on_scan_credited
def extend_validity(member_id, scan, now):
    validity.extend_for_activity(member_id, now)


@on_scan_credited
def reward_referrer(member_id, scan, now):
    referral.reward_referrer(member_id, scan, now)
