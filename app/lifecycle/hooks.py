"""Reactions to a credited scan, in the crediting transaction (app/points/hooks.py).

Order matters: an expired membership refuses the credit (the whole scan rolls back with
MEMBERSHIP_EXPIRED) before the scan renews anything; then validity, level and referral.
"""
from ..members.service import get_member
from ..points.hooks import on_scan_credited
from . import levels, referral, validity


@on_scan_credited
def refuse_expired_membership(member_id, scan, now):
    validity.require_valid(get_member(member_id), now)


@on_scan_credited
def extend_validity(member_id, scan, now):
    validity.extend_for_activity(member_id, now)


@on_scan_credited
def recalculate_level(member_id, scan, now):
    levels.recalculate(member_id, now)


@on_scan_credited
def reward_referrer(member_id, scan, now):
    referral.reward_referrer(member_id, scan, now)
